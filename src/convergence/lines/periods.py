"""The periods the built-in lines' dashboard cards read: the last days up to a local day."""

from __future__ import annotations

from datetime import date, timedelta

from convergence.indicators.schemas import IndicatorQuery
from convergence.reports.overview import days_query

TREND_DAYS = 14  # the sparkline of a card


def last_days(today: date, days: int, *, commune: str) -> IndicatorQuery:
    """The query of the ``days`` local days ending on ``today`` (included)."""
    return days_query(today - timedelta(days=days - 1), today, commune=commune)
