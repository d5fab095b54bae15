"""charging: charge points, connectors, charging sessions and the command log

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import convergence.db.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC = convergence.db.types.UTCDateTime(timezone=True)


def _json() -> Any:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _owner(table: str) -> list[Any]:
    """asset_id and member_id with their foreign keys, as every charging table has them."""
    return [
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f(f"fk_{table}_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f(f"fk_{table}_member_id_members")
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "charge_points",
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("password_set_at", UTC, nullable=True),
        sa.Column("station", _json(), nullable=True),
        sa.Column("protocol", sa.String(length=12), nullable=True),
        sa.Column("vendor", sa.String(length=50), nullable=True),
        sa.Column("model", sa.String(length=50), nullable=True),
        sa.Column("serial_number", sa.String(length=50), nullable=True),
        sa.Column("firmware_version", sa.String(length=50), nullable=True),
        sa.Column("registration", sa.String(length=12), nullable=True),
        sa.Column("heartbeat_interval_s", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("status_at", UTC, nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("connected", sa.Boolean(), nullable=False),
        sa.Column("last_seen_at", UTC, nullable=True),
        sa.Column("last_boot_at", UTC, nullable=True),
        sa.Column("connected_at", UTC, nullable=True),
        sa.Column("disconnected_at", UTC, nullable=True),
        sa.Column("failed_in_row", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        *_owner("charge_points"),
        sa.PrimaryKeyConstraint("asset_id", name=op.f("pk_charge_points")),
    )
    op.create_index(
        op.f("ix_charge_points_member_id"), "charge_points", ["member_id"], unique=False
    )
    op.create_table(
        "charge_point_connectors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("point_status", sa.String(length=20), nullable=True),
        sa.Column("error_code", sa.String(length=50), nullable=True),
        sa.Column("status_at", UTC, nullable=True),
        sa.Column("register_wh", sa.Float(), nullable=True),
        sa.Column("register_at", UTC, nullable=True),
        sa.Column("delivered_wh", sa.Float(), nullable=False),
        sa.Column("power_w", sa.Float(), nullable=True),
        sa.Column("pdc", _json(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        *_owner("charge_point_connectors"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charge_point_connectors")),
        sa.UniqueConstraint(
            "asset_id",
            "connector_id",
            name=op.f("uq_charge_point_connectors_asset_id_connector_id"),
        ),
    )
    op.create_index(
        op.f("ix_charge_point_connectors_member_id"),
        "charge_point_connectors",
        ["member_id"],
        unique=False,
    )
    op.create_table(
        "charging_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("protocol", sa.String(length=12), nullable=False),
        sa.Column("transaction_ref", sa.String(length=64), nullable=True),
        sa.Column("id_tag_hash", sa.String(length=64), nullable=True),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("stopped_at", UTC, nullable=True),
        sa.Column("meter_start_wh", sa.Float(), nullable=True),
        sa.Column("meter_last_wh", sa.Float(), nullable=True),
        sa.Column("meter_stop_wh", sa.Float(), nullable=True),
        sa.Column("energy_wh", sa.Float(), nullable=True),
        sa.Column("stop_reason", sa.String(length=30), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("failure", sa.String(length=40), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        *_owner("charging_sessions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charging_sessions")),
        sa.UniqueConstraint(
            "asset_id",
            "transaction_ref",
            name=op.f("uq_charging_sessions_asset_id_transaction_ref"),
        ),
    )
    op.create_index(
        "ix_charging_sessions_asset_connector",
        "charging_sessions",
        ["asset_id", "connector_id", "status"],
        unique=False,
    )
    op.create_index(
        "ix_charging_sessions_member_started",
        "charging_sessions",
        ["member_id", "started_at"],
        unique=False,
    )
    op.create_table(
        "charging_commands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("command", sa.String(length=30), nullable=False),
        sa.Column("protocol", sa.String(length=12), nullable=True),
        sa.Column("params", _json(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("response", _json(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", UTC, nullable=False),
        sa.Column("completed_at", UTC, nullable=True),
        *_owner("charging_commands"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charging_commands")),
    )
    op.create_index(
        "ix_charging_commands_asset_requested",
        "charging_commands",
        ["asset_id", "requested_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_charging_commands_member_id"), "charging_commands", ["member_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_charging_commands_member_id"), table_name="charging_commands")
    op.drop_index("ix_charging_commands_asset_requested", table_name="charging_commands")
    op.drop_table("charging_commands")
    op.drop_index("ix_charging_sessions_member_started", table_name="charging_sessions")
    op.drop_index("ix_charging_sessions_asset_connector", table_name="charging_sessions")
    op.drop_table("charging_sessions")
    op.drop_index(
        op.f("ix_charge_point_connectors_member_id"), table_name="charge_point_connectors"
    )
    op.drop_table("charge_point_connectors")
    op.drop_index(op.f("ix_charge_points_member_id"), table_name="charge_points")
    op.drop_table("charge_points")
