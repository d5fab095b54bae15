"""A large import of equipment is checked first, then written in short batches; a file over
the limits is refused with the advice to split it (finding 2 of #13).

Before: the page, the API and the command checked and wrote the whole file in one write
transaction: a 400,000-row import held /healthz and every writer for 22.5 s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, func, select

from convergence.db.engine import writing
from convergence.errors import Conflict, PayloadTooLarge
from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from convergence.registry import csv_io
from convergence.registry.tables import assets
from tests.ingest.conftest import make_client, register
from tests.registry.test_csv_import import HEADER, count_assets, versailles_rows
from tests.support import Territory, another_writer_may_write
from tests.web.pages_support import log_in_as
from tests.web.test_pages_import import upload

__all__ = ["make_client"]  # the fixture of a client with other settings

LIMITS = csv_io.ImportLimits(max_bytes=1_000_000, max_rows=1_000, batch_rows=100)


def _begin(engine: Engine) -> Callable[[], AbstractContextManager[Connection]]:
    @contextmanager
    def begin() -> Iterator[Connection]:
        with engine.connect() as conn, writing(conn).begin():
            yield conn

    return begin


def _import(
    engine: Engine,
    territory: Territory,
    text: str,
    progress: csv_io.Progress | None = None,
) -> csv_io.ImportReport:
    return csv_io.import_in_batches(
        engine,
        begin=_begin(engine),
        scope=command_line_scope(),
        data=text.encode(),
        member_id=territory.versailles.id,
        limits=LIMITS,
        progress=progress,
    )


def test_between_two_batches_others_write_and_read(
    engine: Engine, territory: Territory, client: TestClient
) -> None:
    seen: list[tuple[int, bool, int]] = []

    def between_batches(done: int, total: int) -> None:
        if done and done % LIMITS.batch_rows == 0 and total == 1_000:
            with engine.connect() as conn:
                written = conn.execute(select(func.count()).select_from(assets)).scalar_one()
            seen.append(
                (written, another_writer_may_write(engine), client.get("/healthz").status_code)
            )

    report = _import(engine, territory, HEADER + "".join(versailles_rows(1_000)), between_batches)
    assert (report.ok, report.imported) == (True, 1_000)
    # Each batch committed on its own; the write lock free and /healthz up between them.
    assert seen == [(n, True, 200) for n in range(100, 1_001, 100)]
    assert count_assets(engine) == 1_000


def test_a_batch_that_fails_takes_back_the_batches_written_before(
    engine: Engine, territory: Territory
) -> None:
    rows = versailles_rows(300)
    taken = f"{150:016X}"  # the DevEUI of the second batch's row 150

    def register_meanwhile(done: int, total: int) -> None:
        if done == LIMITS.batch_rows and total == 300:
            register(engine, territory.versailles.id, name="Arrivé entre-temps", dev_eui=taken)

    with pytest.raises(Conflict, match="rien n'a été importé"):
        _import(engine, territory, HEADER + "".join(rows), register_meanwhile)
    with engine.connect() as conn:
        names = conn.execute(select(assets.c.name)).scalars().all()
    assert names == ["Arrivé entre-temps"]  # the first batch was deleted again


def test_a_file_with_too_many_rows_is_refused_with_the_limit_and_how_to_split_it(
    engine: Engine, territory: Territory
) -> None:
    with pytest.raises(PayloadTooLarge) as refused:
        _import(engine, territory, HEADER + "".join(versailles_rows(1_001)))
    assert "limite de 1000 lignes" in refused.value.message
    assert "découpez-le en fichiers de 1000 lignes au plus" in refused.value.message
    assert "split it into files of at most 1000 rows" in refused.value.message
    assert count_assets(engine) == 0


def test_the_api_refuses_a_file_over_the_size_limit(
    make_client: Callable[..., TestClient], territory: Territory
) -> None:
    client = make_client(import_max_bytes=4096)
    response = client.post(
        "/api/v1/assets/import",
        headers=territory.versailles.bearer(),
        files={"file": ("e.csv", (HEADER + "".join(versailles_rows(100))).encode(), "text/csv")},
    )
    assert response.status_code == 413
    assert "limite de 4096 octets" in response.text
    assert "split it into smaller files" in response.text


def test_the_page_refuses_a_file_over_the_row_limit_in_french(
    make_client: Callable[..., TestClient], territory: Territory, engine: Engine
) -> None:
    client = make_client(import_max_rows=10)
    csrf = log_in_as(client, territory.versailles, Role.technician)
    page = upload(client, csrf, HEADER + "".join(versailles_rows(11)))
    assert page.startswith("422\n")
    assert "le fichier compte 11 lignes, au-delà de la limite de 10 lignes" in page
    assert "10 lignes et 5 Mo au plus par fichier" in page  # said before anyone sends one
    assert count_assets(engine) == 0
