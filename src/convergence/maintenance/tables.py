"""Tables of maintenance: contractors, contracts and their assets, tickets and their clocks.

A ticket belongs to the member that owns its asset; its history, pauses and exclusions carry
the same ``member_id`` so every read is scoped in one place. ``maintenance_cursors`` holds how
far the ticket opener has read the alerts' history (an outbox consumer: nothing is missed
when it stops, nothing is applied twice).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

from convergence.db.metadata import metadata
from convergence.db.types import JSONDoc, UTCDateTime

NAME_LENGTH = 200
ENUM_LENGTH = 30
ACTOR_LENGTH = 100
CODE_LENGTH = 100
# Literal SQL so both dialects match it to the partial unique index.
OPEN_TICKET_CONDITION = text("status IN ('open', 'acknowledged', 'waiting_member')")

contractors = Table(
    "maintenance_contractors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_LENGTH), nullable=False, unique=True),
    Column("email", String(320), nullable=False),
    Column("phone", String(40), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

contracts = Table(
    "maintenance_contracts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("contractor_id", ForeignKey("maintenance_contractors.id"), nullable=False, index=True),
    Column("reference", String(100), nullable=False),
    Column("title", String(NAME_LENGTH), nullable=False),
    Column("hours_basis", String(ENUM_LENGTH), nullable=False),
    # The business-hours window, in minutes after local midnight (Europe/Paris).
    Column("day_start_min", Integer, nullable=False),
    Column("day_end_min", Integer, nullable=False),
    Column("intervention_delay_min", Integer, nullable=False),
    Column("restoration_delay_min", Integer, nullable=False),
    # Penalty per started hour beyond a delay, in euro cents, and its cap per ticket.
    Column("penalty_per_hour_cents", Integer, nullable=False),
    Column("penalty_cap_cents", Integer, nullable=True),
    Column("availability_target_pct", Float, nullable=True),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=True),
    Column("created_by", String(ACTOR_LENGTH), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

contract_assets = Table(
    "maintenance_contract_assets",
    metadata,
    Column("contract_id", ForeignKey("maintenance_contracts.id", ondelete="CASCADE")),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), index=True),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    PrimaryKeyConstraint("contract_id", "asset_id"),
)

tickets = Table(
    "maintenance_tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
    Column("contract_id", ForeignKey("maintenance_contracts.id"), nullable=True),
    Column("problem", String(ENUM_LENGTH), nullable=False),
    Column("origin", String(ENUM_LENGTH), nullable=False),
    Column("status", String(ENUM_LENGTH), nullable=False),
    Column("title", String(NAME_LENGTH), nullable=False),
    Column("description", Text, nullable=False),
    # OCPP StatusNotification errorCode and vendorErrorCode of the latest fault.
    Column("error_code", String(CODE_LENGTH), nullable=True),
    Column("vendor_error_code", String(CODE_LENGTH), nullable=True),
    Column("alert_id", ForeignKey("alerts.id", ondelete="SET NULL"), nullable=True),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("last_fault_at", UTCDateTime, nullable=False),
    Column("acknowledged_at", UTCDateTime, nullable=True),
    Column("restored_at", UTCDateTime, nullable=True),
    Column("restoration_verified", Boolean, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("reopen_count", Integer, nullable=False),
    Column("created_by", String(ACTOR_LENGTH), nullable=False),
    # One open ticket per asset and problem, enforced by the database.
    Index(
        "uq_maintenance_tickets_open",
        "asset_id",
        "problem",
        unique=True,
        sqlite_where=OPEN_TICKET_CONDITION,
        postgresql_where=OPEN_TICKET_CONDITION,
    ),
    Index("ix_maintenance_tickets_member_opened", "member_id", "opened_at"),
    Index("ix_maintenance_tickets_asset_problem", "asset_id", "problem", "restored_at"),
)

ticket_events = Table(
    "maintenance_ticket_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "ticket_id",
        ForeignKey("maintenance_tickets.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("ts", UTCDateTime, nullable=False),
    Column("action", String(ENUM_LENGTH), nullable=False),
    Column("actor", String(ACTOR_LENGTH), nullable=False),
    Column("note", Text, nullable=False),
    Column("details", JSONDoc, nullable=False),
)

clock_pauses = Table(
    "maintenance_clock_pauses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "ticket_id",
        ForeignKey("maintenance_tickets.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("reason", String(ENUM_LENGTH), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
)

exclusions = Table(
    "maintenance_exclusions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "ticket_id",
        ForeignKey("maintenance_tickets.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("reason", String(ENUM_LENGTH), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=False),
    # What proves it (the grid operator's outage notice, a police report…): required.
    Column("evidence", Text, nullable=False),
    Column("recorded_by", String(ACTOR_LENGTH), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

cursors = Table(
    "maintenance_cursors",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("last_id", Integer, nullable=False),
)

# A contractor's agents: users with the ``contractor`` role, tied to one company.
contractor_users = Table(
    "maintenance_contractor_users",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("contractor_id", ForeignKey("maintenance_contractors.id"), nullable=False, index=True),
)

interventions = Table(
    "maintenance_interventions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "ticket_id",
        ForeignKey("maintenance_tickets.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("ts", UTCDateTime, nullable=False),
    Column("notes", Text, nullable=False),
    Column("proposes_closure", Boolean, nullable=False),
    Column("actor", String(ACTOR_LENGTH), nullable=False),
)

photos = Table(
    "maintenance_photos",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "intervention_id",
        ForeignKey("maintenance_interventions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("filename", String(NAME_LENGTH), nullable=False),
    Column("content_type", String(50), nullable=False),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# The annual inspection of each charge point (décret 2017-26) and preventive plans: one row
# per due occurrence; doing one schedules the next ``every_months`` later.
inspections = Table(
    "maintenance_inspections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(ENUM_LENGTH), nullable=False),
    Column("title", String(NAME_LENGTH), nullable=False),
    Column("every_months", Integer, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("done_on", Date, nullable=True),
    Column("inspector", String(NAME_LENGTH), nullable=True),
    # The visible mark left on the equipment (date and inspector), as written on it.
    Column("marking", String(NAME_LENGTH), nullable=True),
    Column("notes", Text, nullable=False),
    Column("reminded_on", Date, nullable=True),
)
