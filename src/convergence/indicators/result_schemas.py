"""Pydantic models of the indicator results per domain: stations, zones and their values.

Every value is a ``MeasureOut`` (value, unit, rule, completeness). Zones are communes, EPCI
(or EPT) and départements; how each domain sums its stations up is said on its zone model.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

from convergence.indicators.air import EaqiVersion, IndexStatus
from convergence.indicators.regulations import Verification
from convergence.indicators.regulations.air import (
    Averaging,
    DailyStatistic,
    Pollutant,
    ThresholdKind,
)
from convergence.indicators.regulations.noise import NoiseIndicator, NoiseSource
from convergence.indicators.schemas import (
    CompletenessOut,
    MeasureOut,
    PerInhabitantOut,
    PeriodOut,
    StationOut,
    WaterSite,
    ZoneOut,
)

# --- air ---------------------------------------------------------------------------------


class SubIndexOut(BaseModel):
    pollutant: Pollutant
    statistic: DailyStatistic
    concentration: MeasureOut
    class_code: int | None
    class_label: str | None


class AtmoLikeIndexOut(BaseModel):
    """Daily ATMO-type index of a station or zone, computed from its own sensors (unofficial)."""

    day: date
    code: int
    label: str
    colour: str | None
    status: IndexStatus
    dominant: list[Pollutant]
    missing: list[Pollutant]
    measured: list[Pollutant]
    not_measured: list[Pollutant]
    lacking: list[Pollutant]
    sub_indices: list[SubIndexOut]
    completeness: CompletenessOut
    unit: str
    rule: str
    label_fr: str
    official: bool


class EaqiBandOut(BaseModel):
    pollutant: Pollutant
    concentration: float
    level: int
    label_en: str


class EaqiOut(BaseModel):
    """European Air Quality Index of the day's statistics under one band table."""

    version: EaqiVersion
    level: int
    label_en: str
    unit: str
    rule: str
    completeness: CompletenessOut
    bands: list[EaqiBandOut]


class AirDayOut(BaseModel):
    index: AtmoLikeIndexOut
    eaqi: list[EaqiOut]


class ThresholdOut(BaseModel):
    """A threshold checked over the period: exceedance count (or mean) and verdict."""

    table: str
    pollutant: Pollutant
    averaging: Averaging
    threshold: float
    kind: ThresholdKind
    label: str
    allowed_per_year: int | None
    verification: Verification
    statistic: MeasureOut
    exceeded: bool | None
    asset_id: int | None = None  # in a zone, the station with the highest statistic


class AirStationOut(BaseModel):
    station: StationOut
    days: list[AirDayOut]
    exceedances: list[ThresholdOut]


class AirZoneOut(BaseModel):
    """A zone's daily index: per pollutant, the worst station sub-index (arrêté 2020, art. 3)."""

    zone: ZoneOut
    stations: int
    days: list[AirDayOut]
    exceedances: list[ThresholdOut]


class AirIndicators(BaseModel):
    domain: Literal["air"] = "air"
    period: PeriodOut
    stations: list[AirStationOut]
    communes: list[AirZoneOut]
    epcis: list[AirZoneOut]
    departements: list[AirZoneOut]


# --- noise -------------------------------------------------------------------------------


class BandOut(BaseModel):
    """5 dB band of the strategic noise maps (arrêté du 4 avril 2006, art. 4-IV)."""

    indicator: NoiseIndicator
    lower: float | None
    upper: float | None
    label: str
    rule: str


class NoiseLimitOut(BaseModel):
    """A level against a limit or guideline; ``indicative`` unless the level is annual."""

    table: str
    source: NoiseSource
    indicator: NoiseIndicator
    limit: float
    unit: str
    rule: str
    verification: Verification
    exceeded: bool | None
    indicative: bool


class NoiseLevelsOut(BaseModel):
    first_day: date
    last_day: date
    annual: bool
    ld: MeasureOut
    le: MeasureOut
    ln: MeasureOut
    lden: MeasureOut
    lden_band: BandOut | None
    ln_band: BandOut | None
    limits: list[NoiseLimitOut]


class NoiseStationOut(BaseModel):
    station: StationOut
    source: NoiseSource
    samples_per_hour: int | None
    days: list[NoiseLevelsOut]
    period: NoiseLevelsOut
    years: list[NoiseLevelsOut]


class NoiseZoneOut(BaseModel):
    """Noise is local: a zone lists its loudest station and counts, it never averages."""

    zone: ZoneOut
    stations: int
    loudest_asset_id: int | None
    loudest_lden: MeasureOut | None
    above_french_limit: int
    above_who_guideline: int
    lden_bands: dict[str, int]


class NoiseIndicators(BaseModel):
    domain: Literal["noise"] = "noise"
    period: PeriodOut
    stations: list[NoiseStationOut]
    communes: list[NoiseZoneOut]
    epcis: list[NoiseZoneOut]
    departements: list[NoiseZoneOut]


# --- traffic -----------------------------------------------------------------------------


class DirectionDayOut(BaseModel):
    direction: str
    vehicles: MeasureOut
    heavy_vehicles: MeasureOut | None
    heavy_share: MeasureOut | None


class PeakHourOut(BaseModel):
    name: str
    direction: str
    hour_start: datetime | None
    local_hour: int | None
    vehicles: MeasureOut
    share_of_day: MeasureOut | None


class TrafficDayOut(BaseModel):
    day: date
    valid: bool
    directions: list[DirectionDayOut]
    both: DirectionDayOut
    peak_hours: list[PeakHourOut]


class TrafficAverageOut(BaseModel):
    """TMJA of a calendar year, TMJO or TMJ of the period, for one direction or both."""

    name: Literal["TMJA", "TMJO", "TMJ"]
    direction: str
    year: int | None
    value: MeasureOut
    days_used: int
    months_used: list[int]
    months_excluded: list[int]


class SpeedOut(BaseModel):
    """Spot-speed statistics of one direction (V85 and V50 need one reading per vehicle)."""

    direction: str
    method: str
    vehicles: int
    v85: MeasureOut
    v50: MeasureOut
    mean: MeasureOut
    limit_kmh: float | None
    share_above_limit: MeasureOut | None
    share_above_limit_plus_10: MeasureOut | None


class TrafficSiteOut(BaseModel):
    station: StationOut
    directions: list[str]
    days: list[TrafficDayOut]
    averages: list[TrafficAverageOut]
    heavy_share: MeasureOut
    speeds: list[SpeedOut]


class TrafficZoneOut(BaseModel):
    """Sites of a zone: volumes of different roads are not added, the busiest one is named."""

    zone: ZoneOut
    sites: int
    busiest_asset_id: int | None
    busiest_tmj: MeasureOut | None


class TrafficIndicators(BaseModel):
    domain: Literal["traffic"] = "traffic"
    period: PeriodOut
    stations: list[TrafficSiteOut]
    communes: list[TrafficZoneOut]
    epcis: list[TrafficZoneOut]
    departements: list[TrafficZoneOut]


# --- water -------------------------------------------------------------------------------


class NextThresholdOut(BaseModel):
    level: str
    threshold_m: float
    distance_cm: float
    eta_hours: float
    reached_at: datetime


class WaterSiteOut(BaseModel):
    """Latest height before the end of the period against the site's thresholds."""

    station: StationOut
    thresholds: WaterSite | None
    at: datetime | None
    height: MeasureOut | None
    level: str | None
    level_code: int | None
    meaning: str | None
    rate: MeasureOut | None
    next_threshold: NextThresholdOut | None
    stale: bool | None
    highest: MeasureOut | None
    highest_level: str | None
    rule: str


class WaterZoneOut(BaseModel):
    """The worst level of a zone's sites (a flood is as bad as its worst gauge)."""

    zone: ZoneOut
    sites: int
    worst_level: str | None
    worst_level_code: int | None
    sites_by_level: dict[str, int]


class WaterIndicators(BaseModel):
    domain: Literal["water"] = "water"
    period: PeriodOut
    stations: list[WaterSiteOut]
    communes: list[WaterZoneOut]
    epcis: list[WaterZoneOut]
    departements: list[WaterZoneOut]


# --- lighting ----------------------------------------------------------------------------


class SavingsOut(BaseModel):
    baseline: MeasureOut
    measured: MeasureOut
    saved: MeasureOut
    saved_share: MeasureOut


class LightingDayOut(BaseModel):
    day: date
    energy: MeasureOut
    burning_hours: MeasureOut


class LightingMonthOut(BaseModel):
    year: int
    month: int
    energy: MeasureOut
    savings: SavingsOut | None


class LightingSiteOut(BaseModel):
    station: StationOut
    energy_source: Literal["index", "power", "none"]
    installed_power_w: float | None
    days: list[LightingDayOut]
    months: list[LightingMonthOut]
    energy: MeasureOut
    burning_hours: MeasureOut
    savings: SavingsOut | None


class LightingZoneDayOut(BaseModel):
    day: date
    energy: MeasureOut


class LightingZoneOut(BaseModel):
    """Energy of a zone: the sum of its cabinets, per inhabitant of the communes with data;
    and the sum of each local day (the days add up to the period)."""

    zone: ZoneOut
    sites: int
    energy: MeasureOut
    per_inhabitant: PerInhabitantOut
    days: list[LightingZoneDayOut] = []


class LightingIndicators(BaseModel):
    domain: Literal["lighting"] = "lighting"
    period: PeriodOut
    stations: list[LightingSiteOut]
    communes: list[LightingZoneOut]
    epcis: list[LightingZoneOut]
    departements: list[LightingZoneOut]


# --- charging ----------------------------------------------------------------------------


class ChargingValuesOut(BaseModel):
    """Availability and occupancy (share of the time observed), sessions and energy."""

    availability: MeasureOut
    occupancy: MeasureOut
    sessions: MeasureOut
    failed_sessions: MeasureOut
    energy: MeasureOut


class ChargingPointOut(BaseModel):
    station: StationOut
    connector_id: int
    values: ChargingValuesOut


class ChargingZoneOut(BaseModel):
    """The points of a commune summed: times added, so each point weighs by its observed time."""

    commune_insee: str | None
    points: int
    heard_points: int  # observed some time in the period; the values rest on them
    silent_points: int  # sent nothing the period can use: « sans nouvelles »
    values: ChargingValuesOut


class ChargingIndicators(BaseModel):
    domain: Literal["charging"] = "charging"
    period: PeriodOut
    points: list[ChargingPointOut]
    communes: list[ChargingZoneOut]
