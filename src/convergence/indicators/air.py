"""Daily ATMO-type index per station and per commune, and the European Air Quality Index.

Index computed from the commune's own sensors: it follows the method of the arrêté du
10 juillet 2020 but is never the official "indice ATMO", which only the AASQA (Airparif in
Île-de-France) may publish under that name (art. 1–3 of the arrêté).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from convergence.errors import InvalidInput
from convergence.indicators.regulations.air import (
    ARRETE_ATMO_2020,
    ATMO_CITATION,
    ATMO_CLASSES,
    ATMO_LIKE_LABEL_FR,
    ATMO_STATISTIC,
    ATMO_UPPER_BOUNDS,
    DIRECTIVE_2008_50_VALIDITY,
    EAQI_2017_UPPER_BOUNDS,
    EAQI_2024_UPPER_BOUNDS,
    EAQI_BANDS_EN,
    EAQI_COLOURS,
    EEA_EAQI_2017,
    EEA_EAQI_2024,
    DailyStatistic,
    Pollutant,
)
from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.timewindows import (
    HourlySample,
    hours_in_local_day,
    in_window,
    local_day_window,
)
from convergence.paris_time import PARIS

POLLUTANTS = tuple(Pollutant)  # iterating an enum class is slow; the indices do it a lot
# Directive 2008/50/EC annex XI A: a 24-h value needs 75 % of its hourly values (18 of 24).
DAILY_REQUIRED_RATIO = 0.75


class IndexStatus(StrEnum):
    """Whether a daily index rests on every pollutant measured, on some of them, or on none."""

    COMPLETE = "complet"
    PARTIAL = "partiel"
    UNAVAILABLE = "indisponible"


@dataclass(frozen=True, slots=True)
class IndexClass:
    """One class of a six-class index: its code, French label and colour."""

    code: int
    label: str
    colour: str | None


@dataclass(frozen=True, slots=True)
class SubIndex:
    """Sub-index of one pollutant: the daily statistic and its class (None if incomplete)."""

    pollutant: Pollutant
    statistic: DailyStatistic
    concentration: Measure
    index: IndexClass | None


@dataclass(frozen=True, slots=True)
class AtmoLikeIndex:
    """Daily ATMO-type index of a zone (a station or a commune), never the official one."""

    day: date
    zone: str
    index: IndexClass
    status: IndexStatus
    sub_indices: tuple[SubIndex, ...]
    missing: tuple[Pollutant, ...]
    dominant: tuple[Pollutant, ...]
    completeness: Completeness
    measured: tuple[Pollutant, ...] = tuple(Pollutant)
    unit: Unit = Unit.INDEX_CLASS
    rule: str = ARRETE_ATMO_2020.text
    label_fr: str = ATMO_LIKE_LABEL_FR
    official: bool = False

    @property
    def not_measured(self) -> tuple[Pollutant, ...]:
        """Pollutants of annex I no station of the zone is equipped to measure."""
        return tuple(p for p in POLLUTANTS if p not in self.measured)

    @property
    def lacking(self) -> tuple[Pollutant, ...]:
        """Pollutants measured but without a complete daily statistic: the index is partial."""
        return tuple(p for p in self.missing if p in self.measured)


def class_of(value: float, upper_bounds: Sequence[float]) -> int:
    """Class 1..n+1 of a value; a value equal to a bound belongs to the lower class."""
    return next(
        (i for i, bound in enumerate(upper_bounds, start=1) if value <= bound),
        len(upper_bounds) + 1,
    )


def atmo_class(code: int) -> IndexClass:
    """Label and colour of an ATMO class code (0 indisponible, 1–6, 7 événement)."""
    if code not in ATMO_CLASSES:
        raise InvalidInput("unknown ATMO class code", code=code)
    label, colour = ATMO_CLASSES[code]
    return IndexClass(code, label, colour)


def atmo_sub_index(pollutant: Pollutant, concentration: float) -> IndexClass:
    """Class of a daily statistic in µg/m³ (arrêté du 10 juillet 2020, annexe I).

    The unrounded value is classed: the annex gives intervals (lower, upper] on the real
    line and no rounding rule was found (open point of the reference note).
    """
    return atmo_class(class_of(concentration, ATMO_UPPER_BOUNDS[pollutant]))


def daily_statistic(
    pollutant: Pollutant, samples: Sequence[HourlySample], day: date, tz: ZoneInfo = PARIS
) -> Measure:
    """Daily statistic of annex I for one pollutant over one local day, with its completeness.

    SO2, NO2, O3: maximum of the hourly values; PM10, PM2.5: mean of the hourly values.
    Both need 75 % of the hours of the local day (18 of 24, 18 of 23, 19 of 25), the
    directive 2008/50/EC annex XI A rule for 24-h values: a maximum over fewer hours may
    miss the peak as a mean over fewer hours may be biased.
    """
    hours = {s.hour_start: s.value for s in in_window(samples, local_day_window(day, tz))}
    completeness = Completeness(
        present=len(hours),
        expected=hours_in_local_day(day, tz),
        required_ratio=DAILY_REQUIRED_RATIO,
        basis="heures",
    )
    rule = f"{ATMO_CITATION[pollutant].text} ; {DIRECTIVE_2008_50_VALIDITY.text}"
    values = list(hours.values())
    if not values:
        return Measure(None, Unit.MICROGRAM_PER_M3, rule, completeness)
    if ATMO_STATISTIC[pollutant] is DailyStatistic.MAX_OF_HOURLY:
        return Measure(max(values), Unit.MICROGRAM_PER_M3, rule, completeness)
    return Measure(sum(values) / len(values), Unit.MICROGRAM_PER_M3, rule, completeness)


def sub_index_of(pollutant: Pollutant, concentration: Measure) -> SubIndex:
    """Sub-index of a daily statistic; no class when the statistic is not publishable."""
    index = (
        atmo_sub_index(pollutant, concentration.value)
        if concentration.value is not None and concentration.completeness.complete
        else None
    )
    return SubIndex(pollutant, ATMO_STATISTIC[pollutant], concentration, index)


def index_from_sub_indices(
    day: date,
    zone: str,
    subs: Sequence[SubIndex],
    *,
    measured: Collection[Pollutant] = tuple(Pollutant),
) -> AtmoLikeIndex:
    """Overall index: the worst sub-index (arrêté du 10 juillet 2020, art. 3 and annex I).

    Annex I lists five pollutants; a zone whose stations are not equipped for one (most
    sensors measure no SO2) cannot give its sub-index, which says nothing about the air.
    Reading chosen where the texts leave it open (decision of issue #11): completeness is
    counted over the pollutants ``measured`` (the series the zone's stations have), and the
    others are named as not measured beside the index. A measured pollutant without a
    complete statistic (under 75 % of hours) is left out and the index is flagged
    ``partiel``: its sub-index could only raise the worst class, so a partial index is a
    lower bound. With no complete pollutant the index is ``indisponible`` (code 0, as in the
    AASQA feeds).
    """
    measured = set(measured)
    equipped = tuple(p for p in POLLUTANTS if p in measured)
    classed = [s for s in subs if s.index is not None and s.pollutant in equipped]
    classed_pollutants = {s.pollutant for s in classed}
    missing = tuple(p for p in POLLUTANTS if p not in classed_pollutants)
    completeness = Completeness(len(classed), len(equipped), 1.0, "polluants mesurés")
    if not classed:
        unavailable = atmo_class(0)
        return AtmoLikeIndex(
            day,
            zone,
            unavailable,
            IndexStatus.UNAVAILABLE,
            tuple(subs),
            missing,
            (),
            completeness,
            equipped,
        )
    worst = max(s.index.code for s in classed if s.index is not None)
    dominant = tuple(s.pollutant for s in classed if s.index is not None and s.index.code == worst)
    status = IndexStatus.COMPLETE if completeness.complete else IndexStatus.PARTIAL
    return AtmoLikeIndex(
        day, zone, atmo_class(worst), status, tuple(subs), missing, dominant, completeness, equipped
    )


def station_atmo_like_index(
    hourly: Mapping[Pollutant, Sequence[HourlySample]],
    day: date,
    *,
    zone: str,
    measured: Collection[Pollutant] | None = None,
    tz: ZoneInfo = PARIS,
) -> AtmoLikeIndex:
    """Daily ATMO-type index of one station from its hourly means (arrêté du 10 juillet 2020).

    ``measured`` names the pollutants the station is equipped for (its series); by default
    the pollutants ``hourly`` holds, even with no hour that day.
    """
    subs = [
        sub_index_of(pollutant, daily_statistic(pollutant, hourly.get(pollutant, ()), day, tz))
        for pollutant in POLLUTANTS
    ]
    equipped = hourly.keys() if measured is None else measured
    return index_from_sub_indices(day, zone, subs, measured=tuple(equipped))


def _severity(sub: SubIndex) -> tuple[int, float]:
    """Sort key of a sub-index: its class first, then its concentration."""
    code = sub.index.code if sub.index is not None else 0
    return code, sub.concentration.value or 0.0


def commune_atmo_like_index(stations: Sequence[AtmoLikeIndex], *, zone: str) -> AtmoLikeIndex:
    """Index of a commune from its stations: per pollutant, the worst station sub-index.

    The commune measures every pollutant one of its stations measures (art. 3: one index
    per zone).
    The arrêté computes one index per zone with, for SO2, NO2 and O3, the maximum over the
    zone of the daily hourly maxima; taking the worst station per pollutant extends that
    reading to PM (whose zone statistic the note could not read) and equals taking the
    worst station index.
    """
    if not stations:
        raise InvalidInput("a commune index needs at least one station index")
    days = {s.day for s in stations}
    if len(days) != 1:
        raise InvalidInput("station indices of different days cannot be combined")
    best_by_pollutant: dict[Pollutant, SubIndex] = {}
    for station in stations:
        for sub in station.sub_indices:
            if sub.index is None:
                continue
            held = best_by_pollutant.get(sub.pollutant)
            best_by_pollutant[sub.pollutant] = (
                sub if held is None else max(held, sub, key=_severity)
            )
    subs = [best_by_pollutant[p] for p in POLLUTANTS if p in best_by_pollutant]
    measured = {p for station in stations for p in station.measured}
    return index_from_sub_indices(days.pop(), zone, subs, measured=measured)


class EaqiVersion(StrEnum):
    """Band tables of the EEA European Air Quality Index."""

    V2017 = "2017"
    V2024 = "2024"


@dataclass(frozen=True, slots=True)
class EaqiBand:
    """EAQI band of one concentration: level 1 (good) to 6 (extremely poor)."""

    pollutant: Pollutant
    concentration: float
    level: int
    label_en: str
    label_fr: str
    colour: str
    version: EaqiVersion
    unit: Unit
    rule: str


def eaqi_band(pollutant: Pollutant, concentration: float, version: EaqiVersion) -> EaqiBand:
    """EAQI band of a concentration in µg/m³ under the 2017 or the 2024 table (EEA).

    2017: NO2, O3, SO2 hourly values, PM 24-h running means. 2024 (ETC HE 2024/17,
    table 5.2): hourly reference time per the code bases citing it, averaging unverified.
    The caller passes the value of the right averaging. A value equal to an upper bound stays
    in the lower band, as in the ATMO index aligned on the 2017 table; values above the
    end of the scale stay "extremely poor".
    """
    bounds = EAQI_2017_UPPER_BOUNDS if version is EaqiVersion.V2017 else EAQI_2024_UPPER_BOUNDS
    citation = EEA_EAQI_2017 if version is EaqiVersion.V2017 else EEA_EAQI_2024
    level = class_of(concentration, bounds[pollutant])
    return EaqiBand(
        pollutant,
        concentration,
        level,
        EAQI_BANDS_EN[level - 1],
        ATMO_CLASSES[level][0],
        EAQI_COLOURS[level - 1],
        version,
        Unit.MICROGRAM_PER_M3,
        citation.text,
    )


@dataclass(frozen=True, slots=True)
class EaqiIndex:
    """EAQI of a set of concentrations: the worst band, and the band of each pollutant."""

    version: EaqiVersion
    level: int
    label_en: str
    bands: tuple[EaqiBand, ...]
    completeness: Completeness
    rule: str
    unit: Unit = Unit.INDEX_CLASS


def eaqi_index(concentrations: Mapping[Pollutant, float], version: EaqiVersion) -> EaqiIndex:
    """EAQI from the pollutants given: the worst band wins (EEA); completeness over five."""
    if not concentrations:
        raise InvalidInput("the EAQI needs at least one concentration")
    bands = tuple(eaqi_band(p, c, version) for p, c in concentrations.items())
    worst = max(bands, key=lambda b: b.level)
    completeness = Completeness(len(bands), len(Pollutant), 1.0, "polluants")
    return EaqiIndex(version, worst.level, worst.label_en, bands, completeness, worst.rule)
