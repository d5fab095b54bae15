"""Alembic environment: runs on the connection handed over by convergence.db.migrate."""

from __future__ import annotations

from alembic import context

from convergence.db.schema import load_all_tables

target_metadata = load_all_tables()
connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
