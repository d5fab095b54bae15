"""Data availability of a month: the share of its days on which each piece of equipment in
service sent at least one reading (from the daily rollups, so archived raw rows still count).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, select

from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets
from convergence.reports.health import IN_SERVICE
from convergence.timeseries.tables import readings_daily, series

LOW_SHARE = 80.0  # below this share of days, a piece of equipment is listed


@dataclass(frozen=True, slots=True)
class AssetAvailability:
    asset_id: int
    name: str
    domain: str
    days_with_data: int
    share: float  # percent of the month's days


@dataclass(frozen=True, slots=True)
class DomainAvailability:
    domain: str
    assets: int
    mean_share: float


@dataclass(frozen=True, slots=True)
class Availability:
    """Per domain, the equipment in service and their mean share of days with data."""

    days: int
    domains: list[DomainAvailability]
    low: list[AssetAvailability]


def asset_days(
    conn: Connection, *, scope: MemberScope, communes: Collection[str], first: date, last: date
) -> list[AssetAvailability]:
    """Days with data of each piece of equipment in service of the communes."""
    days = (last - first).days + 1
    per_asset = (
        select(series.c.asset_id, func.count(func.distinct(readings_daily.c.day)).label("days"))
        .select_from(readings_daily.join(series, series.c.id == readings_daily.c.series_id))
        .where(readings_daily.c.day >= first, readings_daily.c.day <= last)
        .group_by(series.c.asset_id)
        .subquery()
    )
    rows = conn.execute(
        select(assets.c.id, assets.c.name, assets.c.domain, per_asset.c.days)
        .select_from(assets.outerjoin(per_asset, per_asset.c.asset_id == assets.c.id))
        .where(
            member_clause(scope, assets.c.member_id),
            assets.c.commune_insee.in_(sorted(communes)),
            assets.c.status.in_(IN_SERVICE),
        )
        .order_by(assets.c.domain, assets.c.name)
    )
    return [
        AssetAvailability(r.id, r.name, r.domain, r.days or 0, 100 * (r.days or 0) / days)
        for r in rows
    ]


def availability(
    conn: Connection, *, scope: MemberScope, communes: Collection[str], first: date, last: date
) -> Availability:
    """The month's data availability of the communes' equipment in service."""
    found = asset_days(conn, scope=scope, communes=communes, first=first, last=last)
    domains: dict[str, list[AssetAvailability]] = {}
    for item in found:
        domains.setdefault(item.domain, []).append(item)
    return Availability(
        days=(last - first).days + 1,
        domains=[
            DomainAvailability(d, len(items), sum(i.share for i in items) / len(items))
            for d, items in sorted(domains.items())
        ],
        low=[i for i in found if i.share < LOW_SHARE],
    )
