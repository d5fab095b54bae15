"""Tables of device models, initiatives and assets."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from convergence.db.metadata import metadata
from convergence.db.types import UTCDateTime

# The shared catalogue of device models, managed by the operator.
device_models = Table(
    "device_models",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("vendor", String(100), nullable=False),
    Column("model", String(100), nullable=False),
    Column("domain", String(20), nullable=False),
    Column("codec", String(200), nullable=True),
    # decoded field -> {"quantity": ..., "unit": ..., "scale": ...}
    Column("field_map", JSON, nullable=False),
    # quantity -> {"low": ..., "high": ..., "step_per_hour": ..., "flat_hours": ...}: the
    # model's own plausible range and spike limits, over the defaults of the quantity.
    Column("quality_rules", JSON, nullable=True),
    # How often the model sends, in seconds, as its vendor sets it: what device health and the
    # silence rules count in (« silencieux après 3 périodes »); 0 when it sends no data by
    # design (a camera), none if unknown.
    Column("expected_period_s", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("vendor", "model"),
)

initiatives = Table(
    "initiatives",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("domain", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("budget_eur", Numeric(14, 2), nullable=True),
    Column("start_date", Date, nullable=True),
    Column("end_date", Date, nullable=True),
    Column("supplier", String(200), nullable=True),
    Column("network", String(20), nullable=True),
    Column("units", Integer, nullable=True),
    Column("description", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

assets = Table(
    "assets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("domain", String(20), nullable=False),
    Column("device_model_id", ForeignKey("device_models.id"), nullable=True),
    # A LoRaWAN DevEUI and an OCPP charge point id are unique world-wide / platform-wide.
    Column("dev_eui", String(16), nullable=True, unique=True),
    Column("ocpp_id", String(100), nullable=True, unique=True),
    Column("serial", String(100), nullable=True),
    Column("lon", Float, nullable=True),
    Column("lat", Float, nullable=True),
    Column("commune_insee", ForeignKey("communes.insee"), nullable=True),
    Column("status", String(20), nullable=False),
    Column("installed_on", Date, nullable=True),
    Column("cost_eur", Numeric(12, 2), nullable=True),
    Column("initiative_id", ForeignKey("initiatives.id"), nullable=True),
    Column("tags", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("member_id", "serial"),
    Index("ix_assets_member_commune", "member_id", "commune_insee"),
    Index("ix_assets_member_kind", "member_id", "kind"),
)
