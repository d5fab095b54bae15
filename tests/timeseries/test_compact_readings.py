"""Migration 0023: the readings stored before it are the same readings after it, narrower.

Each test starts from a fresh database of each backend migrated to 0019, stores readings as
0019 stored them (driver SQL, SQLite's times as text), then migrates.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.engine import make_url

from convergence.db import migrate
from convergence.db.engine import make_engine
from convergence.members import service as members
from convergence.members.roles import MemberKind
from convergence.members.schemas import MemberCreate
from convergence.members.scope import command_line_scope
from convergence.registry import service as registry
from convergence.registry.schemas import AssetCreate
from convergence.territory.service import sync_reference
from convergence.timeseries import partitions
from convergence.timeseries.flags import Flag, Reason
from convergence.timeseries.partitions import Month
from convergence.timeseries.store import SeriesKey, ensure_series, insert_readings
from convergence.timeseries.tables import readings
from tests.support import Territory

POSTGRES_ADMIN_URL = os.environ.get(
    "CONVERGENCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# (ts, value, quality, reason): a sub-second time, a set-aside value, two months.
STORED = [
    (datetime(2026, 9, 30, 23, 59, 59, 999_999, tzinfo=UTC), 12.5, 0, None),
    (datetime(2026, 10, 1, tzinfo=UTC), 13.0, 0, None),
    (datetime(2026, 10, 1, 0, 10, 0, 250_000, tzinfo=UTC), -40.0, 2, "range"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of each backend, dropped after the test."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
        yield engine
        engine.dispose()
        return
    request.getfixturevalue("postgres_url")  # skips, or fails in CI, without a server
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"convergence_migration_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(str(make_url(POSTGRES_ADMIN_URL).set(database=name)))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _series_at_0019(engine: Engine) -> int:
    migrate.upgrade(engine, "0019")
    with engine.begin() as conn:
        sync_reference(conn)
        member = members.create_member(
            conn,
            data=MemberCreate(
                siren="217806462", name="Versailles", kind=MemberKind.commune, insee="78646"
            ),
            actor="test",
        )
        asset = registry.create_asset(
            conn,
            scope=command_line_scope(),
            data=AssetCreate(member_id=member.id, name="Sonde", kind="sensor", lon=2.13, lat=48.8),
        )
        refs = ensure_series(conn, [SeriesKey(asset.id, member.id, "temperature", "°C")])
    return refs[(asset.id, "temperature")].id


def _old_rows(conn: Connection) -> list[tuple[Any, ...]]:
    return list(
        conn.exec_driver_sql(
            "SELECT series_id, ts, value, quality, quality_reason FROM readings ORDER BY ts"
        )
    )


def _store_as_0019(engine: Engine, series_id: int) -> list[tuple[Any, ...]]:
    sqlite = engine.dialect.name == "sqlite"
    rows = [
        (
            series_id,
            ts.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else ts,
            value,
            quality,
            reason,
        )
        for ts, value, quality, reason in STORED
    ]
    mark = "?" if sqlite else "%s"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO readings (series_id, ts, value, quality, quality_reason) "
            f"VALUES ({', '.join([mark] * 5)})",
            rows,
        )
        return _old_rows(conn)


def _partitions(conn: Connection) -> list[str]:
    if conn.dialect.name != "postgresql":
        return []
    return list(
        conn.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'readings' "
                "ORDER BY 1"
            )
        ).scalars()
    )


def test_readings_keep_their_times_values_and_flags(fresh_engine: Engine) -> None:
    series_id = _series_at_0019(fresh_engine)
    _store_as_0019(fresh_engine, series_id)
    with fresh_engine.connect() as conn:
        partitions = _partitions(conn)
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        found = conn.execute(
            select(
                readings.c.ts, readings.c.value, readings.c.quality, readings.c.quality_reason
            ).order_by(readings.c.ts)
        ).all()
        assert [tuple(row) for row in found] == STORED
        assert _partitions(conn) == partitions


def test_a_reading_stored_before_is_still_a_duplicate_after(fresh_engine: Engine) -> None:
    series_id = _series_at_0019(fresh_engine)
    _store_as_0019(fresh_engine, series_id)
    migrate.upgrade(fresh_engine)
    again = [(series_id, ts, 99.0) for ts, *_ in STORED]
    later = (series_id, datetime(2026, 10, 1, 0, 20, tzinfo=UTC), 14.0)
    with fresh_engine.begin() as conn:
        result = insert_readings(conn, [*again, later], decibel_series=frozenset())
    assert (result.duplicates, result.inserted) == (len(STORED), [later])


def test_sqlite_keeps_readings_by_key_with_integer_times(fresh_engine: Engine) -> None:
    if fresh_engine.dialect.name != "sqlite":
        pytest.skip("the layout of a SQLite table")
    series_id = _series_at_0019(fresh_engine)
    _store_as_0019(fresh_engine, series_id)
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        schema = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_schema WHERE name = 'readings'"
        ).scalar_one()
        kinds = conn.exec_driver_sql("SELECT DISTINCT typeof(ts) FROM readings").scalars().all()
    assert schema.rstrip().endswith("WITHOUT ROWID")
    assert kinds == ["integer"]


def test_the_downgrade_gives_back_the_rows_of_0019(fresh_engine: Engine) -> None:
    series_id = _series_at_0019(fresh_engine)
    before = _store_as_0019(fresh_engine, series_id)
    migrate.upgrade(fresh_engine)
    config = migrate.alembic_config()
    with fresh_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0019")
    with fresh_engine.connect() as conn:
        assert _old_rows(conn) == before


def test_a_new_month_partition_keeps_the_flags_of_the_readings_it_takes_in(
    engine: Engine, asset_id: int, territory: Territory
) -> None:
    """Readings of a month without a partition wait in the default one, flags and all."""
    if engine.dialect.name != "postgresql":
        pytest.skip("partitions are PostgreSQL's")
    _, value, flag, reason = STORED[2]
    assert reason is not None
    key = SeriesKey(asset_id, territory.versailles.id, "temperature", "°C")
    month = Month(2031, 5)
    with engine.begin() as conn:
        series_id = ensure_series(conn, [key])[(asset_id, "temperature")].id
        quality = {(series_id, month.start): (Flag(flag), Reason(reason))}
        insert_readings(
            conn, [(series_id, month.start, value)], decibel_series=frozenset(), quality=quality
        )
        partitions.create_partition(conn, month)
        moved = conn.execute(text(f"SELECT quality, quality_reason FROM {month.partition}")).all()
    assert [tuple(row) for row in moved] == [(flag, reason)]


def test_rollups_keep_room_in_each_page_for_the_next_versions_of_their_rows(
    engine: Engine,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL storage parameter")
    with engine.connect() as conn:
        options = dict(
            conn.execute(
                text(
                    "SELECT relname, array_to_string(reloptions, ',') FROM pg_class "
                    "WHERE relname IN ('readings_hourly', 'readings_daily')"
                )
            ).all()
        )
    assert options == {"readings_hourly": "fillfactor=70", "readings_daily": "fillfactor=70"}
