"""quality: a flag and a reason on every reading, set-aside counts, periods set by people

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import convergence.db.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # On PostgreSQL the partitioned parent passes the columns on to every partition.
    op.add_column(
        "readings", sa.Column("quality", sa.SmallInteger(), nullable=False, server_default="0")
    )
    op.add_column("readings", sa.Column("quality_reason", sa.String(length=24), nullable=True))
    for name, kind in (
        ("valid_ts", convergence.db.types.UTCDateTime(timezone=True)),
        ("valid_value", sa.Float()),
        ("run_start", convergence.db.types.UTCDateTime(timezone=True)),
    ):
        op.add_column("series", sa.Column(name, kind, nullable=True))
    op.add_column("device_models", sa.Column("quality_rules", sa.JSON(), nullable=True))
    op.create_table(
        "readings_set_aside",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["series.id"],
            name=op.f("fk_readings_set_aside_series_id_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("series_id", "day", "reason", name=op.f("pk_readings_set_aside")),
    )
    op.create_table(
        "quality_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("start", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_quality_periods_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_quality_periods_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_periods")),
    )
    op.create_index(
        "ix_quality_periods_asset_start", "quality_periods", ["asset_id", "start"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_quality_periods_asset_start", table_name="quality_periods")
    op.drop_table("quality_periods")
    op.drop_table("readings_set_aside")
    op.drop_column("device_models", "quality_rules")
    for name in ("run_start", "valid_value", "valid_ts"):
        op.drop_column("series", name)
    op.drop_column("readings", "quality_reason")
    op.drop_column("readings", "quality")
