"""Traffic counts: hourly and daily volumes per direction, TMJA, TMJO, peak hours and %PL.

Input hours are the rollups of a counter, one per UTC hour and direction. An hour without
a row is missing data, never zero: counters must send empty hours as 0, as the national
"comptage des mobilités" schema requires for its time slots.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from convergence.errors import InvalidInput
from convergence.indicators.holidays import french_public_holidays, is_working_day
from convergence.indicators.regulations.traffic import (
    DAILY_COUNT_RULE,
    EVENING_PEAK_HOURS,
    HEAVY_VEHICLES,
    MORNING_PEAK_HOURS,
    PEAK_HOURS,
    TMJ_DEFINITION,
    TMJA_FROM_COMPLETE_MONTHS,
    TMJO_DEFINITION,
)
from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.timewindows import (
    as_utc,
    days_between,
    hours_in_local_day,
    in_window,
    local_day_window,
)
from convergence.paris_time import PARIS

BOTH_DIRECTIONS = "both"
MONTH_REQUIRED_RATIO = 0.75
PERIOD_REQUIRED_RATIO = 0.75


@dataclass(frozen=True, slots=True)
class HourlyCount:
    """Vehicles counted in one direction over one UTC hour; heavy vehicles when classified."""

    hour_start: datetime
    direction: str
    vehicles: int
    heavy_vehicles: int | None = None

    def __post_init__(self) -> None:
        as_utc(self.hour_start, "hour_start")
        heavy = self.heavy_vehicles
        if self.vehicles < 0 or (heavy is not None and not 0 <= heavy <= self.vehicles):
            raise InvalidInput("counts must be non-negative, heavy vehicles within the total")


@dataclass(frozen=True, slots=True)
class HourTraffic:
    """One local hour of a day: volume per direction (None when missing) and both together."""

    hour_start: datetime
    local_hour: int
    by_direction: tuple[tuple[str, int | None], ...]
    both: Measure


@dataclass(frozen=True, slots=True)
class DirectionDay:
    """Daily volume of one direction (or both), heavy vehicles and their share."""

    direction: str
    vehicles: Measure
    heavy_vehicles: Measure | None
    heavy_share: Measure | None


@dataclass(frozen=True, slots=True)
class DayTraffic:
    """Daily traffic of a counting site on one local day."""

    day: date
    directions: tuple[DirectionDay, ...]
    both: DirectionDay

    @property
    def valid(self) -> bool:
        """A day counts in averages only when every hour of every direction is present."""
        return self.both.vehicles.completeness.complete


def heavy_vehicle_share(vehicles: int, heavy_vehicles: int, completeness: Completeness) -> Measure:
    """%PL = PL / TV × 100 (PL: PTAC > 3.5 t as classified by the counter)."""
    share = 100 * heavy_vehicles / vehicles if vehicles else None
    return Measure(share, Unit.PERCENT, HEAVY_VEHICLES.text, completeness)


def _direction_day(direction: str, hours: Sequence[HourlyCount], expected: int) -> DirectionDay:
    present = len({(h.hour_start, h.direction) for h in hours})
    completeness = Completeness(present, expected, 1.0, "heures")
    total = sum(h.vehicles for h in hours)
    vehicles = Measure(total, Unit.VEHICLES_PER_DAY, DAILY_COUNT_RULE.text, completeness)
    if not hours or any(h.heavy_vehicles is None for h in hours):
        return DirectionDay(direction, vehicles, None, None)
    heavy = sum(h.heavy_vehicles or 0 for h in hours)
    heavy_measure = Measure(heavy, Unit.VEHICLES_PER_DAY, HEAVY_VEHICLES.text, completeness)
    return DirectionDay(
        direction, vehicles, heavy_measure, heavy_vehicle_share(total, heavy, completeness)
    )


def day_traffic(
    counts: Sequence[HourlyCount], day: date, *, directions: Sequence[str], tz: ZoneInfo = PARIS
) -> DayTraffic:
    """Volumes of a local day (23, 24 or 25 hours) per expected direction and both together.

    A day is complete only with every hour of every direction: a missing hour makes the
    total too low, so such a day is shown but left out of TMJA and TMJO.
    """
    if not directions:
        raise InvalidInput("a counting site needs at least one direction")
    hours = in_window(counts, local_day_window(day, tz))
    expected = hours_in_local_day(day, tz)
    per_direction = tuple(
        _direction_day(d, [h for h in hours if h.direction == d], expected) for d in directions
    )
    both = _direction_day(
        BOTH_DIRECTIONS, [h for h in hours if h.direction in directions], expected * len(directions)
    )
    return DayTraffic(day, per_direction, both)


def days_traffic(
    counts: Sequence[HourlyCount],
    first_day: date,
    last_day: date,
    *,
    directions: Sequence[str],
    tz: ZoneInfo = PARIS,
) -> list[DayTraffic]:
    """Daily traffic of every local day from first_day to last_day."""
    by_day: dict[date, list[HourlyCount]] = defaultdict(list)
    for count in counts:
        by_day[as_utc(count.hour_start).astimezone(tz).date()].append(count)
    return [
        day_traffic(by_day.get(d, []), d, directions=directions, tz=tz)
        for d in days_between(first_day, last_day)
    ]


def hours_traffic(
    counts: Sequence[HourlyCount], day: date, *, directions: Sequence[str], tz: ZoneInfo = PARIS
) -> tuple[HourTraffic, ...]:
    """Hourly volumes of a local day per direction and both directions together."""
    window = local_day_window(day, tz)
    table = {(c.hour_start, c.direction): c.vehicles for c in in_window(counts, window)}
    rows = []
    for hour in window.hour_starts():
        values = tuple((d, table.get((hour, d))) for d in directions)
        present = [v for _, v in values if v is not None]
        completeness = Completeness(len(present), len(directions), 1.0, "sens")
        both = Measure(
            sum(present) if present else None,
            Unit.VEHICLES_PER_HOUR,
            DAILY_COUNT_RULE.text,
            completeness,
        )
        rows.append(HourTraffic(hour, hour.astimezone(tz).hour, values, both))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class TrafficAverage:
    """A mean daily traffic (TMJA, TMJO, TMJ) with the days and months it rests on."""

    value: Measure
    days_used: int
    months_used: tuple[int, ...] = ()
    months_excluded: tuple[int, ...] = ()
    direction: str = BOTH_DIRECTIONS


def _pick(day: DayTraffic, direction: str) -> DirectionDay:
    if direction == BOTH_DIRECTIONS:
        return day.both
    return next(d for d in day.directions if d.direction == direction)


def _volume(day: DayTraffic, direction: str) -> float:
    return _pick(day, direction).vehicles.value or 0.0


def tmja(
    days: Sequence[DayTraffic],
    year: int,
    *,
    direction: str = BOTH_DIRECTIONS,
    min_month_ratio: float = MONTH_REQUIRED_RATIO,
) -> TrafficAverage:
    """TMJA of a calendar year, both directions by default (SIREDO method on complete months).

    Invalid or missing days are removed; a month is used when at least 75 % of its days
    remain (platform reading of "mois complets", so that a month is not represented by a
    few days of one kind); TMJA = Σ volumes of the valid days of the used months ÷ Σ those
    days. Completeness: days used ÷ days in the year, 75 % required to publish.
    """
    valid = [d for d in days if d.day.year == year and d.valid]
    by_month: dict[int, list[DayTraffic]] = defaultdict(list)
    for d in valid:
        by_month[d.day.month].append(d)
    year_days = days_between(date(year, 1, 1), date(year, 12, 31))
    month_length = {m: sum(1 for d in year_days if d.month == m) for m in range(1, 13)}
    used = tuple(m for m in range(1, 13) if len(by_month[m]) >= min_month_ratio * month_length[m])
    kept = [d for m in used for d in by_month[m]]
    completeness = Completeness(len(kept), len(year_days), PERIOD_REQUIRED_RATIO, "jours")
    value = sum(_volume(d, direction) for d in kept) / len(kept) if kept else None
    measure = Measure(value, Unit.VEHICLES_PER_DAY, TMJA_FROM_COMPLETE_MONTHS.text, completeness)
    excluded = tuple(m for m in range(1, 13) if m not in used)
    return TrafficAverage(measure, len(kept), used, excluded, direction)


def mean_daily_traffic(
    days: Sequence[DayTraffic],
    first_day: date,
    last_day: date,
    *,
    keep: Callable[[date], bool] = lambda _: True,
    direction: str = BOTH_DIRECTIONS,
    rule: str = TMJ_DEFINITION.text,
) -> TrafficAverage:
    """Mean daily traffic over the valid days of a period that ``keep`` selects (TMJ, MJM)."""
    expected = [d for d in days_between(first_day, last_day) if keep(d)]
    wanted = set(expected)
    kept = [d for d in days if d.day in wanted and d.valid]
    completeness = Completeness(len(kept), len(expected), PERIOD_REQUIRED_RATIO, "jours")
    value = sum(_volume(d, direction) for d in kept) / len(kept) if kept else None
    return TrafficAverage(
        Measure(value, Unit.VEHICLES_PER_DAY, rule, completeness), len(kept), direction=direction
    )


def tmjo(
    days: Sequence[DayTraffic],
    first_day: date,
    last_day: date,
    *,
    direction: str = BOTH_DIRECTIONS,
    holidays: frozenset[date] | None = None,
) -> TrafficAverage:
    """TMJO: mean over the jours ouvrés (Monday–Friday, not a public holiday, art. L3133-1).

    Some operators use jours ouvrables (Monday–Saturday); this one does not.
    """
    years = range(first_day.year, last_day.year + 1)
    off = (
        holidays
        if holidays is not None
        else frozenset().union(*(french_public_holidays(y) for y in years))
    )
    return mean_daily_traffic(
        days,
        first_day,
        last_day,
        direction=direction,
        keep=lambda d: is_working_day(d, off),
        rule=TMJO_DEFINITION.text,
    )


@dataclass(frozen=True, slots=True)
class PeakHour:
    """Busiest clock hour of a window (HPM 07–10 or HPS 16–19) for a direction or both."""

    name: str
    direction: str
    hour_start: datetime | None
    local_hour: int | None
    vehicles: Measure
    share_of_day: Measure | None


def _peak(
    hours: Sequence[HourTraffic],
    name: str,
    window: Sequence[int],
    direction: str,
    day_total: float | None,
) -> PeakHour:
    candidates = [(h, _hour_volume(h, direction)) for h in hours if h.local_hour in window]
    present = [(h, v) for h, v in candidates if v is not None]
    completeness = Completeness(len(present), len(window), 1.0, "heures")
    if not present:
        empty = Measure(None, Unit.VEHICLES_PER_HOUR, PEAK_HOURS.text, completeness)
        return PeakHour(name, direction, None, None, empty, None)
    hour, volume = max(present, key=lambda pair: pair[1])
    measure = Measure(volume, Unit.VEHICLES_PER_HOUR, PEAK_HOURS.text, completeness)
    share = (
        Measure(100 * volume / day_total, Unit.PERCENT, PEAK_HOURS.text, completeness)
        if day_total
        else None
    )
    return PeakHour(name, direction, hour.hour_start, hour.local_hour, measure, share)


def _hour_volume(hour: HourTraffic, direction: str) -> float | None:
    if direction == BOTH_DIRECTIONS:
        return hour.both.value if hour.both.completeness.complete else None
    return dict(hour.by_direction).get(direction)


def peak_hours(
    hours: Sequence[HourTraffic], day: DayTraffic, *, direction: str = BOTH_DIRECTIONS
) -> tuple[PeakHour, PeakHour]:
    """Morning (HPM, 07–10 h) and evening (HPS, 16–19 h) peak hours of a day, local time.

    The peak share is Q_peak ÷ the day's volume, given when the day is complete.
    """
    chosen = _pick(day, direction).vehicles
    total = chosen.value if chosen.completeness.complete else None
    return (
        _peak(hours, "HPM", MORNING_PEAK_HOURS, direction, total),
        _peak(hours, "HPS", EVENING_PEAK_HOURS, direction, total),
    )


def share_of_heavy_vehicles(
    days: Sequence[DayTraffic], *, direction: str = BOTH_DIRECTIONS
) -> Measure:
    """%PL over valid classified days: Σ PL ÷ Σ TV × 100."""
    picked = [_pick(d, direction) for d in days if d.valid]
    classified = [p for p in picked if p.heavy_vehicles is not None]
    vehicles = sum(p.vehicles.value or 0 for p in classified)
    heavy = sum((p.heavy_vehicles.value or 0) for p in classified if p.heavy_vehicles)
    completeness = Completeness(len(classified), len(picked), 1.0, "jours")
    return heavy_vehicle_share(int(vehicles), int(heavy), completeness)
