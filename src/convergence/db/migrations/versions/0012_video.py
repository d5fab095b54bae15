"""video: systems and authorisations, cameras, access register, habilitations, requisitions

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import convergence.db.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "video_access_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("requester_name", sa.String(length=200), nullable=False),
        sa.Column("requester_contact", sa.String(length=320), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("window_start", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_end", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", convergence.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_video_access_requests_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_access_requests")),
    )
    with op.batch_alter_table("video_access_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_video_access_requests_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "video_register",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=True),
        sa.Column("ts", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("agent", sa.String(length=100), nullable=False),
        sa.Column("agent_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("motive", sa.String(length=20), nullable=False),
        sa.Column("procedure_number", sa.String(length=100), nullable=False),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("camera_asset_id", sa.Integer(), nullable=True),
        sa.Column("clips", sa.JSON(), nullable=False),
        sa.Column("export_sha256", sa.String(length=64), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_video_register_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_register")),
        sa.UniqueConstraint("hash", name=op.f("uq_video_register_hash")),
    )
    with op.batch_alter_table("video_register", schema=None) as batch_op:
        batch_op.create_index("ix_video_register_member_ts", ["member_id", "ts"], unique=False)

    op.create_table(
        "video_systems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("authorisation_number", sa.String(length=100), nullable=False),
        sa.Column("authorised_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("perimeter", sa.JSON(), nullable=True),
        sa.Column("signage", sa.JSON(), nullable=False),
        sa.Column("controller", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("viewers", sa.JSON(), nullable=False),
        sa.Column("recorder", sa.String(length=300), nullable=True),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_video_systems_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_systems")),
        sa.UniqueConstraint(
            "member_id",
            "authorisation_number",
            name=op.f("uq_video_systems_member_id_authorisation_number"),
        ),
    )
    with op.batch_alter_table("video_systems", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_video_systems_member_id"), ["member_id"], unique=False)

    op.create_table(
        "video_habilitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("valid_from", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("granted_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", convergence.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_video_habilitations_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["video_systems.id"],
            name=op.f("fk_video_habilitations_system_id_video_systems"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_video_habilitations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_habilitations")),
    )
    with op.batch_alter_table("video_habilitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_video_habilitations_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_video_habilitations_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "video_requisitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=False),
        sa.Column("opj_name", sa.String(length=200), nullable=False),
        sa.Column("opj_service", sa.String(length=200), nullable=False),
        sa.Column("procedure_number", sa.String(length=100), nullable=False),
        sa.Column("cameras", sa.JSON(), nullable=False),
        sa.Column("window_start", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_end", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("handed_over_to", sa.String(length=200), nullable=True),
        sa.Column("handed_over_at", convergence.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", convergence.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_video_requisitions_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["video_systems.id"],
            name=op.f("fk_video_requisitions_system_id_video_systems"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_requisitions")),
    )
    with op.batch_alter_table("video_requisitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_video_requisitions_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "video_cameras",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.Integer(), nullable=True),
        sa.Column("recorder_ref", sa.String(length=100), nullable=True),
        sa.Column("host", sa.String(length=200), nullable=True),
        sa.Column("onvif_port", sa.Integer(), nullable=True),
        sa.Column("rtsp_url", sa.String(length=500), nullable=True),
        sa.Column("vv_authorised", sa.Boolean(), nullable=False),
        sa.Column("updated_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_video_cameras_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_video_cameras_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["video_systems.id"],
            name=op.f("fk_video_cameras_system_id_video_systems"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("asset_id", name=op.f("pk_video_cameras")),
    )
    with op.batch_alter_table("video_cameras", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_video_cameras_member_id"), ["member_id"], unique=False)
        batch_op.create_index("ix_video_cameras_system", ["system_id"], unique=False)

    op.create_table(
        "video_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("requisition_id", sa.Integer(), nullable=True),
        sa.Column("camera_asset_id", sa.Integer(), nullable=False),
        sa.Column("recording_ref", sa.String(length=100), nullable=False),
        sa.Column("start", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_video_exports_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requisition_id"],
            ["video_requisitions.id"],
            name=op.f("fk_video_exports_requisition_id_video_requisitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_exports")),
    )
    with op.batch_alter_table("video_exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_video_exports_member_id"), ["member_id"], unique=False)

    op.create_table(
        "video_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("camera_asset_id", sa.Integer(), nullable=False),
        sa.Column("start", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requisition_id", sa.Integer(), nullable=True),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("released_at", convergence.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_video_holds_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requisition_id"],
            ["video_requisitions.id"],
            name=op.f("fk_video_holds_requisition_id_video_requisitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_holds")),
    )
    with op.batch_alter_table("video_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_video_holds_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("video_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_holds_member_id"))

    op.drop_table("video_holds")
    with op.batch_alter_table("video_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_exports_member_id"))

    op.drop_table("video_exports")
    with op.batch_alter_table("video_cameras", schema=None) as batch_op:
        batch_op.drop_index("ix_video_cameras_system")
        batch_op.drop_index(batch_op.f("ix_video_cameras_member_id"))

    op.drop_table("video_cameras")
    with op.batch_alter_table("video_requisitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_requisitions_member_id"))

    op.drop_table("video_requisitions")
    with op.batch_alter_table("video_habilitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_habilitations_user_id"))
        batch_op.drop_index(batch_op.f("ix_video_habilitations_member_id"))

    op.drop_table("video_habilitations")
    with op.batch_alter_table("video_systems", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_systems_member_id"))

    op.drop_table("video_systems")
    with op.batch_alter_table("video_register", schema=None) as batch_op:
        batch_op.drop_index("ix_video_register_member_ts")

    op.drop_table("video_register")
    with op.batch_alter_table("video_access_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_access_requests_member_id"))

    op.drop_table("video_access_requests")
