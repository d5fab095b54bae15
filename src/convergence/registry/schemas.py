"""Pydantic models of the registry at the API, CLI and CSV boundaries."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, field_validator, model_validator

from convergence.registry.kinds import (
    AssetKindName,
    AssetStatus,
    Domain,
    DomainName,
    InitiativeStatus,
    NetworkTechnology,
)

DEV_EUI_PATTERN = re.compile(r"^[0-9A-F]{16}$")
T = TypeVar("T")


class OffsetWindow(BaseModel, Generic[T]):
    """``limit`` items from ``offset`` of a list of ``total``, for HTML pages and the CLI.

    Not the API's ``Page`` (``web.api.pagination``), which pages by cursor so that a list
    stays stable while rows are added: a page of HTML numbers its pages and says how many
    there are (« 312 équipements », page 2 of 7), which a cursor cannot.
    """

    items: list[T]
    total: int
    limit: int
    offset: int


class FieldMapping(BaseModel):
    """A decoded field mapped to a catalogue quantity (unit, scale, offset), or ignored."""

    quantity: str | None = Field(default=None, min_length=1, description="catalogue quantity")
    unit: str | None = None
    scale: float | None = None
    offset: float | None = None
    ignore: bool = Field(
        default=False, description="a known field deliberately not measured: not dead-lettered"
    )

    @model_validator(mode="after")
    def _quantity_or_ignored(self) -> FieldMapping:
        if self.ignore and (self.quantity, self.unit, self.scale, self.offset) != (None,) * 4:
            raise ValueError("an ignored field takes no quantity, unit, scale nor offset")
        if not self.ignore and self.quantity is None:
            raise ValueError('a field is mapped to a quantity, or ignored ("ignore": true)')
        return self


class QualityLimits(BaseModel):
    """A device model's own limits for one quantity, over the quantity's defaults."""

    low: float | None = None
    high: float | None = None
    step_per_hour: float | None = Field(default=None, gt=0)
    step_min_interval_s: float | None = Field(default=None, ge=0)
    flat_hours: float | None = Field(default=None, gt=0)


class DeviceModelCreate(BaseModel):
    vendor: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=100)
    domain: DomainName
    codec: str | None = Field(default=None, description="built-in codec id or js:<file>")
    field_map: dict[str, FieldMapping] = Field(default_factory=dict)
    quality_rules: dict[str, QualityLimits] | None = Field(
        default=None, description="quantity -> plausible range and spike limits of this model"
    )
    expected_period_s: int | None = Field(
        default=None,
        ge=0,
        le=7 * 86400,
        description="how often the model sends, in seconds; 0 when it sends no data by design",
    )


class DeviceModelOut(DeviceModelCreate):
    id: int


class DeviceModelUpdate(BaseModel):
    """A new codec, field map or expected period for a model; fields left out stay as they are."""

    codec: str | None = Field(default=None, description="built-in codec id or js:<file>")
    field_map: dict[str, FieldMapping] | None = None
    expected_period_s: int | None = Field(
        default=None,
        ge=0,
        le=7 * 86400,
        description="how often the model sends, in seconds; 0 when it sends no data by design",
    )


class InitiativeBase(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    domain: DomainName
    status: InitiativeStatus = InitiativeStatus.idea
    budget_eur: Decimal | None = Field(default=None, ge=0)
    start_date: date | None = None
    end_date: date | None = None
    supplier: str | None = None
    network: NetworkTechnology | None = None
    units: int | None = Field(default=None, ge=0)
    description: str = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> InitiativeBase:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class InitiativeCreate(InitiativeBase):
    member_id: int | None = Field(default=None, description="defaults to the caller's member")


class InitiativeOut(InitiativeBase):
    id: int
    member_id: int
    created_at: datetime
    updated_at: datetime


class AssetFields(BaseModel):
    """Fields a person sets on a piece of equipment (API body, CSV row)."""

    name: str = Field(min_length=1, max_length=200)
    kind: AssetKindName
    domain: DomainName = Domain.other.value
    status: AssetStatus = AssetStatus.planned
    device_model_id: int | None = None
    dev_eui: str | None = Field(default=None, description="LoRaWAN DevEUI, 16 hex digits")
    ocpp_id: str | None = Field(default=None, max_length=100)
    serial: str | None = Field(default=None, max_length=100)
    lon: float | None = Field(default=None, description="WGS84 longitude, e.g. 2.1301")
    lat: float | None = Field(default=None, description="WGS84 latitude, e.g. 48.8049")
    installed_on: date | None = None
    cost_eur: Decimal | None = Field(default=None, ge=0)
    initiative_id: int | None = None
    tags: list[str] = Field(default_factory=list)

    @field_validator("dev_eui")
    @classmethod
    def _dev_eui_is_hex(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        value = value.replace("-", "").replace(":", "").strip().upper()
        if not DEV_EUI_PATTERN.match(value):
            raise ValueError("a DevEUI has 16 hexadecimal digits, e.g. 70B3D57ED0001234")
        return value

    @field_validator("ocpp_id", "serial")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _coordinates_complete_and_valid(self) -> AssetFields:
        check_coordinates(self.lon, self.lat)
        return self


def check_coordinates(lon: float | None, lat: float | None) -> None:
    """Refuse half a position, non-finite numbers and out-of-range values, saying why."""
    if (lon is None) != (lat is None):
        raise ValueError("give both lon and lat, or neither")
    if lon is None or lat is None:
        return
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError("lon and lat must be finite numbers")
    if not -180 <= lon <= 180:
        raise ValueError(f"longitude {lon} is outside [-180, 180]")
    if not -90 <= lat <= 90:
        hint = "; did you swap lon and lat?" if -90 <= lon <= 90 else ""
        raise ValueError(f"latitude {lat} is outside [-90, 90]{hint}")


class AssetCreate(AssetFields):
    member_id: int | None = Field(default=None, description="defaults to the caller's member")


class AssetUpdate(BaseModel):
    """A partial update: only the fields given change."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    status: AssetStatus | None = None
    device_model_id: int | None = None
    lon: float | None = None
    lat: float | None = None
    installed_on: date | None = None
    cost_eur: Decimal | None = Field(default=None, ge=0)
    initiative_id: int | None = None
    tags: list[str] | None = None

    @model_validator(mode="after")
    def _coordinates_valid(self) -> AssetUpdate:
        check_coordinates(self.lon, self.lat)
        return self


class AssetOut(AssetFields):
    id: int
    member_id: int
    commune_insee: str | None
    created_at: datetime
    updated_at: datetime


class AssetSelection(BaseModel):
    """Which assets: by member, commune, kind, status, domain, project or a search."""

    member_id: int | None = None
    commune: str | None = None
    kind: AssetKindName | None = None
    status: AssetStatus | None = None
    domain: DomainName | None = None
    initiative_id: int | None = None
    q: str | None = Field(default=None, description="search in name, serial, DevEUI, OCPP id")


class AssetFilters(AssetSelection):
    """A selection and a page of it, by offset (the inventory pages)."""

    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


def asset_values(fields: AssetFields) -> dict[str, Any]:
    """Column values of an asset from its fields."""
    values = fields.model_dump(mode="python", exclude={"member_id"})
    for key in ("kind", "domain", "status"):
        values[key] = str(values[key])
    return values
