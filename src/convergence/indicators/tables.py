"""Per-site configuration of the indicators: water thresholds, traffic directions, and so on.

One row per (asset, kind): the kind is the indicator domain the configuration feeds
(``water``, ``traffic``, ``noise``, ``lighting``); ``config`` is the JSON document its pydantic
model in ``schemas`` validates. ``member_id`` repeats the asset's owner so that the member
scope filters settings without a join, as for series.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table

from convergence.db.metadata import metadata
from convergence.db.types import JSONDoc, UTCDateTime

KIND_LENGTH = 20
ACTOR_LENGTH = 100

site_settings = Table(
    "site_settings",
    metadata,
    Column(
        "asset_id", ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True, nullable=False
    ),
    Column("kind", String(KIND_LENGTH), primary_key=True, nullable=False),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("config", JSONDoc, nullable=False),
    Column("updated_by", String(ACTOR_LENGTH), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
