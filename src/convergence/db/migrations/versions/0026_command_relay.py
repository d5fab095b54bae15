"""charging_commands.relay: a command waiting for the worker holding its charge point

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("charging_commands") as batch:
        batch.add_column(sa.Column("relay", sa.Text(), nullable=True))
    op.create_index(
        "ix_charging_commands_relayed",
        "charging_commands",
        ["asset_id"],
        sqlite_where=sa.text("relay IS NOT NULL"),
        postgresql_where=sa.text("relay IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_charging_commands_relayed", table_name="charging_commands")
    with op.batch_alter_table("charging_commands") as batch:
        batch.drop_column("relay")
