"""Inserting one row and getting its generated id, the same way on both backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_one(conn: Connection, table: Table, **values: Any) -> int:
    """Insert one row into ``table`` and return its ``id``."""
    new_id: int = conn.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()
    return new_id
