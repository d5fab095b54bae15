"""Tables of integrations (network servers, brokers) and of the dead-letter store."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from convergence.db.metadata import metadata
from convergence.db.types import JSONDoc, UTCDateTime

DEVICE_REF_LENGTH = 200
REASON_LENGTH = 1000

# A member's connection to a network server or broker. ``config`` holds what routes a
# message to the member, e.g. {"application_ids": ["f7a7…"]} for ChirpStack.
integrations = Table(
    "integrations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("config", JSONDoc, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("member_id", "name"),
)

# Every message that could not be taken in, with what is needed to replay it. ``digest``
# identifies the message (source, member, device, bytes): a message refused twice is one row.
dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("received_at", UTCDateTime, nullable=False),
    Column("last_received_at", UTCDateTime, nullable=False),
    Column("times_received", Integer, nullable=False, default=1),
    Column("source", String(20), nullable=False),
    Column("member_id", ForeignKey("members.id"), nullable=True, index=True),
    Column("device_ref", String(DEVICE_REF_LENGTH), nullable=True),
    Column("stage", String(20), nullable=False),
    Column("reason_code", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("metadata", JSONDoc, nullable=False),
    Column("status", String(20), nullable=False),
    Column("replayed_at", UTCDateTime, nullable=True),
    Index("ix_dead_letters_pending", "status", "reason_code", "device_ref"),
    Index("ix_dead_letters_received_at", "received_at"),
)

# Dead letters not kept because their member and source were over quota: counted here, so
# the flood is visible (how many, since when) without filling the database.
dead_letter_overflow = Table(
    "dead_letter_overflow",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("source", String(20), nullable=False),
    Column("member_id", Integer, nullable=True),
    Column("dropped", Integer, nullable=False),
    Column("first_dropped_at", UTCDateTime, nullable=False),
    Column("last_dropped_at", UTCDateTime, nullable=False),
)
