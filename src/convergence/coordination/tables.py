"""Tables of partnership proposals, the members they concern, and their comments."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from convergence.db.metadata import metadata
from convergence.db.types import JSONDoc, UTCDateTime

proposals = Table(
    "proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    # sha256 of kind, domain, sorted member ids and the rule's key: regenerating finds the
    # same row again instead of adding a second one.
    Column("fingerprint", String(64), nullable=False, unique=True),
    Column("kind", String(30), nullable=False),
    Column("domain", String(20), nullable=False),
    Column("rule_key", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("title", String(300), nullable=False),
    Column("explanation", Text, nullable=False),
    Column("communes", JSON, nullable=False),
    Column("evidence", JSONDoc, nullable=False),
    Column("score", Float, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("generated_at", UTCDateTime, nullable=False),
    Column("status_changed_at", UTCDateTime, nullable=True),
    Column("stale_since", UTCDateTime, nullable=True),
)

# The members a proposal concerns: what a member's scope is matched against.
proposal_members = Table(
    "proposal_members",
    metadata,
    Column(
        "proposal_id",
        ForeignKey("proposals.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True),
)

comments = Table(
    "proposal_comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "proposal_id",
        ForeignKey("proposals.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("author", String(100), nullable=False),
    Column("author_member_id", ForeignKey("members.id"), nullable=True),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# What each member concerned answered to a proposal sent to it: one answer per member,
# replaced when it changes its mind; the operator decides the proposal's own status.
proposal_answers = Table(
    "proposal_answers",
    metadata,
    Column(
        "proposal_id",
        ForeignKey("proposals.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("answer", String(20), nullable=False),
    Column("comment", Text, nullable=False),
    Column("answered_by", String(100), nullable=False),
    Column("answered_at", UTCDateTime, nullable=False),
)
