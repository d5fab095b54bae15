"""Plain driver SQL on both backends: lists of values, times and JSON read back.

The hot paths (ingestion, series reads) skip SQLAlchemy's per-row and per-parameter
processing; these helpers write what differs between SQLite and PostgreSQL once.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from convergence.db.types import epoch_micros, from_epoch_micros


def is_postgres(conn: Connection) -> bool:
    """True on PostgreSQL (psycopg parameters ``%s``), False on SQLite (``?``)."""
    return conn.dialect.name == "postgresql"


def any_of(conn: Connection, column: str, values: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
    """A condition ``column`` in ``values`` and its parameters (one array on PostgreSQL)."""
    if is_postgres(conn):
        return f"{column} = ANY(%s)", (list(values),)
    return f"{column} IN ({','.join('?' * len(values))})", tuple(values)


def fetch_tuples(conn: Connection, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``sql`` as the driver's own tuples (no SQLAlchemy row object each)."""
    result = conn.exec_driver_sql(sql, tuple(params))
    try:
        rows: list[tuple[Any, ...]] = list(result.cursor.fetchall()) if result.cursor else []
    finally:
        result.close()
    return rows


def stored_time(conn: Connection, value: datetime) -> Any:
    """An aware datetime as a parameter, as ``UTCDateTime`` stores it (naive UTC text on SQLite)."""
    utc = value.astimezone(UTC)
    if is_postgres(conn):
        return utc
    return utc.replace(tzinfo=None).isoformat(" ", "microseconds")


def stored_compact_time(conn: Connection, value: datetime) -> Any:
    """An aware datetime as a parameter, as ``CompactUTCDateTime`` stores it (integer
    microseconds on SQLite)."""
    return value.astimezone(UTC) if is_postgres(conn) else epoch_micros(value)


def read_time(value: Any) -> datetime | None:
    """A ``UTCDateTime`` or ``CompactUTCDateTime`` column read by the driver, as an aware UTC
    datetime."""
    if value is None:
        return None
    if isinstance(value, int):
        return from_epoch_micros(value)
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def read_json(value: Any) -> Any:
    """A ``JSONDoc`` column read by the driver (text on SQLite, decoded on PostgreSQL)."""
    return json.loads(value) if isinstance(value, str | bytes) else value
