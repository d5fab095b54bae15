"""Periods of an asset's readings that a person invalidated or re-validated, with a reason."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from convergence.db.metadata import metadata
from convergence.db.types import UTCDateTime
from convergence.timeseries.tables import REASON_LENGTH

# Append-only: the latest period covering a reading decides its flag (``valid`` False sets it
# invalid for ``reason``; True re-validates it whatever the rules said).
quality_periods = Table(
    "quality_periods",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
    Column("start", UTCDateTime, nullable=False),
    Column("end", UTCDateTime, nullable=False),
    Column("valid", Boolean, nullable=False),
    Column("reason", String(REASON_LENGTH), nullable=False),
    Column("note", Text, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_quality_periods_asset_start", "asset_id", "start"),
)
