"""Bytes per stored reading on SQLite and PostgreSQL: readings, their index and the rollups.

A fleet of sensors (``--series`` series, one reading a minute each) stores ``--readings``
readings through the ingestion store (``timeseries.store.insert_readings``: idempotent insert,
hourly and daily rollups, latest values) in batches of one minute of the whole fleet, as live
traffic arrives: every batch touches every series, and is committed on its own unless
``--minutes-per-transaction`` says otherwise (rollup rows updated many times in one
transaction leave more dead versions behind on PostgreSQL). The sizes are then read from
the database itself: SQLite's ``dbstat`` (pages of each table and index, after a
checkpoint) and the file, PostgreSQL's ``pg_total_relation_size`` of each partition of
``readings`` and of the rollups.

Run from the repository root::

    python bench/bench_storage.py [--readings 1000000] [--series 200]
        [--minutes-per-transaction 1] [--no-postgres] [--no-sqlite]

Prints figures only; the issue's bar is half of today's bytes per reading on each backend
(InfluxDB keeps 10.5 M readings in 75 MB, about 7 bytes a reading).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scratch import postgres_database
from sqlalchemy import Connection, Engine, text

from convergence.bootstrap import prepare_database
from convergence.db.engine import make_engine
from convergence.members import service as members
from convergence.members.roles import MemberKind
from convergence.members.schemas import MemberCreate
from convergence.members.scope import command_line_scope
from convergence.registry import service as registry
from convergence.registry.schemas import AssetCreate
from convergence.timeseries.store import SeriesKey, ensure_series, insert_readings

POSTGRES_ADMIN = os.environ.get(
    "CONVERGENCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
START = datetime(2026, 10, 1, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
TABLES = ("readings", "readings_hourly", "readings_daily", "readings_set_aside")


def fleet(engine: Engine, count: int) -> tuple[list[int], frozenset[int]]:
    """``count`` series of one member's sensors (a fifth of them noise levels in dB(A))."""
    prepare_database(engine)
    with engine.begin() as conn:
        member = members.create_member(
            conn,
            data=MemberCreate(
                siren="217806462", name="Versailles", kind=MemberKind.commune, insee="78646"
            ),
            actor="bench",
        )
        keys: list[SeriesKey] = []
        for number in range(count):
            asset = registry.create_asset(
                conn,
                scope=command_line_scope(),
                data=AssetCreate(
                    member_id=member.id, name=f"Capteur {number}", kind="sensor", lon=2.13, lat=48.8
                ),
            )
            decibel = number % 5 == 0
            keys.append(
                SeriesKey(
                    asset.id,
                    member.id,
                    "laeq" if decibel else "temperature",
                    "dB(A)" if decibel else "°C",
                )
            )
        refs = ensure_series(conn, keys)
    ids = [refs[(k.asset_id, k.quantity)].id for k in keys]
    decibels = frozenset(ref.id for ref in refs.values() if ref.decibel)
    return ids, decibels


def load(engine: Engine, total: int, series: int, minutes_per_transaction: int) -> float:
    """Store ``total`` readings, a minute of the fleet per batch; returns the seconds taken."""
    ids, decibels = fleet(engine, series)
    minutes = total // series
    started = time.perf_counter()
    for first in range(0, minutes, minutes_per_transaction):
        with engine.begin() as conn:
            for minute in range(first, min(first + minutes_per_transaction, minutes)):
                ts = START + minute * MINUTE
                rows = [(sid, ts, 15.0 + (sid * 7 + minute * 13) % 400 / 20) for sid in ids]
                insert_readings(conn, rows, decibel_series=decibels)
    return time.perf_counter() - started


def sqlite_sizes(conn: Connection, path: Path) -> tuple[dict[str, int], int]:
    """Bytes of each table with its indexes (``dbstat`` pages), and of the whole file."""
    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    rows = conn.exec_driver_sql(
        "SELECT coalesce(m.tbl_name, d.name), d.name <> m.tbl_name, sum(d.pgsize) "
        "FROM dbstat AS d LEFT JOIN sqlite_schema AS m ON m.name = d.name GROUP BY 1, 2"
    )
    sizes: dict[str, int] = {}
    for table, is_index, size in rows:
        sizes[table] = sizes.get(table, 0) + int(size)
        if is_index:
            sizes[f"{table} indexes"] = sizes.get(f"{table} indexes", 0) + int(size)
    return sizes, path.stat().st_size


def postgres_sizes(conn: Connection) -> dict[str, int]:
    """Bytes of each table with its indexes (the partitions of ``readings`` added up)."""
    conn.exec_driver_sql("VACUUM ANALYZE")
    sizes = {}
    for table in TABLES:
        total, indexes = conn.execute(
            text(
                "SELECT coalesce(sum(pg_total_relation_size(relid)), 0), "
                "coalesce(sum(pg_indexes_size(relid)), 0) "
                "FROM (SELECT relid FROM pg_partition_tree(CAST(:t AS regclass)) "
                "UNION SELECT CAST(:t AS regclass)) AS r"
            ),
            {"t": table},
        ).one()
        sizes[table], sizes[f"{table} indexes"] = int(total), int(indexes)
    return sizes


def report(label: str, readings: int, sizes: dict[str, int], seconds: float) -> None:
    """One line per table, then readings alone and with the rollups, per reading."""
    print(f"{label}: {readings:,} readings stored in {seconds:.1f} s")
    for table in TABLES:
        size, indexes = sizes.get(table, 0), sizes.get(f"{table} indexes", 0)
        print(
            f"  {table:<20} {size / 1e6:9.2f} MB   {size / readings:7.1f} B/reading"
            f"   (indexes {indexes / readings:5.1f} B/reading)"
        )
    stored = sum(sizes.get(table, 0) for table in TABLES)
    print(
        f"  {'readings + rollups':<20} {stored / 1e6:9.2f} MB   {stored / readings:7.1f} B/reading"
    )


def run_sqlite(work: Path, total: int, series: int, per_transaction: int) -> None:
    path = work / "bench.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    seconds = load(engine, total, series, per_transaction)
    with engine.connect() as conn:
        sizes, file_size = sqlite_sizes(conn, path)
    report("SQLite", total, sizes, seconds)
    print(f"  {'whole file':<20} {file_size / 1e6:9.2f} MB   {file_size / total:7.1f} B/reading")
    engine.dispose()


def run_postgres(total: int, series: int, per_transaction: int) -> None:
    with postgres_database(POSTGRES_ADMIN, label="storage") as url:
        engine = make_engine(url)
        seconds = load(engine, total, series, per_transaction)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            sizes = postgres_sizes(conn)
        report("PostgreSQL", total, sizes, seconds)
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=1_000_000)
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument(
        "--minutes-per-transaction",
        type=int,
        default=1,
        help="batches (minutes of the fleet) committed together; live traffic commits each",
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    total = args.readings // args.series * args.series
    with tempfile.TemporaryDirectory() as scratch:
        if not args.no_sqlite:
            run_sqlite(Path(scratch), total, args.series, args.minutes_per_transaction)
        if not args.no_postgres:
            run_postgres(total, args.series, args.minutes_per_transaction)


if __name__ == "__main__":
    main()
