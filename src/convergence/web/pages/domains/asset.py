"""The measures of one piece of equipment: latest value of each series, a week of curves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from convergence.indicators.timewindows import local_day_of, local_wall_time
from convergence.members.scope import MemberScope
from convergence.registry.schemas import AssetOut
from convergence.timeseries.queries import list_series
from convergence.timeseries.query_schemas import SeriesFilter, TimeRange
from convergence.timeseries.schemas import SeriesOut
from convergence.web.pages.domains.series import QuantityView, quantity_label, quantity_view
from convergence.web.pages.domains.specs import domain_pages

ASSET_DAYS = 7


@dataclass(frozen=True, slots=True)
class Latest:
    label: str
    series: SeriesOut


@dataclass(frozen=True, slots=True)
class AssetMeasures:
    """What the equipment page shows of the equipment's series."""

    latest: list[Latest] = field(default_factory=list)
    views: list[QuantityView] = field(default_factory=list)
    first_day: date | None = None
    last_day: date | None = None
    domain_page: str | None = None


def last_days(now: datetime, days: int) -> tuple[date, date, TimeRange]:
    """The ``days`` local days ending today, and their UTC range."""
    last = local_day_of(now)
    first = last - timedelta(days=days - 1)
    end = local_wall_time(last + timedelta(days=1), 0)
    return first, last, TimeRange(start=local_wall_time(first, 0), end=end)


def asset_measures(
    conn: Connection, *, scope: MemberScope, asset: AssetOut, now: datetime
) -> AssetMeasures:
    """Latest values and the last week's curves of every series of ``asset``."""
    found = list_series(conn, scope=scope, asset_id=asset.id)
    if not found:
        return AssetMeasures()
    first, last, time_range = last_days(now, ASSET_DAYS)
    views = [
        quantity_view(
            conn,
            scope=scope,
            selection=SeriesFilter(asset_id=asset.id, quantity=s.quantity),
            time_range=time_range,
            names={asset.id: asset.name},
        )
        for s in found
    ]
    return AssetMeasures(
        latest=[Latest(quantity_label(s.quantity), s) for s in found],
        views=[v for v in views if v is not None],
        first_day=first,
        last_day=last,
        domain_page=domain_pages().get(asset.domain),
    )
