"""Pydantic models at the edges of the indicator services: requests, site settings, results.

Every value leaves as a ``MeasureOut``: the value, its unit, the rule it follows (the citation
of its text) and its completeness. Results of the pure functions (frozen dataclasses) are
converted by the ``*_out`` functions of the service modules, never serialised as they are.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from convergence.indicators.comparison import Peers, PerInhabitant, Rank, TerritoryLevel
from convergence.indicators.regulations.noise import NoiseSource
from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.timewindows import local_day_of
from convergence.paris_time import PARIS

MAX_PERIOD = timedelta(days=400)  # a calendar year and its margins, never more
TRAFFIC_QUANTITY = "vehicle_count"


class IndicatorDomain(StrEnum):
    """Domains with indicators; the per-site settings use the same names."""

    air = "air"
    noise = "noise"
    traffic = "traffic"
    water = "water"
    lighting = "lighting"
    charging = "charging"


class IndicatorQuery(BaseModel):
    """What is asked: a period [start, end) in UTC, optionally one commune or one asset."""

    start: datetime
    end: datetime
    commune: str | None = Field(default=None, pattern=r"^[0-9][0-9AB][0-9]{3}$")
    asset_id: int | None = None

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("give a time zone, e.g. 2026-06-15T00:00:00+02:00, or a date")
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _ordered(self) -> IndicatorQuery:
        if self.end <= self.start:
            raise ValueError("`to` must come after `from`")
        if self.end - self.start > MAX_PERIOD:
            raise ValueError("a period lasts at most 400 days")
        return self

    @property
    def first_day(self) -> date:
        """First local day (Europe/Paris) the period overlaps."""
        return local_day_of(self.start)

    @property
    def last_day(self) -> date:
        """Last local day (Europe/Paris) the period overlaps."""
        return local_day_of(self.end - timedelta(microseconds=1))


class PeriodOut(BaseModel):
    """The period asked and the local days it covers (a day counts if the period overlaps it)."""

    start: datetime
    end: datetime
    first_day: date
    last_day: date
    timezone: str = str(PARIS)


def period_out(query: IndicatorQuery) -> PeriodOut:
    """The period of a query, with its local days."""
    return PeriodOut(
        start=query.start, end=query.end, first_day=query.first_day, last_day=query.last_day
    )


# --- per-site settings -------------------------------------------------------------------


class WaterSite(BaseModel):
    """Heights (m, the sensor's datum) that open jaune, orange and rouge at a water-level site."""

    kind: Literal["water"] = "water"
    jaune: float = Field(description="height opening jaune (m)", examples=[1.0])
    orange: float = Field(description="height opening orange (m)", examples=[1.5])
    rouge: float = Field(description="height opening rouge (m)", examples=[2.0])
    hysteresis_m: float = Field(
        default=0.0, ge=0, le=5, description="a level is left below its height minus this (m)"
    )
    rate_window_minutes: int = Field(
        default=60, gt=0, le=1440, description="window of the rate of rise regression"
    )
    max_age_minutes: int = Field(
        default=30, gt=0, le=10080, description="a latest reading older than this is stale"
    )

    @model_validator(mode="after")
    def _rising(self) -> WaterSite:
        if not self.jaune < self.orange < self.rouge:
            raise ValueError("thresholds must rise strictly: jaune < orange < rouge")
        return self


class SeriesSource(BaseModel):
    """A series feeding a traffic direction: an asset (default the site's own) and a quantity."""

    asset_id: int | None = Field(default=None, description="another counter of the same member")
    quantity: str = Field(default=TRAFFIC_QUANTITY, max_length=64)


class TrafficDirection(BaseModel):
    """One direction of a counting site and the series of its vehicles and heavy vehicles."""

    name: str = Field(min_length=1, max_length=40, examples=["entrant"])
    asset_id: int | None = Field(default=None, description="counter of this direction")
    quantity: str = Field(default=TRAFFIC_QUANTITY, max_length=64)
    heavy: SeriesSource | None = Field(
        default=None, description="series of the heavy vehicles (PL) of this direction"
    )


class SpeedReadings(StrEnum):
    """What a speed reading is: one vehicle's spot speed, or the mean over an interval."""

    per_vehicle = "per_vehicle"
    interval_mean = "interval_mean"


class TrafficSite(BaseModel):
    """A counting site: its directions, speed limit and the nature of its speed readings."""

    kind: Literal["traffic"] = "traffic"
    directions: list[TrafficDirection] = Field(min_length=1, max_length=8)
    speed_limit_kmh: float | None = Field(default=None, gt=0, le=130, examples=[50])
    speed_readings: SpeedReadings = SpeedReadings.interval_mean

    @model_validator(mode="after")
    def _unique(self) -> TrafficSite:
        names = [d.name for d in self.directions]
        if len(set(names)) != len(names):
            raise ValueError("direction names must differ")
        return self


class NoiseSite(BaseModel):
    """A sound level meter: LAeq samples per hour when known, and the source it watches."""

    kind: Literal["noise"] = "noise"
    samples_per_hour: int | None = Field(
        default=None, gt=0, le=3600, description="e.g. 60 for one LAeq a minute", examples=[60]
    )
    source: NoiseSource = Field(default=NoiseSource.ROAD, description="source of the limits")


class LightingSite(BaseModel):
    """A lighting cabinet: installed power (for the whole-night baseline) and switch threshold."""

    kind: Literal["lighting"] = "lighting"
    installed_power_w: float | None = Field(default=None, ge=0, le=1e7, examples=[12000])
    on_threshold_w: float = Field(
        default=50.0, ge=0, description="mean power above which an hour counts as lit"
    )


SiteSettings = Annotated[
    WaterSite | TrafficSite | NoiseSite | LightingSite, Field(discriminator="kind")
]


class SiteSettingsOut(BaseModel):
    asset_id: int
    settings: SiteSettings
    updated_at: datetime


# --- values ------------------------------------------------------------------------------


class CompletenessOut(BaseModel):
    """How much of the expected data was there, and the share the rule requires."""

    present: float
    expected: float
    ratio: float
    required_ratio: float
    complete: bool
    basis: str


class MeasureOut(BaseModel):
    """One value with its unit, the rule it follows and its completeness."""

    value: float | None
    unit: str
    rule: str
    completeness: CompletenessOut
    publishable: bool


# The text of each unit: reading ``.value`` of an enum member is slow, and the daily
# indicators hold one measure per pollutant, day and station.
UNIT_TEXT: dict[Unit, str] = {unit: unit.value for unit in Unit}


def completeness_out(done: Completeness) -> CompletenessOut:
    return CompletenessOut.model_validate(completeness_fields(done))


def completeness_fields(done: Completeness) -> dict[str, Any]:
    """The fields of ``CompletenessOut``, for an output validated in one call."""
    return {
        "present": done.present,
        "expected": done.expected,
        "ratio": round(done.ratio, 6),
        "required_ratio": done.required_ratio,
        "complete": done.complete,
        "basis": done.basis,
    }


def measure_out(measure: Measure) -> MeasureOut:
    """The API form of a pure function's measure."""
    return MeasureOut.model_validate(measure_fields(measure))


def measure_fields(measure: Measure) -> dict[str, Any]:
    """The fields of ``MeasureOut``: thousands of measures validate faster as one document
    than as one model each."""
    return {
        "value": measure.value,
        "unit": UNIT_TEXT[measure.unit],
        "rule": measure.rule,
        "completeness": completeness_fields(measure.completeness),
        "publishable": measure.publishable,
    }


def optional_measure(measure: Measure | None) -> MeasureOut | None:
    return None if measure is None else measure_out(measure)


class StationOut(BaseModel):
    """A measuring site; its name only for callers who read its owner's data in full."""

    asset_id: int
    member_id: int
    commune_insee: str | None
    name: str | None


class ZoneOut(BaseModel):
    """A commune, an EPCI (or EPT) or a département, and the population it covers."""

    level: TerritoryLevel
    code: str
    name: str
    population: int


# --- comparisons -------------------------------------------------------------------------


class PerInhabitantOut(BaseModel):
    value: float | None
    unit: str
    population: int
    rule: str
    completeness: CompletenessOut


def per_inhabitant_out(value: PerInhabitant) -> PerInhabitantOut:
    return PerInhabitantOut(
        value=value.value,
        unit=value.unit_label,
        population=value.population,
        rule=value.rule,
        completeness=completeness_out(value.completeness),
    )


class ComparedOut(BaseModel):
    """A territory's value, per inhabitant where it makes sense, and the commune's gap to it."""

    zone: ZoneOut
    value: MeasureOut
    covered_population: int
    per_inhabitant: PerInhabitantOut | None
    commune_gap_percent: float | None


class PeersOut(BaseModel):
    """The other communes of the stratum, in the commune's EPCI or département, whose values
    the caller reads: their median and interquartile range (none under three communes)."""

    area: str = Field(description="where the peers are: the EPCI, else the département")
    count: int
    median: float | None
    first_quartile: float | None
    third_quartile: float | None


class RankOut(BaseModel):
    """Position among the communes of the same population stratum that the caller reads."""

    position: int | None
    out_of: int
    better_than_percent: float | None
    stratum: str
    stratum_rule: str
    higher_is_better: bool
    peers: PeersOut | None = None


def peers_out(peers: Peers) -> PeersOut:
    return PeersOut(
        area=peers.area,
        count=peers.count,
        median=peers.median,
        first_quartile=peers.first_quartile,
        third_quartile=peers.third_quartile,
    )


def rank_out(rank: Rank, peers: Peers | None = None) -> RankOut:
    return RankOut(
        peers=None if peers is None else peers_out(peers),
        position=rank.position,
        out_of=rank.out_of,
        better_than_percent=rank.better_than_percent,
        stratum=rank.population_class.label,
        stratum_rule=rank.population_class.rule,
        higher_is_better=rank.higher_is_better,
    )


class ComparisonOut(BaseModel):
    """A commune against its EPCI and département, and its rank among similar communes."""

    domain: str = Field(description="the service line compared (air, noise, …)")
    metric: str
    description: str
    period: PeriodOut
    per_inhabitant: bool
    rows: list[ComparedOut]
    rank: RankOut
    note: str
