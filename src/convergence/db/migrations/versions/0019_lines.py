"""video: recorder and camera credentials, kept encrypted outside the recorder string

Revision ID: 0019
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("video_systems") as batch:
        batch.add_column(sa.Column("recorder_credentials", sa.Text(), nullable=True))
    with op.batch_alter_table("video_cameras") as batch:
        batch.add_column(sa.Column("credentials", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("video_cameras") as batch:
        batch.drop_column("credentials")
    with op.batch_alter_table("video_systems") as batch:
        batch.drop_column("recorder_credentials")
