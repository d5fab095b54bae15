"""The days a time-series file covers: asked for, or the latest ones by default, bounded."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from convergence.errors import InvalidInput
from convergence.opendata.config import OpenDataConfig
from convergence.opendata.schemas import Period
from convergence.opendata.specs import Cadence
from convergence.paris_time import local_day, local_midnight
from convergence.timeseries.query_schemas import TimeRange


def resolve_period(
    cadence: Cadence,
    *,
    start: date | None,
    end: date | None,
    config: OpenDataConfig,
    now: datetime,
) -> Period | None:
    """The period of a download: None for snapshots; InvalidInput beyond the longest allowed."""
    if cadence is Cadence.snapshot:
        return None
    daily = cadence is Cadence.daily
    default_days = config.daily_default_days if daily else config.hourly_default_days
    longest = config.daily_max_days if daily else config.hourly_max_days
    last = end or local_day(now)
    first = start or last - timedelta(days=default_days - 1)
    if first > last:
        raise InvalidInput(
            "`from` est après `to` / `from` is after `to`", start=str(first), end=str(last)
        )
    period = Period(start=first, end=last)
    if period.days > longest:
        raise InvalidInput(
            f"période trop longue : {longest} jours au plus / period too long: at most "
            f"{longest} days per file, ask for several periods",
            days=period.days,
        )
    return period


def time_range(period: Period) -> TimeRange:
    """The UTC instants from the first local midnight to the one after the last day."""
    start = local_midnight(period.start)
    end = local_midnight(period.end + timedelta(days=1))
    return TimeRange(start=start, end=end)
