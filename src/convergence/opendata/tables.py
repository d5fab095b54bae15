"""The datasets each member chooses to publish."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from convergence.db.metadata import metadata
from convergence.db.types import UTCDateTime

# One row per (member, kind): a member publishes each kind of data at most once. Nothing of
# a dataset leaves the platform unless ``published`` is true.
datasets = Table(
    "datasets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(30), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("licence", String(20), nullable=False),
    Column("published", Boolean, nullable=False, default=False),
    Column("published_at", UTCDateTime, nullable=True),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("member_id", "kind"),
)
