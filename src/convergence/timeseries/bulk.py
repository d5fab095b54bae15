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

ReadingRow = tuple[int, datetime, float]  # (series_id, ts, value)
RollupRow = tuple[int, datetime | date, int, float, float, float, float | None]
# Above this many rows, PostgreSQL gets COPY into a temporary table.
COPY_THRESHOLD = 64
SQLITE_ROWS_PER_STATEMENT = 10_000  # 3 parameters a row; SQLite allows 32,766
_INCOMING = "readings_incoming"
_ROLLUP_UPDATE = (
    '"count" = {t}."count" + excluded."count", "sum" = {t}."sum" + excluded."sum", '
    '"min" = {least}({t}."min", excluded."min"), "max" = {greatest}({t}."max", excluded."max"), '
    '"energy_sum" = {t}."energy_sum" + excluded."energy_sum"'
)


def sqlite_time(ts: datetime) -> str:
    """A datetime as SQLAlchemy stores it in SQLite: naive UTC, microseconds."""
    return ts.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def insert_readings(conn: Connection, batch: list[ReadingRow]) -> list[ReadingRow]:
    """Insert rows, ignoring those already stored; returns the rows actually inserted."""
    if not batch:
        return []
    if conn.dialect.name != "postgresql":
        return _sqlite_insert(conn, batch)
    if len(batch) >= COPY_THRESHOLD:
        return _copy_insert(conn, batch)
    return _unnest_insert(conn, batch)


@lru_cache(maxsize=64)
def _sqlite_insert_sql(rows: int) -> str:
    values = ",".join(["(?,?,?)"] * rows)
    return (
        f"INSERT INTO readings (series_id, ts, value) VALUES {values} "
        "ON CONFLICT DO NOTHING RETURNING series_id, ts"
    )


def _sqlite_insert(conn: Connection, batch: list[ReadingRow]) -> list[ReadingRow]:
    inserted: list[ReadingRow] = []
    for start in range(0, len(batch), SQLITE_ROWS_PER_STATEMENT):
        keyed = {
            (s, sqlite_time(t)): (s, t, v)
            for s, t, v in batch[start : start + SQLITE_ROWS_PER_STATEMENT]
        }
        params = tuple(p for (s, t), (_, _, v) in keyed.items() for p in (s, t, v))
        result = conn.exec_driver_sql(_sqlite_insert_sql(len(keyed)), params)
        inserted.extend(keyed[(row[0], row[1])] for row in result)
    return inserted


def _unnest_insert(conn: Connection, batch: list[ReadingRow]) -> list[ReadingRow]:
    keyed = {(s, t): (s, t, v) for s, t, v in batch}
    result = conn.exec_driver_sql(
        "INSERT INTO readings (series_id, ts, value) "
        "SELECT * FROM unnest(%s::integer[], %s::timestamptz[], %s::double precision[]) "
        "ON CONFLICT DO NOTHING RETURNING series_id, ts",
        ([s for s, _, _ in batch], [t for _, t, _ in batch], [v for _, _, v in batch]),
    )
    return [keyed[(row[0], row[1])] for row in result]


def _copy_insert(conn: Connection, batch: list[ReadingRow]) -> list[ReadingRow]:
    driver: Any = conn.connection.driver_connection
    keyed = {(s, t): (s, t, v) for s, t, v in batch}
    with driver.cursor() as cursor:
        # Checked every time: a rolled-back transaction takes the table's creation with it.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_INCOMING} "
            "(series_id integer, ts timestamptz, value double precision) ON COMMIT DELETE ROWS"
        )
        with cursor.copy(f"COPY {_INCOMING} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "timestamptz", "float8"])
            for row in batch:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO readings (series_id, ts, value) SELECT series_id, ts, value "
            f"FROM {_INCOMING} ORDER BY series_id, ts ON CONFLICT DO NOTHING "
            "RETURNING series_id, ts"
        )
        inserted = [keyed[(sid, ts)] for sid, ts in cursor.fetchall()]
        cursor.execute(f"TRUNCATE {_INCOMING}")
    return inserted


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
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({columns}) VALUES (?,?,?,?,?,?,?) "
        f'ON CONFLICT (series_id, "{bucket}") DO UPDATE SET {update}',
        [(r[0], _sqlite_bucket(r[1]), *r[2:]) for r in rows],
    )


def _sqlite_bucket(bucket: datetime | date) -> str:
    return sqlite_time(bucket) if isinstance(bucket, datetime) else bucket.isoformat()


def update_latest(conn: Connection, newest: dict[int, tuple[datetime, float]]) -> None:
    """Set each series' latest value, unless it already holds a later one."""
    if not newest:
        return
    ordered = sorted(newest.items())
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "UPDATE series SET last_ts = v.ts, last_value = v.value "
            "FROM unnest(%s::integer[], %s::timestamptz[], %s::float8[]) AS v(id, ts, value) "
            "WHERE series.id = v.id AND (series.last_ts IS NULL OR series.last_ts < v.ts)",
            ([s for s, _ in ordered], [t for _, (t, _) in ordered], [v for _, (_, v) in ordered]),
        )
        return
    conn.exec_driver_sql(
        "UPDATE series SET last_ts = ?, last_value = ? "
        "WHERE id = ? AND (last_ts IS NULL OR last_ts < ?)",
        [(sqlite_time(t), v, s, sqlite_time(t)) for s, (t, v) in ordered],
    )
