"""leases: which worker of ``convergence serve --workers N`` runs the platform's periodic work

Revision ID: 0025
Revises: 0019
Create Date: 2026-12-05 01:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import convergence.db.types

revision = "0025"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("renewed_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )


def downgrade() -> None:
    op.drop_table("leases")
