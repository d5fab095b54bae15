"""Pydantic models of time-series queries: what is asked (selection, range) and what comes back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from convergence.registry.kinds import DomainName

INSEE_PATTERN = r"^[0-9][0-9AB][0-9]{3}$"


class Resolution(StrEnum):
    """Raw readings, UTC-hour rollups or Europe/Paris-day rollups."""

    raw = "raw"
    hourly = "hourly"
    daily = "daily"


class Aggregation(StrEnum):
    """What one point says about its bucket; ``mean`` is energetic for decibels."""

    mean = "mean"
    min = "min"
    max = "max"
    sum = "sum"
    count = "count"  # type: ignore[assignment]  # shadows str.count, which nobody calls here


class SeriesFilter(BaseModel):
    """Which series: by id, asset, commune, quantity and asset domain (all optional, ANDed)."""

    model_config = ConfigDict(frozen=True)

    series_ids: tuple[int, ...] | None = None
    asset_id: int | None = None
    commune_insee: str | None = Field(default=None, pattern=INSEE_PATTERN)
    quantity: str | None = Field(default=None, max_length=64)
    domain: DomainName | None = None


class TimeRange(BaseModel):
    """The half-open interval [start, end) in UTC; naive datetimes are refused."""

    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("give a time zone, e.g. 2026-03-01T00:00:00+01:00 or …Z")
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _ordered(self) -> TimeRange:
        if self.end <= self.start:
            raise ValueError("`to` must come after `from`")
        return self

    @property
    def span(self) -> timedelta:
        return self.end - self.start


class SeriesInfo(BaseModel):
    """A series and where it is: no names or free text, so aggregate readers learn nothing more."""

    id: int
    asset_id: int
    member_id: int
    quantity: str
    unit: str
    commune_insee: str | None
    domain: str


class Point(BaseModel):
    """One bucket: ``start`` in UTC (local midnight for a day), ``day`` for daily buckets."""

    start: datetime
    day: date | None = None
    value: float | None
    count: int


class SeriesValues(BaseModel):
    series: SeriesInfo
    resolution: Resolution
    aggregation: Aggregation
    points: list[Point]


class CombinedValues(BaseModel):
    """Several series of one quantity merged into one curve (a commune's, the territory's)."""

    quantity: str
    unit: str
    series_ids: list[int]
    resolution: Resolution
    aggregation: Aggregation
    points: list[Point]


class LatestReading(BaseModel):
    """The last valid value of a series (None when none is valid), and the last value set
    aside after it: when and why (``quality_reason`` of the readings)."""

    series_id: int
    quantity: str
    unit: str
    ts: datetime | None
    value: float | None
    set_aside_ts: datetime | None = None
    set_aside_reason: str | None = None


class LatestAsset(BaseModel):
    """One asset on the map with the latest value of each of its series."""

    asset_id: int
    member_id: int
    name: str
    kind: str
    domain: str
    status: str
    commune_insee: str | None
    lon: float | None
    lat: float | None
    readings: list[LatestReading]
