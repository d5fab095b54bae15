"""The migration creates exactly the maintenance tables that the metadata describes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from convergence.db.schema import load_all_tables


def test_the_migration_creates_exactly_the_maintenance_tables(engine: Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), load_all_tables()
        )
    assert [d for d in differences if "maintenance_" in str(d)] == []
