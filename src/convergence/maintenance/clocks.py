"""SLA clocks: time that counts against a contractor, in calendar or business hours.

Décret 2017-26 (art. 6, as amended by décret 2021-546) makes the owner of a public charge
point guarantee a maximum intervention time and a maximum time to restore service; the
contract says whether those delays run in calendar hours or in business hours. Business
hours are the contract's daily window (local time, Europe/Paris), Monday to Friday, outside
French public holidays (the ``holidays`` package, metropolitan France). Periods when the clock
is paused (waiting on the member) or excluded (grid outage, vandalism, force majeure, with
evidence) do not count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

from convergence.maintenance.kinds import HoursBasis
from convergence.paris_time import PARIS

Interval = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Calendar:
    """How a contract counts time: every hour, or a daily window on working days."""

    basis: HoursBasis = HoursBasis.calendar
    day_start: time = time(8, 0)
    day_end: time = time(18, 0)


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """French public holidays of ``year`` (metropolitan France), from the ``holidays`` package."""
    return frozenset(holidays.country_holidays("FR", years=year).keys())


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a French public holiday."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def _windows(start: datetime, end: datetime, calendar: Calendar) -> Iterable[Interval]:
    """The counting windows of ``calendar`` that meet [start, end), in UTC."""
    if calendar.basis is HoursBasis.calendar:
        yield start, end
        return
    day = start.astimezone(PARIS).date()
    last = end.astimezone(PARIS).date()
    while day <= last:
        if is_working_day(day):
            # Built in local time: a day of 23 or 25 hours keeps its local window.
            opens = datetime.combine(day, calendar.day_start, PARIS).astimezone(UTC)
            closes = datetime.combine(day, calendar.day_end, PARIS).astimezone(UTC)
            yield opens, closes
        day += timedelta(days=1)


def counted_seconds(start: datetime, end: datetime, calendar: Calendar) -> float:
    """Seconds of [start, end) that count under ``calendar``."""
    total = 0.0
    for opens, closes in _windows(start, end, calendar):
        low, high = max(opens, start), min(closes, end)
        if high > low:
            total += (high - low).total_seconds()
    return total


def subtract(span: Interval, holes: Sequence[Interval]) -> list[Interval]:
    """``span`` minus the union of ``holes`` (pauses, exclusions), as ordered intervals."""
    start, end = span
    pieces: list[Interval] = []
    cursor = start
    for low, high in sorted(holes):
        if high <= cursor or low >= end:
            continue
        if low > cursor:
            pieces.append((cursor, low))
        cursor = max(cursor, high)
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def elapsed_seconds(
    start: datetime, end: datetime, calendar: Calendar, holes: Sequence[Interval] = ()
) -> float:
    """Seconds that count between ``start`` and ``end``, net of pauses and exclusions."""
    if end <= start:
        return 0.0
    return sum(counted_seconds(a, b, calendar) for a, b in subtract((start, end), holes))


def deadline(
    start: datetime, delay_s: float, calendar: Calendar, holes: Sequence[Interval] = ()
) -> datetime:
    """When ``delay_s`` counted seconds will have run from ``start`` (holes known so far)."""
    remaining = delay_s
    cursor = start
    day = timedelta(days=1)
    while True:
        # Whole days first, then the exact instant inside the last one.
        step_end = cursor + day
        counted = elapsed_seconds(cursor, step_end, calendar, holes)
        if counted < remaining:
            remaining -= counted
            cursor = step_end
            continue
        return _instant_within(cursor, step_end, remaining, calendar, holes)


def _instant_within(
    start: datetime, end: datetime, remaining: float, calendar: Calendar, holes: Sequence[Interval]
) -> datetime:
    for low, high in subtract((start, end), holes):
        for opens, closes in _windows(low, high, calendar):
            a, b = max(opens, low), min(closes, high)
            if b <= a:
                continue
            length = (b - a).total_seconds()
            if length >= remaining:
                return a + timedelta(seconds=remaining)
            remaining -= length
    return end
