"""On SQLite only writers take the write lock: a slow write holds no read (finding 2 of #13).

Before: every transaction, reads included, began ``BEGIN IMMEDIATE``, so one slow write (a
codec running out of memory inside the ingestion transaction, a large import) held every
page and ``/healthz`` behind it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from convergence.db.engine import make_engine, writing
from convergence.settings import Environment, Settings
from convergence.web.app import create_app

HELD_S = 3.0


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'locks.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counts (n INTEGER)"))
        conn.execute(text("INSERT INTO counts VALUES (1)"))
    return engine


def _hold_the_write_lock(engine: Engine, started: threading.Event) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE counts SET n = n + 1"))
        started.set()
        time.sleep(HELD_S)


def test_a_read_is_answered_while_a_writer_holds_the_lock(sqlite_engine: Engine) -> None:
    started = threading.Event()
    writer = threading.Thread(target=_hold_the_write_lock, args=(sqlite_engine, started))
    writer.start()
    try:
        assert started.wait(10)
        begun = time.monotonic()
        with sqlite_engine.connect() as conn:  # the snapshot before the writer's change
            assert conn.execute(text("SELECT n FROM counts")).scalar_one() == 1
        assert time.monotonic() - begun < HELD_S / 2
    finally:
        writer.join()
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counts")).scalar_one() == 2


def test_a_second_writer_waits_for_the_first_instead_of_failing(sqlite_engine: Engine) -> None:
    started = threading.Event()
    writer = threading.Thread(target=_hold_the_write_lock, args=(sqlite_engine, started))
    writer.start()
    try:
        assert started.wait(10)
        with sqlite_engine.connect() as conn, writing(conn).begin():
            conn.execute(text("UPDATE counts SET n = n * 10"))
    finally:
        writer.join()
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM counts")).scalar_one() == 20


def test_healthz_answers_while_a_write_transaction_is_held(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    settings = Settings(
        environment=Environment.test, data_dir=tmp_path / "data", secret_key="k" * 48
    )
    started = threading.Event()
    with TestClient(create_app(settings, engine=sqlite_engine)) as client:
        writer = threading.Thread(target=_hold_the_write_lock, args=(sqlite_engine, started))
        writer.start()
        try:
            assert started.wait(10)
            begun = time.monotonic()
            assert client.get("/healthz").status_code == 200
            assert time.monotonic() - begun < HELD_S / 2
        finally:
            writer.join()
