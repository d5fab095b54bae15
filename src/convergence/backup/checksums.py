"""A deterministic checksum per table: SHA-256 over its rows in primary-key order.

Rows are read through the schema's own column types (aware UTC datetimes, decimals, JSON),
and every value is written in one canonical text form — so the checksum of a table is the
same before a backup and after its restore, whichever backend computes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, column, inspect, select, table

from convergence.backup.manifest import TableDigest
from convergence.db.schema import load_all_tables

BATCH = 20_000
ALEMBIC_VERSION = table("alembic_version", column("version_num"))


def canonical(value: Any) -> Any:
    """The one JSON-ready form of a column value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _digest(conn: Connection, source: Any, order: list[Any], name: str) -> TableDigest:
    digest, rows = hashlib.sha256(), 0
    result = conn.execution_options(yield_per=BATCH).execute(select(source).order_by(*order))
    for row in result:
        line = json.dumps([canonical(v) for v in row], ensure_ascii=False, separators=(",", ":"))
        digest.update(line.encode())
        digest.update(b"\n")
        rows += 1
    return TableDigest(name=name, rows=rows, sha256=digest.hexdigest())


def table_digest(conn: Connection, source: Table) -> TableDigest:
    """Row count and checksum of one table of the schema."""
    order = list(source.primary_key.columns) or list(source.columns)
    return _digest(conn, source, order, source.name)


def database_digests(
    conn: Connection, *, on_table: Callable[[str], None] | None = None
) -> list[TableDigest]:
    """Digests of every table of the schema present in the database, and of alembic_version."""
    present = set(inspect(conn).get_table_names())
    digests = []
    for schema_table in load_all_tables().sorted_tables:
        if schema_table.name in present:
            if on_table is not None:
                on_table(schema_table.name)
            digests.append(table_digest(conn, schema_table))
    if ALEMBIC_VERSION.name in present:
        version = ALEMBIC_VERSION.c.version_num
        digests.append(_digest(conn, ALEMBIC_VERSION, [version], ALEMBIC_VERSION.name))
    return sorted(digests, key=lambda d: d.name)
