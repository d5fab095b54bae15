"""maintenance: contractors, contracts, tickets, clocks, interventions, inspections

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:25:40.096675
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import convergence.db.types

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "maintenance_contractors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_contractors")),
        sa.UniqueConstraint("name", name=op.f("uq_maintenance_contractors_name")),
    )
    op.create_table(
        "maintenance_cursors",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_maintenance_cursors")),
    )
    op.create_table(
        "maintenance_contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("hours_basis", sa.String(length=30), nullable=False),
        sa.Column("day_start_min", sa.Integer(), nullable=False),
        sa.Column("day_end_min", sa.Integer(), nullable=False),
        sa.Column("intervention_delay_min", sa.Integer(), nullable=False),
        sa.Column("restoration_delay_min", sa.Integer(), nullable=False),
        sa.Column("penalty_per_hour_cents", sa.Integer(), nullable=False),
        sa.Column("penalty_cap_cents", sa.Integer(), nullable=True),
        sa.Column("availability_target_pct", sa.Float(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["maintenance_contractors.id"],
            name=op.f("fk_maintenance_contracts_contractor_id_maintenance_contractors"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_maintenance_contracts_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_contracts")),
    )
    with op.batch_alter_table("maintenance_contracts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maintenance_contracts_contractor_id"), ["contractor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_maintenance_contracts_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "maintenance_contractor_users",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("contractor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["maintenance_contractors.id"],
            name=op.f("fk_maintenance_contractor_users_contractor_id_maintenance_contractors"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_maintenance_contractor_users_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_maintenance_contractor_users")),
    )
    with op.batch_alter_table("maintenance_contractor_users", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maintenance_contractor_users_contractor_id"),
            ["contractor_id"],
            unique=False,
        )

    op.create_table(
        "maintenance_contract_assets",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_maintenance_contract_assets_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["maintenance_contracts.id"],
            name=op.f("fk_maintenance_contract_assets_contract_id_maintenance_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_maintenance_contract_assets_member_id_members"),
        ),
        sa.PrimaryKeyConstraint(
            "contract_id", "asset_id", name=op.f("pk_maintenance_contract_assets")
        ),
    )
    with op.batch_alter_table("maintenance_contract_assets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maintenance_contract_assets_asset_id"), ["asset_id"], unique=False
        )

    op.create_table(
        "maintenance_inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("every_months", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("inspector", sa.String(length=200), nullable=True),
        sa.Column("marking", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_maintenance_inspections_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_maintenance_inspections_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_inspections")),
    )
    with op.batch_alter_table("maintenance_inspections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maintenance_inspections_asset_id"), ["asset_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_maintenance_inspections_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "maintenance_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("problem", sa.String(length=30), nullable=False),
        sa.Column("origin", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("error_code", sa.String(length=100), nullable=True),
        sa.Column("vendor_error_code", sa.String(length=100), nullable=True),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_fault_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "acknowledged_at", convergence.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("restored_at", convergence.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("restoration_verified", sa.Boolean(), nullable=False),
        sa.Column("closed_at", convergence.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_maintenance_tickets_alert_id_alerts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_maintenance_tickets_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["maintenance_contracts.id"],
            name=op.f("fk_maintenance_tickets_contract_id_maintenance_contracts"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_maintenance_tickets_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_tickets")),
    )
    with op.batch_alter_table("maintenance_tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_maintenance_tickets_asset_problem",
            ["asset_id", "problem", "restored_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_maintenance_tickets_member_opened", ["member_id", "opened_at"], unique=False
        )
        batch_op.create_index(
            "uq_maintenance_tickets_open",
            ["asset_id", "problem"],
            unique=True,
            sqlite_where=sa.text("status IN ('open', 'acknowledged', 'waiting_member')"),
            postgresql_where=sa.text("status IN ('open', 'acknowledged', 'waiting_member')"),
        )

    op.create_table(
        "maintenance_clock_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("started_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", convergence.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_maintenance_clock_pauses_member_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["maintenance_tickets.id"],
            name=op.f("fk_maintenance_clock_pauses_ticket_id_maintenance_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_clock_pauses")),
    )
    with op.batch_alter_table("maintenance_clock_pauses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maintenance_clock_pauses_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "maintenance_exclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("started_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_maintenance_exclusions_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["maintenance_tickets.id"],
            name=op.f("fk_maintenance_exclusions_ticket_id_maintenance_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_exclusions")),
    )
    with op.batch_alter_table("maintenance_exclusions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maintenance_exclusions_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "maintenance_interventions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("ts", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("proposes_closure", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_maintenance_interventions_member_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["maintenance_tickets.id"],
            name=op.f("fk_maintenance_interventions_ticket_id_maintenance_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_interventions")),
    )
    with op.batch_alter_table("maintenance_interventions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maintenance_interventions_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "maintenance_ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("ts", convergence.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_maintenance_ticket_events_member_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["maintenance_tickets.id"],
            name=op.f("fk_maintenance_ticket_events_ticket_id_maintenance_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_ticket_events")),
    )
    with op.batch_alter_table("maintenance_ticket_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maintenance_ticket_events_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "maintenance_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["maintenance_interventions.id"],
            name=op.f("fk_maintenance_photos_intervention_id_maintenance_interventions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_maintenance_photos_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maintenance_photos")),
    )
    with op.batch_alter_table("maintenance_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maintenance_photos_intervention_id"), ["intervention_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("maintenance_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_photos_intervention_id"))

    op.drop_table("maintenance_photos")
    with op.batch_alter_table("maintenance_ticket_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_ticket_events_ticket_id"))

    op.drop_table("maintenance_ticket_events")
    with op.batch_alter_table("maintenance_interventions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_interventions_ticket_id"))

    op.drop_table("maintenance_interventions")
    with op.batch_alter_table("maintenance_exclusions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_exclusions_ticket_id"))

    op.drop_table("maintenance_exclusions")
    with op.batch_alter_table("maintenance_clock_pauses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_clock_pauses_ticket_id"))

    op.drop_table("maintenance_clock_pauses")
    with op.batch_alter_table("maintenance_tickets", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_maintenance_tickets_open",
            sqlite_where=sa.text("status IN ('open', 'acknowledged', 'waiting_member')"),
            postgresql_where=sa.text("status IN ('open', 'acknowledged', 'waiting_member')"),
        )
        batch_op.drop_index("ix_maintenance_tickets_member_opened")
        batch_op.drop_index("ix_maintenance_tickets_asset_problem")

    op.drop_table("maintenance_tickets")
    with op.batch_alter_table("maintenance_inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_inspections_member_id"))
        batch_op.drop_index(batch_op.f("ix_maintenance_inspections_asset_id"))

    op.drop_table("maintenance_inspections")
    with op.batch_alter_table("maintenance_contract_assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_contract_assets_asset_id"))

    op.drop_table("maintenance_contract_assets")
    with op.batch_alter_table("maintenance_contractor_users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_contractor_users_contractor_id"))

    op.drop_table("maintenance_contractor_users")
    with op.batch_alter_table("maintenance_contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maintenance_contracts_member_id"))
        batch_op.drop_index(batch_op.f("ix_maintenance_contracts_contractor_id"))

    op.drop_table("maintenance_contracts")
    op.drop_table("maintenance_cursors")
    op.drop_table("maintenance_contractors")
