"""Exceedances of EU limit values, WHO 2021 guidelines and French procedure thresholds.

An exceedance is a value strictly above its threshold ("dépassement"). Validity follows
directive 2008/50/EC annex XI A: a daily mean needs 75 % of its hours, an 8-h mean 75 % of
its hours (6 of 8), a daily maximum 8-h mean 75 % of the day's running means, a year 90 %
of its hours. Counts over incomplete data are lower bounds: an allowance already exceeded
is conclusive, a count under it is not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from zoneinfo import ZoneInfo

from convergence.indicators.regulations.air import (
    DIRECTIVE_2008_50_VALIDITY,
    AirThreshold,
    Averaging,
    Pollutant,
)
from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.timewindows import (
    HOUR,
    HourlySample,
    TimeWindow,
    group_by_local_day,
    hours_in_local_day,
    in_window,
    local_days_in,
)
from convergence.paris_time import PARIS

PERIOD_REQUIRED_RATIO = 0.90
DAILY_REQUIRED_RATIO = 0.75
EIGHT_HOUR_MIN_VALUES = 6
CONSECUTIVE_HOURS = 3
PEAK_SEASON_MONTHS = 6


@dataclass(frozen=True, slots=True)
class ThresholdAssessment:
    """A threshold checked over a period: exceedance count (or period mean) and verdict.

    ``exceeded`` is None when the data are too incomplete to conclude either way.
    """

    threshold: AirThreshold
    statistic: Measure
    exceeded: bool | None


def daily_means(samples: Sequence[HourlySample], tz: ZoneInfo = PARIS) -> dict[date, Measure]:
    """Mean of the hourly values of each local day, valid with 75 % of the day's hours."""
    return {
        day: Measure(
            sum(s.value for s in hours) / len(hours),
            Unit.MICROGRAM_PER_M3,
            DIRECTIVE_2008_50_VALIDITY.text,
            Completeness(len(hours), hours_in_local_day(day, tz), DAILY_REQUIRED_RATIO, "heures"),
        )
        for day, hours in group_by_local_day(samples, tz).items()
    }


def running_8h_means(samples: Sequence[HourlySample]) -> list[HourlySample]:
    """Running 8-h means stamped with their last hour, valid with 6 of 8 hourly values.

    Hours are counted from the first one as integers (no date arithmetic per value); each
    window sums its values from its last hour backwards.
    """
    if not samples:
        return []
    first = min(s.hour_start for s in samples)
    by_hour = {round((s.hour_start - first) / HOUR): s.value for s in samples}
    values: list[float | None] = [None] * (max(by_hour) + 8)
    for offset, value in by_hour.items():
        values[offset] = value
    means = []
    for end in range(len(values)):
        window = [v for v in reversed(values[max(0, end - 7) : end + 1]) if v is not None]
        if len(window) >= EIGHT_HOUR_MIN_VALUES:
            means.append(HourlySample(first + end * HOUR, sum(window) / len(window)))
    return means


def daily_max_8h_means(
    samples: Sequence[HourlySample], tz: ZoneInfo = PARIS
) -> dict[date, Measure]:
    """Daily maximum 8-h mean; a running mean belongs to the day in which it ends."""
    return {
        day: Measure(
            max(m.value for m in means),
            Unit.MICROGRAM_PER_M3,
            DIRECTIVE_2008_50_VALIDITY.text,
            Completeness(len(means), hours_in_local_day(day, tz), DAILY_REQUIRED_RATIO, "moyennes"),
        )
        for day, means in group_by_local_day(running_8h_means(samples), tz).items()
    }


def hourly_exceedances(samples: Sequence[HourlySample], value: float) -> int:
    """Number of hourly values strictly above a threshold."""
    return sum(1 for s in samples if s.value > value)


def consecutive_episodes(
    samples: Sequence[HourlySample], value: float, run: int = CONSECUTIVE_HOURS
) -> int:
    """Episodes of at least ``run`` consecutive hours above a threshold, each counted once."""
    episodes, length, previous = 0, 0, None
    for sample in sorted(samples, key=lambda s: s.hour_start):
        contiguous = previous is not None and sample.hour_start - previous == HOUR
        length = (length + 1 if contiguous else 1) if sample.value > value else 0
        previous = sample.hour_start
        if length == run:
            episodes += 1
    return episodes


def _count_days(days: dict[date, Measure], value: float) -> int:
    return sum(1 for m in days.values() if m.completeness.complete and (m.value or 0) > value)


def _valid_days(days: dict[date, Measure], window: TimeWindow, tz: ZoneInfo) -> Completeness:
    valid = sum(1 for m in days.values() if m.completeness.complete)
    return Completeness(valid, len(local_days_in(window, tz)), PERIOD_REQUIRED_RATIO, "jours")


def _hours(samples: Sequence[HourlySample], window: TimeWindow) -> Completeness:
    present = len({s.hour_start for s in samples})
    return Completeness(present, round(window.hours), PERIOD_REQUIRED_RATIO, "heures")


_Stat = tuple[float | None, Completeness]


class PeriodSeries:
    """The hourly values of a period, with the daily statistics computed once.

    Several thresholds of the three tables rest on the same daily means or daily maximum 8-h
    means: each is derived once per pollutant and station, not once per threshold.
    """

    def __init__(
        self, hourly: Sequence[HourlySample], window: TimeWindow, tz: ZoneInfo = PARIS
    ) -> None:
        self.samples = in_window(hourly, window)
        self.window = window
        self.tz = tz

    @cached_property
    def hours(self) -> Completeness:
        return _hours(self.samples, self.window)

    @cached_property
    def daily_means(self) -> dict[date, Measure]:
        return daily_means(self.samples, self.tz)

    @cached_property
    def daily_max_8h_means(self) -> dict[date, Measure]:
        return daily_max_8h_means(self.samples, self.tz)


def _hour_count(t: AirThreshold, s: PeriodSeries) -> _Stat:
    return hourly_exceedances(s.samples, t.value), s.hours


def _episodes(t: AirThreshold, s: PeriodSeries) -> _Stat:
    return consecutive_episodes(s.samples, t.value), s.hours


def _day_count(t: AirThreshold, s: PeriodSeries) -> _Stat:
    return _count_days(s.daily_means, t.value), _valid_days(s.daily_means, s.window, s.tz)


def _dm8_count(t: AirThreshold, s: PeriodSeries) -> _Stat:
    wanted = set(local_days_in(s.window, s.tz))
    days = {d: m for d, m in s.daily_max_8h_means.items() if d in wanted}
    return _count_days(days, t.value), _valid_days(days, s.window, s.tz)


def _mean(t: AirThreshold, s: PeriodSeries) -> _Stat:
    mean = sum(x.value for x in s.samples) / len(s.samples) if s.samples else None
    return mean, s.hours


def _peak(t: AirThreshold, s: PeriodSeries) -> _Stat:
    return _peak_season_mean(s.daily_max_8h_means, s.window, s.tz)


def o3_peak_season_mean(
    samples: Sequence[HourlySample], window: TimeWindow, tz: ZoneInfo = PARIS
) -> tuple[float | None, Completeness]:
    """WHO 2021 O3 peak season: highest mean of the daily max 8-h means over six months.

    Six consecutive calendar months of the window are tried; the value is the highest
    six-month mean of the valid daily maxima, its completeness the valid days of those months.
    """
    return _peak_season_mean(daily_max_8h_means(samples, tz), window, tz)


def _peak_season_mean(
    daily_max_8h: dict[date, Measure], window: TimeWindow, tz: ZoneInfo
) -> tuple[float | None, Completeness]:
    months: dict[tuple[int, int], list[float]] = defaultdict(list)
    for day, measure in daily_max_8h.items():
        if measure.completeness.complete and measure.value is not None:
            months[(day.year, day.month)].append(measure.value)
    days_in_month: dict[tuple[int, int], int] = defaultdict(int)
    for day in local_days_in(window, tz):
        days_in_month[(day.year, day.month)] += 1
    keys = sorted(days_in_month)
    best: _Stat = (None, Completeness(0, 0, PERIOD_REQUIRED_RATIO, "jours"))
    for i in range(len(keys) - PEAK_SEASON_MONTHS + 1):
        run = keys[i : i + PEAK_SEASON_MONTHS]
        values = [v for k in run for v in months.get(k, [])]
        if values and (best[0] is None or sum(values) / len(values) > best[0]):
            expected = sum(days_in_month[k] for k in run)
            done = Completeness(len(values), expected, PERIOD_REQUIRED_RATIO, "jours")
            best = (sum(values) / len(values), done)
    return best


_ASSESSORS: dict[Averaging, Callable[[AirThreshold, PeriodSeries], _Stat]] = {
    Averaging.HOUR: _hour_count,
    Averaging.THREE_CONSECUTIVE_HOURS: _episodes,
    Averaging.DAY: _day_count,
    Averaging.DAILY_MAX_8H: _dm8_count,
    Averaging.YEAR: _mean,
    Averaging.O3_PEAK_SEASON: _peak,
}
_PERIOD_STATISTICS = {Averaging.YEAR, Averaging.O3_PEAK_SEASON}


def _verdict(threshold: AirThreshold, value: float | None, complete: bool) -> bool | None:
    """Exceeded, not exceeded, or undetermined (None) for a count or a period mean."""
    if value is None:
        return None
    if threshold.averaging in _PERIOD_STATISTICS:
        return value > threshold.value if complete else None
    allowed = threshold.allowed_per_year or 0
    if value > allowed:
        return True
    return False if complete else None


def assess_threshold(
    threshold: AirThreshold,
    hourly: Sequence[HourlySample],
    *,
    window: TimeWindow,
    tz: ZoneInfo = PARIS,
) -> ThresholdAssessment:
    """Check one threshold against the hourly values of a period (usually a calendar year).

    Counts (hours, episodes of 3 consecutive hours, days) are in the unit ``nombre`` with
    the allowance of the threshold per calendar year; means (year, O3 peak season) are in
    µg/m³. The citation of the threshold is the rule of the result.
    """
    return assess_series(threshold, PeriodSeries(hourly, window, tz))


def assess_series(threshold: AirThreshold, series: PeriodSeries) -> ThresholdAssessment:
    """Check one threshold against the values of a period already gathered."""
    value, completeness = _ASSESSORS[threshold.averaging](threshold, series)
    is_mean = threshold.averaging in _PERIOD_STATISTICS
    unit = Unit.MICROGRAM_PER_M3 if is_mean else Unit.COUNT
    measure = Measure(value, unit, threshold.citation.text, completeness)
    return ThresholdAssessment(
        threshold, measure, _verdict(threshold, value, completeness.complete)
    )


def assess_thresholds(
    pollutant: Pollutant,
    hourly: Sequence[HourlySample],
    thresholds: Sequence[AirThreshold],
    *,
    window: TimeWindow,
    tz: ZoneInfo = PARIS,
) -> tuple[ThresholdAssessment, ...]:
    """Check every threshold of a table (EU_2008_50, WHO_2021, ...) that concerns a pollutant."""
    series = PeriodSeries(hourly, window, tz)
    return tuple(assess_series(t, series) for t in thresholds if t.pollutant is pollutant)
