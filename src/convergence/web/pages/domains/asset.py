"""The measures of one piece of equipment: latest value of each series, a week of curves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from convergence.indicators.timewindows import local_day_of, local_wall_time
from convergence.members.scope import MemberScope
from convergence.registry.schemas import AssetOut
from convergence.timeseries.flags import REASON_LABELS
from convergence.timeseries.queries import list_series
from convergence.timeseries.query_schemas import LatestReading, SeriesFilter, TimeRange
from convergence.timeseries.series_queries import latest_by_asset
from convergence.web.pages.domains.series import QuantityView, quantity_label, quantity_view
from convergence.web.pages.domains.specs import domain_pages

ASSET_DAYS = 7


@dataclass(frozen=True, slots=True)
class Latest:
    """A series' last valid value and, when a newer one was set aside, why (in French)."""

    label: str
    series: LatestReading
    set_aside: str | None = None


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


def _latest(conn: Connection, *, scope: MemberScope, asset_id: int) -> list[Latest]:
    """The last valid value of each series of the asset, with the reason of a newer one set
    aside (« valeur écartée (pic isolé) »)."""
    selection = SeriesFilter(asset_id=asset_id)
    found = latest_by_asset(conn, scope=scope, selection=selection)
    return [
        Latest(quantity_label(r.quantity), r, _set_aside_words(r.set_aside_reason))
        for a in found
        for r in a.readings
    ]


def _set_aside_words(reason: str | None) -> str | None:
    if reason is None:
        return None
    known = {str(k): v for k, v in REASON_LABELS.items()}
    return f"valeur écartée ({known.get(reason, reason)})"


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
        latest=_latest(conn, scope=scope, asset_id=asset.id),
        views=[v for v in views if v is not None],
        first_day=first,
        last_day=last,
        domain_page=domain_pages().get(asset.domain),
    )
