"""Ld, Le, Ln and Lden from LAeq values, exposure bands and limit checks.

Decibels are averaged energetically, weighted by duration (Directive 2002/49/EC annex I):
L = 10·log10(Σ tᵢ·10^(Lᵢ/10) / Σ tᵢ). Never an arithmetic mean of dB values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from convergence.errors import InvalidInput
from convergence.indicators.regulations.noise import (
    ARRETE_4_AVRIL_2006_BANDS,
    DIRECTIVE_2002_49_ANNEX_I,
    EXPOSURE_BAND_LOWER_BOUNDS,
    NOISE_COVERAGE_RULE,
    PERIOD_PENALTY_DB,
    PERIOD_WEIGHT_HOURS,
    NoiseIndicator,
    NoiseLimit,
)
from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.timewindows import (
    HOUR,
    NoisePeriod,
    as_utc,
    days_between,
    noise_period_of,
    noise_period_window,
)
from convergence.paris_time import PARIS

NOISE_REQUIRED_RATIO = 0.75
_LEVEL_RULE = f"{DIRECTIVE_2002_49_ANNEX_I.text} ; {NOISE_COVERAGE_RULE.text}"


@dataclass(frozen=True, slots=True)
class LaeqSample:
    """One LAeq value in dB(A) over [start, start + duration); it may not straddle periods."""

    start: datetime
    duration: timedelta
    level: float

    def __post_init__(self) -> None:
        as_utc(self.start, "start")
        if self.duration <= timedelta(0):
            raise InvalidInput("an LAeq sample needs a positive duration")


@dataclass(frozen=True, slots=True)
class HourlyEnergy:
    """What the hourly rollup of a dB quantity stores: Σ10^(L/10) over n equal-length samples."""

    hour_start: datetime
    energy_sum: float
    count: int

    def __post_init__(self) -> None:
        as_utc(self.hour_start, "hour_start")
        if self.count < 0 or self.energy_sum < 0 or (self.count == 0 and self.energy_sum > 0):
            raise InvalidInput("an hourly energy sum needs a non-negative sum and count")


def energy_of(level: float) -> float:
    """Relative energy 10^(L/10) of a level in dB."""
    return float(10 ** (level / 10))


def level_of(energy: float) -> float:
    """Level in dB of a mean relative energy."""
    return 10 * math.log10(energy)


def energetic_mean(levels: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """Energetic mean of levels, weighted by durations when given: 10·log10(Σwᵢ10^(Lᵢ/10)/Σwᵢ)."""
    if not levels:
        raise InvalidInput("an energetic mean needs at least one level")
    weights = weights if weights is not None else [1.0] * len(levels)
    if len(weights) != len(levels) or sum(weights) <= 0 or min(weights) < 0:
        raise InvalidInput("weights must be non-negative, one per level, and not all zero")
    peak = max(levels)  # factor out the loudest level so 10^(L/10) cannot overflow
    total = sum(w * 10 ** ((lv - peak) / 10) for lv, w in zip(levels, weights, strict=True))
    return peak + 10 * math.log10(total / sum(weights))


def lden_from_levels(ld: float, le: float, ln: float) -> float:
    """Lden = 10·log10((12·10^(Ld/10) + 4·10^((Le+5)/10) + 8·10^((Ln+10)/10)) / 24)."""
    periods = {NoisePeriod.DAY: ld, NoisePeriod.EVENING: le, NoisePeriod.NIGHT: ln}
    levels = [lv + PERIOD_PENALTY_DB[p] for p, lv in periods.items()]
    weights = [float(PERIOD_WEIGHT_HOURS[p]) for p in periods]
    return energetic_mean(levels, weights)


@dataclass(slots=True)
class _PeriodSum:
    """Running sums of one period: energy, its weight and the hours covered."""

    energy: float = 0.0
    weight: float = 0.0
    covered_hours: float = 0.0


@dataclass(frozen=True, slots=True)
class _Contribution:
    instant: datetime
    energy: float  # Σ weight·10^(L/10)
    weight: float
    covered_hours: float


@dataclass(frozen=True, slots=True)
class NoiseLevels:
    """Ld, Le, Ln and Lden over a span of local days (one day, or a calendar year)."""

    first_day: date
    last_day: date
    ld: Measure
    le: Measure
    ln: Measure
    lden: Measure

    @property
    def is_annual(self) -> bool:
        """True when the levels cover at least a whole year, as limit values require."""
        return (self.last_day - self.first_day).days >= 364


def _from_samples(samples: Iterable[LaeqSample], tz: ZoneInfo) -> Iterable[_Contribution]:
    for sample in samples:
        end = sample.start + sample.duration - timedelta(microseconds=1)
        if noise_period_of(sample.start, tz) != noise_period_of(end, tz):
            raise InvalidInput("an LAeq sample straddles two noise periods; split it")
        seconds = sample.duration.total_seconds()
        yield _Contribution(
            sample.start, seconds * energy_of(sample.level), seconds, sample.duration / HOUR
        )


def _from_energy(hours: Iterable[HourlyEnergy], per_hour: int | None) -> Iterable[_Contribution]:
    for hour in hours:
        if hour.count == 0:
            continue
        covered = min(hour.count / per_hour, 1.0) if per_hour else 1.0
        yield _Contribution(hour.hour_start, hour.energy_sum, hour.count, covered)


def _period_measure(total: _PeriodSum, expected_hours: float, required: float) -> Measure:
    value = level_of(total.energy / total.weight) if total.weight > 0 else None
    completeness = Completeness(total.covered_hours, expected_hours, required, "heures")
    return Measure(value, Unit.DECIBEL_A, _LEVEL_RULE, completeness)


def _lden_measure(periods: dict[NoisePeriod, Measure]) -> Measure:
    """Lden of the period levels; its completeness is that of the least covered period."""
    least = min(periods.values(), key=lambda m: m.completeness.ratio).completeness
    values = [periods[p].value for p in NoisePeriod]
    if any(v is None for v in values):
        return Measure(None, Unit.DECIBEL_A, _LEVEL_RULE, least)
    ld, le, ln = (float(v) for v in values if v is not None)
    return Measure(lden_from_levels(ld, le, ln), Unit.DECIBEL_A, _LEVEL_RULE, least)


def _levels(
    contributions: Iterable[_Contribution], days: list[date], tz: ZoneInfo, required: float
) -> NoiseLevels:
    wanted = set(days)
    sums = {p: _PeriodSum() for p in NoisePeriod}
    for c in contributions:
        day, period = noise_period_of(c.instant, tz)
        if day in wanted:
            total = sums[period]
            total.energy += c.energy
            total.weight += c.weight
            total.covered_hours += c.covered_hours
    expected = {p: sum(noise_period_window(d, p, tz).hours for d in days) for p in NoisePeriod}
    periods = {p: _period_measure(sums[p], expected[p], required) for p in NoisePeriod}
    ld, le, ln = (periods[p] for p in NoisePeriod)
    return NoiseLevels(days[0], days[-1], ld, le, ln, _lden_measure(periods))


def _span(first: date, last: date) -> list[date]:
    if last < first:
        raise InvalidInput("the last day comes before the first day")
    return days_between(first, last)


def noise_levels(
    samples: Sequence[LaeqSample],
    first_day: date,
    last_day: date | None = None,
    *,
    tz: ZoneInfo = PARIS,
    required_ratio: float = NOISE_REQUIRED_RATIO,
) -> NoiseLevels:
    """Ld (06–18), Le (18–22), Ln (22–06) and Lden over local days, from LAeq samples.

    Directive 2002/49/EC annex I, French periods. Each period level is the duration-weighted
    energetic mean of the samples that start in it; the night belongs to the day it starts
    (22:00 that day to 06:00 the next), so a DST night lasts 7 or 9 h and is weighted as it
    lasted, while Lden keeps the fixed 12/4/8 weights of the annex. Over several days (a
    year) energy is summed over all valid samples, which weights gaps correctly. A period
    is complete with 75 % of its hours covered (platform rule: no normative rule found).
    """
    days = _span(first_day, last_day or first_day)
    return _levels(_from_samples(samples, tz), days, tz, required_ratio)


def noise_levels_from_energy(
    hours: Sequence[HourlyEnergy],
    first_day: date,
    last_day: date | None = None,
    *,
    samples_per_hour: int | None = None,
    tz: ZoneInfo = PARIS,
    required_ratio: float = NOISE_REQUIRED_RATIO,
) -> NoiseLevels:
    """Same indicators from hourly rollups (Σ10^(L/10), n): the energy is never re-averaged.

    A period level is 10·log10(ΣE / Σn) over its hours, exact when a sensor's samples have
    equal durations. With ``samples_per_hour`` (e.g. 60 for 1-min LAeq) an hour counts as
    covered in proportion n / samples_per_hour; without it, any hour with data is covered.
    """
    days = _span(first_day, last_day or first_day)
    return _levels(_from_energy(hours, samples_per_hour), days, tz, required_ratio)


def annual_noise_levels_from_energy(
    hours: Sequence[HourlyEnergy],
    year: int,
    *,
    samples_per_hour: int | None = None,
    tz: ZoneInfo = PARIS,
) -> NoiseLevels:
    """Annual Ld, Le, Ln, Lden of a calendar year (nights starting 1 Jan to 31 Dec)."""
    return noise_levels_from_energy(
        hours, date(year, 1, 1), date(year, 12, 31), samples_per_hour=samples_per_hour, tz=tz
    )


@dataclass(frozen=True, slots=True)
class ExposureBand:
    """A 5 dB band of strategic noise maps: [lower; upper[, open ends as None."""

    indicator: NoiseIndicator
    lower: float | None
    upper: float | None
    label: str
    unit: Unit = Unit.DECIBEL_A
    rule: str = ARRETE_4_AVRIL_2006_BANDS.text


def exposure_band(indicator: NoiseIndicator, level: float) -> ExposureBand:
    """Band of a Lden or Ln level (arrêté du 4 avril 2006, art. 4-IV: [55;60[ … ≥ 75)."""
    if indicator not in EXPOSURE_BAND_LOWER_BOUNDS:
        raise InvalidInput("exposure bands exist for Lden and Ln only", indicator=indicator)
    lowers = EXPOSURE_BAND_LOWER_BOUNDS[indicator]
    if level < lowers[0]:
        return ExposureBand(indicator, None, lowers[0], f"< {lowers[0]:g}")
    lower = max(b for b in lowers if b <= level)
    if lower == lowers[-1]:
        return ExposureBand(indicator, lower, None, f"≥ {lower:g}")
    upper = lower + 5
    return ExposureBand(indicator, lower, upper, f"[{lower:g};{upper:g}[")


@dataclass(frozen=True, slots=True)
class NoiseLimitCheck:
    """A level against a limit: exceeded (strictly above) or None when the level is unusable.

    ``indicative`` is True when the level is not annual: limits apply to yearly levels.
    """

    limit: NoiseLimit
    level: Measure
    exceeded: bool | None
    indicative: bool


def check_noise_limits(
    levels: NoiseLevels, limits: Sequence[NoiseLimit]
) -> tuple[NoiseLimitCheck, ...]:
    """Check Lden / Ln (or Ld, Le) against a table such as FR_LIMITS or WHO_2018."""
    by_indicator = {
        NoiseIndicator.LD: levels.ld,
        NoiseIndicator.LE: levels.le,
        NoiseIndicator.LN: levels.ln,
        NoiseIndicator.LDEN: levels.lden,
    }
    checks = []
    for limit in limits:
        level = by_indicator[limit.indicator]
        exceeded = (
            level.value > limit.value if level.publishable and level.value is not None else None
        )
        checks.append(NoiseLimitCheck(limit, level, exceeded, not levels.is_annual))
    return tuple(checks)
