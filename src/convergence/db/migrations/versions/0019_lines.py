"""video: recorder and camera credentials, kept encrypted outside the recorder string;
vidéoverbalisation: NatInf codes, agents and findings

Revision ID: 0019
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import convergence.db.types

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("video_systems") as batch:
        batch.add_column(sa.Column("recorder_credentials", sa.Text(), nullable=True))
    with op.batch_alter_table("video_cameras") as batch:
        batch.add_column(sa.Column("credentials", sa.Text(), nullable=True))
    op.create_table(
        "video_natinf",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("stationary", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "video_vv_agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("competence", sa.String(length=20), nullable=False),
        sa.Column("designated_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_id", "user_id"),
    )
    op.create_index("ix_video_vv_agents_member_id", "video_vv_agents", ["member_id"])
    op.create_table(
        "video_vv_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("camera_asset_id", sa.Integer(), nullable=False),
        sa.Column("commune_insee", sa.String(length=5), nullable=True),
        sa.Column("natinf_code", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("taken_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("export_sha256", sa.String(length=64), nullable=False),
        sa.Column("register_entry_id", sa.Integer(), nullable=False),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["camera_asset_id"], ["assets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_video_vv_findings_member_id", "video_vv_findings", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_video_vv_findings_member_id", table_name="video_vv_findings")
    op.drop_table("video_vv_findings")
    op.drop_index("ix_video_vv_agents_member_id", table_name="video_vv_agents")
    op.drop_table("video_vv_agents")
    op.drop_table("video_natinf")
    with op.batch_alter_table("video_cameras") as batch:
        batch.drop_column("credentials")
    with op.batch_alter_table("video_systems") as batch:
        batch.drop_column("recorder_credentials")
