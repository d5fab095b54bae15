"""Tables of alert rules, alerts and their history, subscriptions and deliveries.

Alerts and deliveries are written in the transaction that evaluates the rules (an outbox):
nothing is sent while a database transaction is open, and a crash between evaluation and
sending loses no message, because pending deliveries are sent by the next run.
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
    text,
)

from convergence.db.metadata import metadata
from convergence.db.types import JSONDoc, UTCDateTime

NAME_LENGTH = 200
ENUM_LENGTH = 20
ACTOR_LENGTH = 100
URL_LENGTH = 1000
# Literal SQL so both dialects match it to the partial unique index in ON CONFLICT.
OPEN_CONDITION = text("status != 'resolved'")

alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    # The member whose equipment the rule watches (an operator rule names its target member).
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("name", String(NAME_LENGTH), nullable=False),
    Column("kind", String(ENUM_LENGTH), nullable=False),
    Column("severity", String(ENUM_LENGTH), nullable=False),
    Column("target_kind", String(ENUM_LENGTH), nullable=False),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), nullable=True),
    Column("device_model_id", ForeignKey("device_models.id"), nullable=True),
    Column("commune_insee", ForeignKey("communes.insee"), nullable=True),
    Column("domain", String(ENUM_LENGTH), nullable=True),
    # Kind-specific parameters, validated by the pydantic models of ``schemas``.
    Column("params", JSONDoc, nullable=False),
    Column("cooldown_s", Integer, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("created_by", String(ACTOR_LENGTH), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_alert_rules_member_kind", "member_id", "kind"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule_id", ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(ENUM_LENGTH), nullable=False),
    Column("severity", String(ENUM_LENGTH), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    # The time of the data that made the condition true (a reading, an event, a silence).
    Column("trigger_ts", UTCDateTime, nullable=False),
    Column("value", Float, nullable=True),
    Column("message", Text, nullable=False),
    Column("details", JSONDoc, nullable=False),
    Column("acknowledged_at", UTCDateTime, nullable=True),
    Column("acknowledged_by", String(ACTOR_LENGTH), nullable=True),
    Column("resolved_at", UTCDateTime, nullable=True),
    Column("resolved_by", String(ACTOR_LENGTH), nullable=True),
    # One open alert per rule and asset, enforced by the database (partial unique index).
    Index(
        "uq_alerts_open_rule_asset",
        "rule_id",
        "asset_id",
        unique=True,
        sqlite_where=OPEN_CONDITION,
        postgresql_where=OPEN_CONDITION,
    ),
    Index("ix_alerts_rule_asset_resolved", "rule_id", "asset_id", "resolved_at"),
    Index("ix_alerts_member_opened", "member_id", "opened_at"),
)

alert_events = Table(
    "alert_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("alert_id", ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("ts", UTCDateTime, nullable=False),
    Column("action", String(ENUM_LENGTH), nullable=False),
    Column("actor", String(ACTOR_LENGTH), nullable=False),
    Column("value", Float, nullable=True),
    Column("note", Text, nullable=False),
)

alert_subscriptions = Table(
    "alert_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    # The person notified (e-mail); NULL for a member-level webhook created with a token.
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    Column("channel", String(ENUM_LENGTH), nullable=False),
    Column("cadence", String(ENUM_LENGTH), nullable=False),
    # Filters; NULL matches everything.
    Column("rule_id", ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=True),
    Column("domain", String(ENUM_LENGTH), nullable=True),
    Column("commune_insee", ForeignKey("communes.insee"), nullable=True),
    Column("min_severity", String(ENUM_LENGTH), nullable=False),
    Column("webhook_url", String(URL_LENGTH), nullable=True),
    # The HMAC key of the webhook: needed in clear to sign, shown once at creation.
    Column("webhook_secret", String(100), nullable=True),
    Column("created_by", String(ACTOR_LENGTH), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("alert_id", ForeignKey("alerts.id", ondelete="CASCADE"), nullable=True),
    Column(
        "subscription_id",
        ForeignKey("alert_subscriptions.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("channel", String(ENUM_LENGTH), nullable=False),
    Column("event", String(ENUM_LENGTH), nullable=False),
    Column("recipient", String(URL_LENGTH), nullable=False),
    Column("subject", String(NAME_LENGTH * 2), nullable=False),
    # The plain-text e-mail, or the exact JSON body of the webhook (what is signed).
    Column("body", Text, nullable=False),
    Column("html", Text, nullable=True),
    Column("status", String(ENUM_LENGTH), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=True),
    Column("last_attempt_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_alert_deliveries_due", "status", "next_attempt_at"),
    Index("ix_alert_deliveries_member_created", "member_id", "created_at"),
)

delivery_attempts = Table(
    "alert_delivery_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "delivery_id",
        ForeignKey("alert_deliveries.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("attempted_at", UTCDateTime, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("detail", Text, nullable=False),
)
