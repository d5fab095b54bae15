"""opendata: the datasets each member chooses to publish

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import convergence.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("licence", sa.String(length=20), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", convergence.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_datasets_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasets")),
        sa.UniqueConstraint("member_id", "kind", name=op.f("uq_datasets_member_id_kind")),
    )
    op.create_index(op.f("ix_datasets_member_id"), "datasets", ["member_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_datasets_member_id"), table_name="datasets")
    op.drop_table("datasets")
