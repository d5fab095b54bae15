"""Tables of the central system: charge points, their connectors, sessions and commands.

A charge point is an asset with an ``ocpp_id``; ``charge_points`` holds what the central
system adds to it (its password hash, what it said at boot, its liveness, its IRVE station
details). ``member_id`` repeats the asset's owner on every table so that the member scope
filters without a join. Status history and meter values are not here: they are events and
readings of the time-series store.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from convergence.db.metadata import metadata
from convergence.db.types import JSONDoc, UTCDateTime

charge_points = Table(
    "charge_points",
    metadata,
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    # HTTP Basic password (OCPP AuthorizationKey), hashed: see charging/credentials.py.
    Column("password_hash", String(200), nullable=True),
    Column("password_set_at", UTCDateTime, nullable=True),
    # IRVE station details (irve.models.Station without its points), set by people.
    Column("station", JSONDoc, nullable=True),
    Column("protocol", String(12), nullable=True),
    Column("vendor", String(50), nullable=True),
    Column("model", String(50), nullable=True),
    Column("serial_number", String(50), nullable=True),
    Column("firmware_version", String(50), nullable=True),
    Column("registration", String(12), nullable=True),
    Column("heartbeat_interval_s", Integer, nullable=True),
    # Status of the whole charge point (OCPP 1.6 connectorId 0).
    Column("status", String(20), nullable=True),
    Column("status_at", UTCDateTime, nullable=True),
    Column("online", Boolean, nullable=False, default=False),
    Column("connected", Boolean, nullable=False, default=False),
    Column("last_seen_at", UTCDateTime, nullable=True),
    Column("last_boot_at", UTCDateTime, nullable=True),
    Column("connected_at", UTCDateTime, nullable=True),
    Column("disconnected_at", UTCDateTime, nullable=True),
    Column("failed_in_row", Integer, nullable=False, default=0),
    Column("updated_at", UTCDateTime, nullable=False),
)

# One OCPP 1.6 connector or one OCPP 2.0.1 EVSE: an IRVE point of charge (PDC).
charge_point_connectors = Table(
    "charge_point_connectors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("connector_id", Integer, nullable=False),
    Column("status", String(20), nullable=True),
    Column("point_status", String(20), nullable=True),
    Column("error_code", String(50), nullable=True),
    Column("status_at", UTCDateTime, nullable=True),
    # The meter register as last read, and the energy delivered since first read (Wh).
    Column("register_wh", Float, nullable=True),
    Column("register_at", UTCDateTime, nullable=True),
    Column("delivered_wh", Float, nullable=False, default=0.0),
    Column("power_w", Float, nullable=True),
    # IRVE point of charge (irve.models.PointOfCharge), set by people.
    Column("pdc", JSONDoc, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("asset_id", "connector_id"),
)

charging_sessions = Table(
    "charging_sessions",
    metadata,
    # Also the OCPP 1.6 transactionId, which the central system assigns.
    Column("id", Integer, primary_key=True),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("connector_id", Integer, nullable=False),
    Column("protocol", String(12), nullable=False),
    # 1.6: the session id as text; 2.0.1: the station's transactionId.
    Column("transaction_ref", String(64), nullable=True),
    # SHA-256 of the id tag: the badge number itself is never stored.
    Column("id_tag_hash", String(64), nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("stopped_at", UTCDateTime, nullable=True),
    Column("meter_start_wh", Float, nullable=True),
    Column("meter_last_wh", Float, nullable=True),
    Column("meter_stop_wh", Float, nullable=True),
    Column("energy_wh", Float, nullable=True),
    Column("stop_reason", String(30), nullable=True),
    Column("status", String(12), nullable=False),
    Column("failure", String(40), nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("asset_id", "transaction_ref"),
    Index("ix_charging_sessions_member_started", "member_id", "started_at"),
    Index("ix_charging_sessions_asset_connector", "asset_id", "connector_id", "status"),
)

# The command log: every remote command, who asked, and what the charge point answered.
charging_commands = Table(
    "charging_commands",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("command", String(30), nullable=False),
    Column("protocol", String(12), nullable=True),
    # Parameters as sent, secrets masked and id tags hashed.
    Column("params", JSONDoc, nullable=False),
    Column("status", String(20), nullable=False),
    Column("response", JSONDoc, nullable=True),
    Column("error", Text, nullable=True),
    Column("requested_by", String(100), nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime, nullable=True),
    # For the worker holding the charge point's connection: the clear parameters, sealed
    # (Fernet, ``charging.relay``), removed once the command is sent or given up.
    Column("relay", Text, nullable=True),
    Index("ix_charging_commands_asset_requested", "asset_id", "requested_at"),
    # Polled a few times a second by each process holding connections: only the left ones.
    Index(
        "ix_charging_commands_relayed",
        "asset_id",
        sqlite_where=text("relay IS NOT NULL"),
        postgresql_where=text("relay IS NOT NULL"),
    ),
)
