"""Migration 0017 gives device models their report period, as the table metadata says."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from convergence.db.schema import load_all_tables
from convergence.registry.tables import device_models


def test_the_migration_adds_exactly_the_report_period(engine: Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), load_all_tables()
        )
    assert [d for d in differences if device_models.name in str(d)] == []
    assert "expected_period_s" in device_models.c
