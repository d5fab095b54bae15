"""Paris time: the one time zone people read, and the local days cut from it.

Instants are stored in UTC; people read Europe/Paris, where a day lasts 23 hours on the last
Sunday of March and 25 hours on the last Sunday of October. Every module that turns an
instant into a local day, or a local day into instants, goes through here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def local_day(instant: datetime) -> date:
    """The Paris calendar day an aware instant falls in."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"instant must be timezone-aware: {instant.isoformat()}")
    return instant.astimezone(PARIS).date()


def local_instant(day: date, at: time = time(0)) -> datetime:
    """The UTC instant of a Paris wall-clock time on a day (a time skipped in spring reads as
    the hour before the change)."""
    return datetime.combine(day, at, PARIS).astimezone(UTC)


def local_midnight(day: date) -> datetime:
    """The UTC instant a Paris calendar day starts."""
    return local_instant(day)


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a Paris calendar day starts and ends (23, 24 or 25 hours apart)."""
    return local_midnight(day), local_midnight(day + timedelta(days=1))


def hours_in_day(day: date) -> int:
    """24, or 23 and 25 on the days the clocks change."""
    start, end = local_day_bounds(day)
    return round((end - start) / timedelta(hours=1))
