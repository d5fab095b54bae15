"""Bringing a database to a usable state: schema migrations, then reference data."""

from __future__ import annotations

from sqlalchemy import Engine

from convergence.db import migrate
from convergence.errors import ConvergenceError
from convergence.territory.service import sync_reference


class SchemaOutOfDate(ConvergenceError):
    code = "schema_out_of_date"
    http_status = 503


def prepare_database(engine: Engine) -> None:
    """Migrate the schema to the latest revision and load the territory reference data."""
    migrate.upgrade(engine)
    with engine.begin() as conn:
        sync_reference(conn)


def ensure_schema_current(engine: Engine) -> None:
    """SchemaOutOfDate unless the database is at the latest revision."""
    current, head = migrate.current_revision(engine), migrate.head_revision()
    if current != head:
        raise SchemaOutOfDate(
            f"the database schema is at {current or 'nothing'} but this version needs {head}: "
            "run `convergence db upgrade`"
        )
