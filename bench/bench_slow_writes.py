"""How long /healthz and another writer wait while one slow request runs (finding 2 of #13).

Run from the repository root: ``python bench/bench_slow_writes.py [--frames N] [--rows N]``.
It builds a fresh SQLite file in a temporary directory and runs two slow requests, each
twice, the old way then the new way, while the main thread asks every 50 ms for /healthz
(through the ASGI app) and makes a one-row write transaction:

- a burst of ``--frames`` ChirpStack uplinks (200) for a JavaScript codec that runs out of
  memory on every frame: before, decoded inside the write transaction and never suspended;
  after, decoded before it, the codec suspended after CONVERGENCE_CODEC_SUSPEND_AFTER (20);
- an import of ``--rows`` rows of equipment (20,000, the default limit): before, checked and
  written in one transaction; after, checked without the write lock then written in batches.

Prints figures only: the request's duration, and the longest waits of /healthz and of the
writer while it ran.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from convergence.bootstrap import prepare_database
from convergence.db.engine import make_engine
from convergence.ingest.decoding import Codecs
from convergence.ingest.envelope import Envelope, Source
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.service import ingest
from convergence.ingest.suspensions import CodecSuspensions
from convergence.members import service as members
from convergence.members.roles import MemberKind
from convergence.members.schemas import MemberCreate
from convergence.members.scope import command_line_scope
from convergence.registry import csv_io
from convergence.registry import service as registry
from convergence.registry.schemas import AssetCreate, DeviceModelCreate
from convergence.settings import Environment, Settings
from convergence.territory.geometry import commune_centroid
from convergence.web.app import create_app

CODECS = Path(__file__).parents[1] / "tests" / "decoders" / "codecs"
BOMB_EUI = "70B3D57BA0000F02"
PERIOD_S = 0.05


@dataclass
class Waits:
    healthz: list[float] = field(default_factory=list)
    writer: list[float] = field(default_factory=list)
    writer_failed: int = 0  # "database is locked" after the 30 s busy timeout


def _measure(engine: Engine, client: TestClient, slow: Callable[[], object]) -> tuple[float, Waits]:
    """Run ``slow`` in a thread; meanwhile time /healthz and a one-row write, every 50 ms."""
    waits, done = Waits(), threading.Event()

    def run() -> None:
        try:
            slow()
        finally:
            done.set()

    begun = time.monotonic()
    thread = threading.Thread(target=run)
    thread.start()
    while not done.is_set():
        start = time.monotonic()
        assert client.get("/healthz").status_code == 200
        waits.healthz.append(time.monotonic() - start)
        start = time.monotonic()
        try:
            with engine.begin() as conn:
                conn.execute(text("UPDATE members SET name = name WHERE id = 1"))
        except OperationalError:
            waits.writer_failed += 1
        waits.writer.append(time.monotonic() - start)
        done.wait(PERIOD_S)
    thread.join()
    return time.monotonic() - begun, waits


def _report(label: str, duration: float, waits: Waits) -> None:
    print(
        f"{label:<38} {duration:7.2f} s   /healthz max {max(waits.healthz, default=0):6.2f} s"
        f"   writer max {max(waits.writer, default=0):6.2f} s, {waits.writer_failed} failed"
        f" ({len(waits.writer)} samples)"
    )


def _setup(engine: Engine) -> int:
    with engine.begin() as conn:
        member = members.create_member(
            conn,
            data=MemberCreate(
                siren="217806462", name="Versailles", kind=MemberKind.commune, insee="78646"
            ),
            actor="bench",
        )
        model = registry.register_device_model(
            conn,
            data=DeviceModelCreate(
                vendor="bench", model="bomb", domain="air", codec="js:memory_bomb.js"
            ),
            actor="bench",
        )
        lon, lat = commune_centroid("78646")
        data = AssetCreate(
            member_id=member.id,
            kind="sensor",
            name="Bombe",
            lon=lon,
            lat=lat,
            dev_eui=BOMB_EUI,
            device_model_id=model.id,
        )
        registry.create_asset(conn, scope=command_line_scope(), data=data)
    return member.id


def _uplinks(member_id: int, frames: int, offset: int) -> list[Envelope]:
    start = datetime.now(UTC) - timedelta(hours=1)
    envelopes = []
    for index in range(frames):
        when = start + timedelta(seconds=offset + index)
        message = {
            "deduplicationId": f"bench-{offset + index}",
            "time": when.isoformat(),
            "deviceInfo": {"devEui": BOMB_EUI.lower(), "deviceName": "bombe"},
            "fPort": 1,
            "data": "AQDiAik=",
        }
        raw = json.dumps(message).encode()
        envelopes.append(Envelope(Source.chirpstack, raw, when, member_id=member_id))
    return envelopes


def _csv(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    lon, lat = commune_centroid("78646")
    lines = ["name,kind,domain,status,lon,lat,serial\n"]
    lines += [
        f"Capteur {seed}-{i},sensor,air,active,{lon + rng.uniform(-0.004, 0.004):.6f},"
        f"{lat + rng.uniform(-0.003, 0.003):.6f},SN-{seed}-{i}\n"
        for i in range(rows)
    ]
    return "".join(lines).encode()


def bench_codec(engine: Engine, client: TestClient, member_id: int, frames: int) -> None:
    never = Codecs(js_dir=CODECS, suspensions=CodecSuspensions(after=10**9))
    old = Pipeline(codecs=never)

    def before() -> None:
        with engine.begin() as conn:  # the old way: decoded inside the write transaction
            old.process(conn, _uplinks(member_id, frames, 0))

    _report(f"codec OOM x{frames}, before", *_measure(engine, client, before))
    never.close()
    suspending = Codecs(js_dir=CODECS, suspensions=CodecSuspensions(after=20))
    new = Pipeline(codecs=suspending)

    def after() -> None:
        ingest(engine, pipeline=new, envelopes=_uplinks(member_id, frames, 10_000))

    _report(f"codec OOM x{frames}, after", *_measure(engine, client, after))
    suspending.close()


def bench_import(engine: Engine, client: TestClient, member_id: int, rows: int) -> None:
    scope = command_line_scope()

    def before() -> None:
        with engine.begin() as conn:  # the old way: one transaction for the whole file
            report = csv_io.import_assets(
                conn, scope=scope, data=_csv(rows, 1), member_id=member_id
            )
        assert report.ok, report.errors[:3]

    _report(f"import {rows} rows, before", *_measure(engine, client, before))
    limits = csv_io.ImportLimits(max_rows=rows)

    def after() -> None:
        report = csv_io.import_in_batches(
            engine,
            begin=engine.begin,
            scope=scope,
            data=_csv(rows, 2),
            member_id=member_id,
            limits=limits,
        )
        assert report.ok, report.errors[:3]

    _report(f"import {rows} rows, after", *_measure(engine, client, after))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        engine = make_engine(f"sqlite:///{Path(directory) / 'bench.sqlite3'}")
        prepare_database(engine)
        member_id = _setup(engine)
        settings = Settings(
            environment=Environment.test,
            data_dir=Path(directory) / "data",
            secret_key=secrets.token_urlsafe(48),
        )
        with TestClient(create_app(settings, engine=engine)) as client:
            bench_codec(engine, client, member_id, args.frames)
            bench_import(engine, client, member_id, args.rows)
        engine.dispose()


if __name__ == "__main__":
    main()
