"""Local days and noise periods in Europe/Paris, expressed as UTC windows over hourly samples.

Hourly rollups are UTC hours; what people read is local. Paris offsets are whole hours, so
every local day and every noise period is a whole number of UTC hours: 23, 24 or 25 for a
day, and the night 22–06 lasts 7 h at the spring change and 9 h at the autumn change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from operator import attrgetter
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from convergence.errors import InvalidInput
from convergence.paris_time import PARIS

HOUR = timedelta(hours=1)
_HOUR_START = attrgetter("hour_start")


class NoisePeriod(StrEnum):
    """Periods of Directive 2002/49/EC annex I as France sets them (06–18, 18–22, 22–06)."""

    DAY = "day"
    EVENING = "evening"
    NIGHT = "night"


# Local start and end hour; an end past 24 lies on the next calendar day.
NOISE_PERIOD_HOURS: dict[NoisePeriod, tuple[int, int]] = {
    NoisePeriod.DAY: (6, 18),
    NoisePeriod.EVENING: (18, 22),
    NoisePeriod.NIGHT: (22, 30),
}


class HasHourStart(Protocol):
    """Anything stamped with the UTC start of its hour."""

    @property
    def hour_start(self) -> datetime: ...


S = TypeVar("S", bound=HasHourStart)


def as_utc(instant: datetime, name: str = "instant") -> datetime:
    """Return an aware datetime in UTC; a naive one is refused."""
    if instant.tzinfo is UTC:  # the usual case, called for every hourly value
        return instant
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInput(f"{name} must be timezone-aware", value=instant.isoformat())
    return instant.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A half-open interval [start_utc, end_utc) of UTC time."""

    start_utc: datetime
    end_utc: datetime

    def __post_init__(self) -> None:
        if as_utc(self.end_utc, "end_utc") < as_utc(self.start_utc, "start_utc"):
            raise InvalidInput("a window cannot end before it starts")

    @property
    def duration(self) -> timedelta:
        """Length of the window."""
        return self.end_utc - self.start_utc

    @property
    def hours(self) -> float:
        """Length of the window in hours."""
        return self.duration / HOUR

    def contains(self, instant: datetime) -> bool:
        """True when the instant lies in [start, end)."""
        return self.start_utc <= as_utc(instant) < self.end_utc

    def hour_starts(self) -> list[datetime]:
        """UTC starts of the whole hours of the window."""
        count = int(self.duration // HOUR)
        return [self.start_utc + i * HOUR for i in range(count)]


@dataclass(frozen=True, slots=True)
class HourlySample:
    """One hourly value (e.g. the mean of an hourly rollup) stamped with its UTC hour start."""

    hour_start: datetime
    value: float

    def __post_init__(self) -> None:
        as_utc(self.hour_start, "hour_start")


def local_wall_time(day: date, hour: int, tz: ZoneInfo = PARIS) -> datetime:
    """UTC instant of a local wall-clock hour of a day; hours past 24 run into the next day."""
    wall = datetime.combine(day + timedelta(days=hour // 24), time(hour % 24), tzinfo=tz)
    return wall.astimezone(UTC)


@lru_cache(maxsize=4096)
def local_day_window(day: date, tz: ZoneInfo = PARIS) -> TimeWindow:
    """UTC window of a local calendar day, from local midnight to the next local midnight.

    Remembered (a window is immutable): the indicators ask for the same days for every station.
    """
    return TimeWindow(local_wall_time(day, 0, tz), local_wall_time(day, 24, tz))


def hours_in_local_day(day: date, tz: ZoneInfo = PARIS) -> int:
    """Number of hours of a local day: 24, or 23 and 25 on daylight-saving change days."""
    return round(local_day_window(day, tz).hours)


def local_day_of(instant: datetime, tz: ZoneInfo = PARIS) -> date:
    """Local calendar day an instant falls in."""
    return _local_day_of_utc(as_utc(instant), tz)


@lru_cache(maxsize=65536)
def _local_day_of_utc(instant: datetime, tz: ZoneInfo) -> date:
    # Every station has a value at the same hours: each hour is converted once.
    return instant.astimezone(tz).date()


def group_by_local_day(samples: Iterable[S], tz: ZoneInfo = PARIS) -> dict[date, list[S]]:
    """Group hourly samples by the local day of their hour start, days in ascending order."""
    groups: dict[date, list[S]] = defaultdict(list)
    for sample in samples:
        groups[local_day_of(sample.hour_start, tz)].append(sample)
    return {day: sorted(groups[day], key=_HOUR_START) for day in sorted(groups)}


def in_window(samples: Iterable[S], window: TimeWindow) -> list[S]:
    """Samples whose hour start lies in the window, in time order."""
    start, end = window.start_utc, window.end_utc
    return sorted((s for s in samples if start <= as_utc(s.hour_start) < end), key=_HOUR_START)


def noise_period_window(day: date, period: NoisePeriod, tz: ZoneInfo = PARIS) -> TimeWindow:
    """UTC window of a noise period of a local day; the night runs into the next morning."""
    start_hour, end_hour = NOISE_PERIOD_HOURS[period]
    return TimeWindow(local_wall_time(day, start_hour, tz), local_wall_time(day, end_hour, tz))


def noise_period_of(instant: datetime, tz: ZoneInfo = PARIS) -> tuple[date, NoisePeriod]:
    """Local day and noise period of an instant; 00–06 belongs to the night of the day before."""
    local = as_utc(instant).astimezone(tz)
    if local.hour < 6:
        return local.date() - timedelta(days=1), NoisePeriod.NIGHT
    if local.hour < 18:
        return local.date(), NoisePeriod.DAY
    if local.hour < 22:
        return local.date(), NoisePeriod.EVENING
    return local.date(), NoisePeriod.NIGHT


def days_between(first: date, last: date) -> list[date]:
    """Every calendar day from first to last, both included."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def local_days_window(first: date, last: date, tz: ZoneInfo = PARIS) -> TimeWindow:
    """UTC window from the start of the local day ``first`` to the end of the local day ``last``."""
    return TimeWindow(local_wall_time(first, 0, tz), local_wall_time(last, 24, tz))


def local_year_window(year: int, tz: ZoneInfo = PARIS) -> TimeWindow:
    """UTC window of a local calendar year."""
    return local_days_window(date(year, 1, 1), date(year, 12, 31), tz)


def local_days_in(window: TimeWindow, tz: ZoneInfo = PARIS) -> list[date]:
    """Local days that start inside a window (a window of whole local days gives them all)."""
    last = local_day_of(window.end_utc - timedelta(microseconds=1), tz)
    days = days_between(local_day_of(window.start_utc, tz), last)
    return [d for d in days if window.contains(local_wall_time(d, 0, tz))]
