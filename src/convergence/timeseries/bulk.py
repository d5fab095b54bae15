"""Bulk writes at the driver level: the hot path of every ingested batch.

On batches of hundreds of rows, SQLAlchemy's per-parameter processing costs more than the
database itself, so the three writes of a batch — readings, rollup increments, latest values
— go out as plain SQL with driver parameters: multi-row VALUES and ``executemany`` on SQLite,
COPY (or ``unnest`` arrays for small batches) on PostgreSQL. Values are written exactly as
the SQLAlchemy types store them (naive UTC text on SQLite, ``timestamptz`` on PostgreSQL),
so every other query reads them back through the usual types.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from convergence.db.driver import fetch_tuples
from convergence.db.types import epoch_micros

ReadingRow = tuple[int, datetime, float]  # (series_id, ts, value)
# (series_id, ts, value, quality flag, reason): what is written; only flag 0 feeds the rollups.
QualifiedRow = tuple[int, datetime, float, int, str | None]
SetAsideRow = tuple[int, date, str, int]  # (series_id, local day, reason, count)
RollupRow = tuple[int, datetime | date, int, float, float, float, float | None]
# From this many rows on, PostgreSQL gets COPY into a temporary table.
COPY_THRESHOLD = 64
SQLITE_ROWS_PER_STATEMENT = 6_000  # 5 parameters a row; SQLite allows 32,766
_INCOMING = "readings_incoming_qualified"
_ROLLUP_UPDATE = (
    '"count" = {t}."count" + excluded."count", "sum" = {t}."sum" + excluded."sum", '
    '"min" = {least}({t}."min", excluded."min"), "max" = {greatest}({t}."max", excluded."max"), '
    '"energy_sum" = {t}."energy_sum" + excluded."energy_sum"'
)


def sqlite_time(ts: datetime) -> str:
    """A datetime as SQLAlchemy stores it in SQLite: naive UTC, microseconds."""
    return ts.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


class TimeMicros(dict[datetime, int]):
    """``epoch_micros`` of each distinct time of a batch, computed once (readings share times)."""

    def of(self, ts: datetime) -> int:
        micros = self.get(ts)
        if micros is None:
            micros = self[ts] = epoch_micros(ts)
        return micros


class TimeTexts(dict[datetime, str]):
    """``sqlite_time`` of each distinct time of a batch, computed once (readings share times)."""

    def of(self, ts: datetime) -> str:
        text = self.get(ts)
        if text is None:
            text = self[ts] = sqlite_time(ts)
        return text


def insert_readings_sqlite(conn: Connection, batch: list[QualifiedRow]) -> list[QualifiedRow]:
    """Insert rows, ignoring those already stored; returns the rows actually inserted."""
    inserted: list[QualifiedRow] = []
    micros = TimeMicros()
    for start in range(0, len(batch), SQLITE_ROWS_PER_STATEMENT):
        chunk = batch[start : start + SQLITE_ROWS_PER_STATEMENT]
        keyed = {(row[0], micros.of(row[1])): row for row in chunk}
        params = [p for (s, t), (_, _, v, q, r) in keyed.items() for p in (s, t, v, q, r)]
        returned = fetch_tuples(conn, _sqlite_insert_sql(len(keyed)), params)
        inserted.extend([keyed[key] for key in returned])
    return inserted


@lru_cache(maxsize=64)
def _sqlite_insert_sql(rows: int) -> str:
    values = ",".join(["(?,?,?,?,?)"] * rows)
    return (
        f"INSERT INTO readings (series_id, ts, value, quality, quality_reason) VALUES {values} "
        "ON CONFLICT DO NOTHING RETURNING series_id, ts"
    )


# PostgreSQL does it all in one statement: the readings inserted (RETURNING) feed the hourly
# (UTC) and daily (Paris) rollups and the latest values through data-modifying CTEs.
_PG_STORE = """
WITH incoming AS ({incoming}),
inserted AS (
    INSERT INTO readings (series_id, ts, value, quality, quality_reason)
    SELECT series_id, ts, value, quality, quality_reason FROM incoming ORDER BY series_id, ts
    ON CONFLICT DO NOTHING RETURNING series_id, ts, value, quality, quality_reason
),
measured AS (
    SELECT series_id, ts, value,
        CASE WHEN series_id = ANY(%(decibel)s::integer[]) THEN power(10, value / 10) END AS energy,
        date_trunc('hour', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour,
        (ts AT TIME ZONE 'Europe/Paris')::date AS day
    FROM inserted WHERE quality = 0
),
set_aside AS (
    INSERT INTO readings_set_aside (series_id, "day", reason, "count")
    SELECT series_id, (ts AT TIME ZONE 'Europe/Paris')::date, quality_reason, count(*)
    FROM inserted WHERE quality <> 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (series_id, "day", reason)
    DO UPDATE SET "count" = readings_set_aside."count" + excluded."count"
),
hourly AS (
    INSERT INTO readings_hourly (series_id, "start", "count", "sum", "min", "max", energy_sum)
    SELECT series_id, hour, count(*), sum(value), min(value), max(value), sum(energy)
    FROM measured GROUP BY series_id, hour ORDER BY series_id, hour
    ON CONFLICT (series_id, "start") DO UPDATE SET {hourly}
),
daily AS (
    INSERT INTO readings_daily (series_id, "day", "count", "sum", "min", "max", energy_sum)
    SELECT series_id, day, count(*), sum(value), min(value), max(value), sum(energy)
    FROM measured GROUP BY series_id, day ORDER BY series_id, day
    ON CONFLICT (series_id, "day") DO UPDATE SET {daily}
),
latest AS (
    UPDATE series SET last_ts = n.ts, last_value = n.value
    FROM (
        SELECT DISTINCT ON (series_id) series_id, ts, value FROM inserted
        ORDER BY series_id, ts DESC
    ) AS n
    WHERE series.id = n.series_id AND (series.last_ts IS NULL OR series.last_ts < n.ts)
)
SELECT series_id, ts FROM inserted
"""
_UNNEST = (
    "SELECT * FROM unnest(%(series)s::integer[], %(ts)s::timestamptz[], "
    "%(value)s::double precision[], %(quality)s::smallint[], %(reason)s::text[]) "
    "AS i(series_id, ts, value, quality, quality_reason)"
)


_TAKE_INCOMING = f"DELETE FROM {_INCOMING} RETURNING series_id, ts, value, quality, quality_reason"


def store_postgres(
    conn: Connection, batch: list[QualifiedRow], *, decibel_series: frozenset[int]
) -> list[QualifiedRow]:
    """Insert readings, add them to the rollups and latest values; returns those inserted.

    A large batch is first COPY'd into a temporary table; a small one travels as arrays.
    """
    if not batch:
        return []
    keyed = {(row[0], row[1]): row for row in batch}
    decibel = sorted(decibel_series)
    if len(batch) < COPY_THRESHOLD:
        params = {
            "series": [row[0] for row in batch],
            "ts": [row[1] for row in batch],
            "value": [row[2] for row in batch],
            "quality": [row[3] for row in batch],
            "reason": [row[4] for row in batch],
            "decibel": decibel,
        }
        result = conn.exec_driver_sql(_pg_store_sql(_UNNEST), params)
        return [keyed[(row[0], row[1])] for row in result]
    return [keyed[key] for key in _copy_store(conn, batch, decibel)]


@lru_cache(maxsize=2)
def _pg_store_sql(incoming: str) -> str:
    return _PG_STORE.format(
        incoming=incoming,
        hourly=_ROLLUP_UPDATE.format(t="readings_hourly", least="LEAST", greatest="GREATEST"),
        daily=_ROLLUP_UPDATE.format(t="readings_daily", least="LEAST", greatest="GREATEST"),
    )


def _copy_store(conn: Connection, batch: list[QualifiedRow], decibel: list[int]) -> list[Any]:
    driver: Any = conn.connection.driver_connection
    with driver.cursor() as cursor:
        # Checked every time: a rolled-back transaction takes the table's creation with it.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_INCOMING} "
            "(series_id integer, ts timestamptz, value double precision, quality smallint, "
            "quality_reason text) ON COMMIT DELETE ROWS"
        )
        with cursor.copy(f"COPY {_INCOMING} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "timestamptz", "float8", "int2", "text"])
            for row in batch:
                copy.write_row(row)
        # The statement takes the rows out of the table as it reads them: the table is empty
        # again for the transaction's next batch, without a TRUNCATE (a new file each time).
        cursor.execute(_pg_store_sql(_TAKE_INCOMING), {"decibel": decibel})
        return [(sid, ts) for sid, ts in cursor.fetchall()]


def add_rollups(conn: Connection, table: str, bucket: str, rows: list[RollupRow]) -> None:
    """Add increments to a rollup table (``bucket`` is its key column), in key order."""
    if not rows:
        return
    columns = f'series_id, "{bucket}", "count", "sum", "min", "max", energy_sum'
    if conn.dialect.name == "postgresql":
        kind = "timestamptz" if bucket == "start" else "date"
        update = _ROLLUP_UPDATE.format(t=table, least="LEAST", greatest="GREATEST")
        conn.exec_driver_sql(
            f"INSERT INTO {table} ({columns}) SELECT * FROM unnest(%s::integer[], "
            f"%s::{kind}[], %s::integer[], %s::float8[], %s::float8[], %s::float8[], "
            f'%s::float8[]) ON CONFLICT (series_id, "{bucket}") DO UPDATE SET {update}',
            tuple(list(column) for column in zip(*rows, strict=True)),
        )
        return
    update = _ROLLUP_UPDATE.format(t=table, least="min", greatest="max")
    texts: dict[datetime | date, str] = {}
    for row in rows:
        if row[1] not in texts:
            texts[row[1]] = _sqlite_bucket(row[1])
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({columns}) VALUES (?,?,?,?,?,?,?) "
        f'ON CONFLICT (series_id, "{bucket}") DO UPDATE SET {update}',
        [(r[0], texts[r[1]], *r[2:]) for r in rows],
    )


def add_set_aside(conn: Connection, rows: list[SetAsideRow]) -> None:
    """Add counts of set-aside values per (series, day, reason), in key order."""
    if not rows:
        return
    update = 'DO UPDATE SET "count" = readings_set_aside."count" + excluded."count"'
    conflict = f'ON CONFLICT (series_id, "day", reason) {update}'
    columns = 'series_id, "day", reason, "count"'
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"INSERT INTO readings_set_aside ({columns}) SELECT * FROM unnest(%s::integer[], "
            f"%s::date[], %s::text[], %s::integer[]) {conflict}",
            tuple(list(column) for column in zip(*rows, strict=True)),
        )
        return
    conn.exec_driver_sql(
        f"INSERT INTO readings_set_aside ({columns}) VALUES (?,?,?,?) {conflict}",
        [(s, d.isoformat(), r, n) for s, d, r, n in rows],
    )


def _sqlite_bucket(bucket: datetime | date) -> str:
    return sqlite_time(bucket) if isinstance(bucket, datetime) else bucket.isoformat()


def update_latest_sqlite(conn: Connection, newest: dict[int, tuple[datetime, float]]) -> None:
    """Set each series' latest value, unless it already holds a later one."""
    if not newest:
        return
    texts = TimeTexts()
    conn.exec_driver_sql(
        "UPDATE series SET last_ts = ?, last_value = ? "
        "WHERE id = ? AND (last_ts IS NULL OR last_ts < ?)",
        [(texts.of(t), v, s, texts.of(t)) for s, (t, v) in sorted(newest.items())],
    )
