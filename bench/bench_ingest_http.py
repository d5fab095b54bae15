"""Readings per second through POST /api/v1/ingest (batches of 500) against a raw bulk insert.

The same rows go through the whole HTTP path (ASGI app in process, token, JSON, pipeline,
rollups, commit per request) and through the raw driver (sqlite3 ``executemany`` /
psycopg ``COPY``, one commit per batch too), on SQLite and on PostgreSQL, in one run. Then a
profile of the HTTP path says where the time goes.

Between the two, a floor: the writes the guarantees need and nothing else — the readings,
their hourly and daily rollups and the series' latest values, one transaction a batch — with
no Python work a reading beyond the raw driver's (the rollups and latest values computed by
the database from the batch). No ingest path that keeps its rollups in the transaction can
go faster than it; its ratio to raw is the ceiling of the HTTP path's.

Run from the repository root::

    python bench/bench_ingest_http.py [--readings 100000] [--batch 500] [--no-postgres]

PostgreSQL is reached at CONVERGENCE_TEST_POSTGRES_URL (default postgres@127.0.0.1:5432); a
scratch database is created and dropped. Prints figures only; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import secrets
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from fastapi.testclient import TestClient
from scratch import postgres_database
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url

from convergence.bootstrap import prepare_database
from convergence.collector import tune_collector
from convergence.db.engine import make_engine
from convergence.db.types import epoch_micros
from convergence.ingest import pipeline as pipeline_module
from convergence.ingest.pipeline import Pipeline
from convergence.members import service as members
from convergence.members.roles import MemberKind, TokenScope
from convergence.members.schemas import MemberCreate, TokenCreate
from convergence.members.scope import command_line_scope
from convergence.members.tokens import create_token
from convergence.registry import service as registry
from convergence.registry.schemas import AssetCreate
from convergence.settings import Environment, Settings
from convergence.timeseries import bulk, rollups
from convergence.web.api import ingest as web_ingest
from convergence.web.app import create_app

POSTGRES_ADMIN = os.environ.get(
    "CONVERGENCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
QUANTITIES = (("laeq", "dB(A)", 40.0), ("temperature", "°C", 5.0), ("pm25", "µg/m³", 3.0))
DEVICES = 100
T0 = datetime(2026, 11, 1, tzinfo=UTC)
# The functions timed by `where_time_goes`, in pipeline order (a label may time the
# functions of an older and a newer version of a stage).
STAGES = (
    (Pipeline, "_receive", "receive: JSON and item checks (columns)"),
    (Pipeline, "_resolve", "resolve devices"),
    (Pipeline, "_decode", "decode (uplinks through codecs)"),
    (Pipeline, "_validate", "validate (messages that are not plain readings)"),
    (Pipeline, "_lane", "normalise + validate the readings (columns)"),
    (pipeline_module, "ensure_series", "store: series lookup"),
    (pipeline_module, "qualify", "qualify (quality flags, series memory)"),
    (bulk, "insert_readings_sqlite", "store: INSERT … ON CONFLICT DO NOTHING"),
    (rollups, "aggregate", "store: rollup increments (Python)"),
    (rollups, "rollup_rows", "store: rollup increments (Python)"),
    (rollups, "apply_delta", "store: rollup upserts"),
    (rollups, "apply_rows", "store: rollup upserts"),
    (bulk, "update_latest_sqlite", "store: latest values"),
    (bulk, "store_postgres", "store: COPY/unnest + rollups + latest (1 stmt)"),
    (Pipeline, "_dead_letters", "dead letters"),
    (web_ingest, "ingest", "ingest(): pipeline + commit"),
)


def rows_and_bodies(
    total: int, batch: int
) -> tuple[list[tuple[str, str, datetime, float]], list[bytes]]:
    """The readings as (device, quantity, ts, value), and as JSON bodies of ``batch`` items."""
    rows = []
    for i in range(total):
        quantity, _unit, base = QUANTITIES[i % len(QUANTITIES)]
        device = f"BENCH-{i % DEVICES:03d}"
        minute = i // DEVICES
        # A level of its own for each series, moving a little every minute (a flat line
        # would be set aside by the quality checks after a few hours, as it should be).
        value = base + (i * 7) % 30 + minute % 7 / 10
        rows.append((device, quantity, T0 + timedelta(minutes=minute), value))
    bodies = []
    for start in range(0, total, batch):
        items = [
            {"device": d, "ts": ts.isoformat(), "quantity": q, "value": v}
            for d, q, ts, v in rows[start : start + batch]
        ]
        bodies.append(json.dumps({"readings": items}).encode())
    return rows, bodies


def populate(engine: Engine) -> str:
    """A commune with DEVICES sensors; returns an ingest token."""
    prepare_database(engine)
    with engine.begin() as conn:
        member = members.create_member(
            conn,
            data=MemberCreate(
                siren="217806462", name="Versailles", kind=MemberKind.commune, insee="78646"
            ),
            actor="bench",
        )
        for i in range(DEVICES):
            data = AssetCreate(
                member_id=member.id,
                name=f"Capteur {i}",
                kind="sensor",
                serial=f"BENCH-{i:03d}",
                lon=2.1301,
                lat=48.8049,
            )
            registry.create_asset(conn, scope=command_line_scope(), data=data)
        token = create_token(
            conn,
            member_id=member.id,
            actor="bench",
            data=TokenCreate(name="bench", scopes=[TokenScope.ingest]),
        )
    return token.secret


def through_http(engine: Engine, token: str, bodies: list[bytes], data_dir: Path) -> float:
    """Seconds to POST every body; each answer comes after its commit."""
    settings = Settings(
        environment=Environment.test,
        data_dir=data_dir,
        secret_key=secrets.token_urlsafe(48),
        ingest_rate_per_minute=10**9,
    )
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with TestClient(create_app(settings, engine=engine)) as client:
        client.post("/api/v1/ingest", content=b"[]", headers=headers)  # load the codecs
        start = time.perf_counter()
        for body in bodies:
            response = client.post("/api/v1/ingest", content=body, headers=headers)
            assert response.status_code == 200, response.text
        return time.perf_counter() - start


def series_rows(
    engine: Engine, rows: list[tuple[str, str, datetime, float]]
) -> list[tuple[int, datetime, float]]:
    """The same readings keyed by the series the HTTP run created."""
    with engine.connect() as conn:
        ids = {
            (serial, quantity): sid
            for sid, serial, quantity in conn.execute(
                text(
                    "SELECT s.id, a.serial, s.quantity "
                    "FROM series s JOIN assets a ON a.id = s.asset_id"
                )
            )
        }
    return [(ids[(d, q)], ts, v) for d, q, ts, v in rows]


def set_aside_series(engine: Engine) -> frozenset[int]:
    """The series the quality checks set values aside from (the bench's flat noise sensors,
    after three hours of one level): the floor, which checks nothing, rolls all of them up."""
    with engine.connect() as conn:
        query = text("SELECT DISTINCT series_id FROM readings_set_aside")
        return frozenset(conn.execute(query).scalars())


def stored_figures(engine: Engine, *, leaving: frozenset[int]) -> list[tuple[object, ...]]:
    """The rollups and latest values stored (sums rounded: the order of additions differs) of
    every series but those ``leaving`` out: the floor must store what the HTTP path stored."""
    queries = (
        'SELECT series_id, "start", "count", "sum", "min", "max", energy_sum '
        "FROM readings_hourly ORDER BY 1, 2",
        'SELECT series_id, "day", "count", "sum", "min", "max", energy_sum '
        "FROM readings_daily ORDER BY 1, 2",
        "SELECT id, last_ts, last_value, NULL, NULL, NULL, NULL FROM series ORDER BY id",
    )
    with engine.connect() as conn:
        return [
            (key, bucket, count, _rounded(total), low, high, _rounded(energy))
            for query in queries
            for key, bucket, count, total, low, high, energy in conn.execute(text(query))
            if key not in leaving
        ]


def _rounded(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.9g}")


def empty_readings(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in ("readings", "readings_hourly", "readings_daily", "readings_set_aside"):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(
            text(
                "UPDATE series SET last_ts = NULL, last_value = NULL, valid_ts = NULL, "
                "valid_value = NULL, run_start = NULL"
            )
        )


def raw_sqlite(
    path: str, rows: list[tuple[int, datetime, float]], batch: int, synchronous: str
) -> float:
    """sqlite3 executemany, one transaction per batch, WAL as the application uses it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    values = [(s, epoch_micros(ts), v) for s, ts, v in rows]  # as the store writes them
    start = time.perf_counter()
    for first in range(0, len(values), batch):
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO readings (series_id, ts, value) VALUES (?, ?, ?)",
            values[first : first + batch],
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def raw_postgres(url: str, rows: list[tuple[int, datetime, float]], batch: int) -> float:
    """psycopg COPY (binary), one transaction per batch."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        start = time.perf_counter()
        for first in range(0, len(rows), batch):
            with (
                conn.cursor() as cursor,
                cursor.copy(
                    "COPY readings (series_id, ts, value) FROM STDIN (FORMAT BINARY)"
                ) as copy,
            ):
                copy.set_types(["int4", "timestamptz", "float8"])
                for row in rows[first : first + batch]:
                    copy.write_row(row)
            conn.commit()
        return time.perf_counter() - start


def floor_sqlite(path: str, rows: list[tuple[int, datetime, float]], batch: int) -> float:
    """The raw insert, then the rollups and latest values, each one statement over the batch.

    SQL groups the hourly (UTC) and daily rollups from the rows just inserted (found by the
    primary key: the batch's series, between its first and last time — no other batch of the
    bench has readings there), and takes each series' newest value, stored as the application
    stores them. The bench's readings are all in November 2026, when Paris is UTC+1: the local
    day is the UTC day of ``ts`` + 1 hour. Energies are summed for the dB(A) series.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    decibel = {sid for (sid,) in conn.execute("SELECT id FROM series WHERE unit = 'dB(A)'")}
    values = [(s, epoch_micros(ts), v) for s, ts, v in rows]
    batches = []
    for first in range(0, len(values), batch):
        chunk = values[first : first + batch]
        ids = sorted({s for s, _, _ in chunk})
        times = [t for _, t, _ in chunk]
        described = (
            json.dumps(ids),
            min(times),
            max(times),
            json.dumps(sorted(decibel.intersection(ids))),
        )
        batches.append((chunk, described))
    start = time.perf_counter()
    for chunk, described in batches:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO readings (series_id, ts, value) VALUES (?, ?, ?)", chunk)
        for statement in _FLOOR_ROLLUPS:
            conn.execute(statement, described)
        conn.execute(_FLOOR_LATEST, described[:1])
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


# Parameters: ?1 the batch's series (JSON), ?2 and ?3 its first and last time, ?4 its dB(A)
# series (JSON); the latest values take ?1 only.
_FLOOR_BATCH = (
    "FROM readings WHERE series_id IN (SELECT value FROM json_each(?1)) AND ts BETWEEN ?2 AND ?3"
)
_FLOOR_AGGREGATES = (
    "count(*), sum(value), min(value), max(value), sum(CASE WHEN series_id IN "
    "(SELECT value FROM json_each(?4)) THEN power(10, value / 10.0) END)"
)
_FLOOR_UPSERT = (
    'ON CONFLICT DO UPDATE SET "count" = "count" + excluded."count", '
    '"sum" = "sum" + excluded."sum", "min" = min("min", excluded."min"), '
    '"max" = max("max", excluded."max"), energy_sum = energy_sum + excluded.energy_sum'
)
_FLOOR_ROLLUPS = (
    "INSERT INTO readings_hourly SELECT series_id, "
    "strftime('%Y-%m-%d %H:00:00.000000', ts / 1000000, 'unixepoch'), "
    f"{_FLOOR_AGGREGATES} {_FLOOR_BATCH} GROUP BY 1, 2 ORDER BY 1, 2 {_FLOOR_UPSERT}",
    "INSERT INTO readings_daily SELECT series_id, date(ts / 1000000, 'unixepoch', '+1 hour'), "
    f"{_FLOOR_AGGREGATES} {_FLOOR_BATCH} GROUP BY 1, 2 ORDER BY 1, 2 {_FLOOR_UPSERT}",
)
_FLOOR_LATEST = (
    "UPDATE series SET (last_ts, last_value) = (SELECT "
    "strftime('%Y-%m-%d %H:%M:%f000', ts / 1000000.0, 'unixepoch'), value FROM readings "
    "WHERE series_id = series.id ORDER BY ts DESC LIMIT 1) "
    "WHERE id IN (SELECT value FROM json_each(?1))"
)


def floor_postgres(engine: Engine, rows: list[tuple[int, datetime, float]], batch: int) -> float:
    """The raw COPY plus the application's own store statement (rollups and latest values in
    SQL, from the rows COPY'd), one transaction a batch: the store fed ready-made rows."""
    with engine.connect() as conn:
        decibel = frozenset(
            conn.execute(text("SELECT id FROM series WHERE unit = 'dB(A)'")).scalars()
        )
    qualified = [(s, ts, v, 0, None) for s, ts, v in rows]
    start = time.perf_counter()
    for first in range(0, len(qualified), batch):
        with engine.begin() as conn:
            bulk.store_postgres(conn, qualified[first : first + batch], decibel_series=decibel)
    return time.perf_counter() - start


class StageClock:
    """Wall-clock time spent in chosen functions, wherever they run (the app's own thread)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._undo: list[tuple[object, str, object]] = []

    def watch(self, owner: object, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # a stage an older version of the pipeline does not have
            return

        @functools.wraps(original)
        def timed(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[label] += time.perf_counter() - start

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def restore(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)


def where_time_goes(engine: Engine, token: str, bodies: list[bytes], work: Path) -> None:
    """The HTTP path again, with a clock on each stage of the pipeline."""
    clock = StageClock()
    for owner, name, label in STAGES:
        clock.watch(owner, name, label)
    try:
        total = through_http(engine, token, bodies, work / "data")
    finally:
        clock.restore()
    print(f"  where the time goes ({len(bodies)} batches, {total:.2f} s):")
    for label in dict.fromkeys(label for _owner, _name, label in STAGES):
        share = clock.spent[label] / total
        print(f"    {label:<46} {clock.spent[label]:7.2f} s {share:6.1%}")
    outside = total - clock.spent["ingest(): pipeline + commit"]
    label = "HTTP, authentication, rate limit, answer"
    print(f"    {label:<46} {outside:7.2f} s {outside / total:6.1%}")


def report(label: str, count: int, seconds: float, cpu: float) -> None:
    print(
        f"  {label:<44} {count:>9,} readings {seconds:8.2f} s {count / seconds:>10,.0f} /s"
        f"  (this process's CPU: {cpu:6.2f} s, {cpu / count * 1e6:5.1f} µs a reading)"
    )


def timed(run: Callable[[], float]) -> tuple[float, float]:
    """Wall-clock seconds ``run`` returns, and the CPU seconds this process spent meanwhile
    (every thread: the app's too). On a loaded machine the CPU figure moves less."""
    cpu = time.process_time()
    wall = run()
    return wall, time.process_time() - cpu


def run_backend(label: str, url: str, args: argparse.Namespace, work: Path) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "sqlite" and args.synchronous != "FULL":
        # Only to measure what FULL costs: the application always runs with FULL.
        event.listen(engine, "connect", lambda dbapi, _: dbapi.execute(_synchronous(args)))
    token = populate(engine)
    rows, bodies = rows_and_bodies(args.readings, args.batch)
    http_s, http_cpu = timed(lambda: through_http(engine, token, bodies, work / "data"))
    flagged = set_aside_series(engine)
    stored_by_http = stored_figures(engine, leaving=flagged)
    keyed = series_rows(engine, rows)
    empty_readings(engine)
    if engine.dialect.name == "sqlite":
        path = make_url(url).database or ""
        raw_s, raw_cpu = timed(lambda: raw_sqlite(path, keyed, args.batch, args.synchronous))
        empty_readings(engine)
        floor_s, floor_cpu = timed(lambda: floor_sqlite(path, keyed, args.batch))
    else:
        raw_s, raw_cpu = timed(lambda: raw_postgres(url, keyed, args.batch))
        empty_readings(engine)
        floor_s, floor_cpu = timed(lambda: floor_postgres(engine, keyed, args.batch))
    compared = {series_id for series_id, _, _ in keyed} - flagged
    if stored_figures(engine, leaving=flagged) != stored_by_http or len(compared) < len(flagged):
        raise RuntimeError("the floor did not store the rollups and latest values HTTP stored")
    print(f"{label}:")
    report(f"POST /api/v1/ingest, batches of {args.batch}", len(rows), http_s, http_cpu)
    report("floor: + rollups and latest values in SQL", len(rows), floor_s, floor_cpu)
    report(f"raw driver, batches of {args.batch}", len(rows), raw_s, raw_cpu)
    print(f"  ratio HTTP / raw: {raw_s / http_s:6.1%}")
    print(f"  ratio floor / raw: {raw_s / floor_s:6.1%} (the most any path with rollups can reach)")
    print(f"  ratio HTTP / floor: {floor_s / http_s:6.1%}")
    empty_readings(engine)
    where_time_goes(engine, token, bodies[: max(1, len(bodies) // 4)], work)
    engine.dispose()


def _synchronous(args: argparse.Namespace) -> str:
    return f"PRAGMA synchronous={args.synchronous}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--synchronous",
        choices=("FULL", "NORMAL"),
        default="FULL",
        help="SQLite's synchronous pragma for both paths (the application uses FULL)",
    )
    parser.add_argument(
        "--default-gc", action="store_true", help="keep Python's collector thresholds"
    )
    args = parser.parse_args()
    if not args.default_gc:  # as `convergence serve` does (CONVERGENCE_TUNE_COLLECTOR)
        tune_collector()
    print(f"garbage collector: {'default' if args.default_gc else 'tuned as serve tunes it'}")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        run_backend(
            f"SQLite (WAL, synchronous={args.synchronous})",
            f"sqlite:///{work / 'bench.sqlite3'}",
            args,
            work,
        )
        if not args.no_postgres:
            with postgres_database(POSTGRES_ADMIN) as url:
                run_backend("PostgreSQL (psycopg 3)", url, args, work)


if __name__ == "__main__":
    main()
