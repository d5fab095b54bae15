"""Read side of the indicator services: sites, their series, rollups and settings, all scoped.

Indicators are aggregates: a site is readable by its owner, by the members it shares its
data with in full, and by those it shares its aggregates with (``aggregates=True``). Names
and raw readings are full-scope data: a site read through aggregates only comes without its
name, and only its hourly rollups are read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Connection, Row, Select, select

from convergence.errors import NotFound
from convergence.indicators.instants import Instant
from convergence.indicators.schemas import SiteSettings, StationOut
from convergence.indicators.tables import site_settings
from convergence.indicators.timewindows import TimeWindow
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets
from convergence.timeseries.buckets import Bucket, hourly_buckets, raw_buckets, valid_points
from convergence.timeseries.query_schemas import TimeRange
from convergence.timeseries.tables import series

RAW_LIMIT = 200_000
SETTINGS_ADAPTER: TypeAdapter[SiteSettings] = TypeAdapter(SiteSettings)


@dataclass(frozen=True, slots=True)
class Site:
    """An asset an indicator is computed for; ``full`` when the caller reads its owner in full."""

    asset_id: int
    member_id: int
    commune_insee: str | None
    name: str
    lon: float | None
    lat: float | None
    full: bool

    def station(self) -> StationOut:
        """The API form: the name only for full-scope readers (it is free text)."""
        return StationOut(
            asset_id=self.asset_id,
            member_id=self.member_id,
            commune_insee=self.commune_insee,
            name=self.name if self.full else None,
        )


@dataclass(frozen=True, slots=True)
class SeriesRow:
    id: int
    asset_id: int
    quantity: str
    unit: str
    full: bool


def _site_select(scope: MemberScope) -> Select[Any]:
    return select(
        assets.c.id,
        assets.c.member_id,
        assets.c.commune_insee,
        assets.c.name,
        assets.c.lon,
        assets.c.lat,
        member_clause(scope, assets.c.member_id).label("full"),
    ).where(member_clause(scope, assets.c.member_id, aggregates=True))


def _site(row: Row[Any]) -> Site:
    return Site(
        row.id, row.member_id, row.commune_insee, row.name, row.lon, row.lat, bool(row.full)
    )


def domain_sites(
    conn: Connection,
    *,
    scope: MemberScope,
    domain: str,
    commune: str | None = None,
    asset_id: int | None = None,
) -> list[Site]:
    """Assets of a domain whose aggregates the scope reads; NotFound for an unreadable asset.

    An asset asked by id but of another domain is not found either: its indicators are
    those of its own domain.
    """
    query = _site_select(scope).where(assets.c.domain == domain)
    if asset_id is not None:
        query = query.where(assets.c.id == asset_id)
    if commune is not None:
        query = query.where(assets.c.commune_insee == commune)
    rows = conn.execute(query.order_by(assets.c.id)).all()
    if asset_id is not None and not rows:
        raise NotFound(f"équipement {asset_id} introuvable / asset {asset_id} not found")
    return [_site(r) for r in rows]


def sites_by_id(
    conn: Connection, *, scope: MemberScope, asset_ids: Collection[int]
) -> dict[int, Site]:
    """The readable assets among ``asset_ids``, whatever their domain."""
    if not asset_ids:
        return {}
    rows = conn.execute(_site_select(scope).where(assets.c.id.in_(sorted(asset_ids))))
    return {r.id: _site(r) for r in rows}


def series_of(
    conn: Connection,
    *,
    scope: MemberScope,
    asset_ids: Collection[int],
    quantities: Collection[str],
) -> dict[tuple[int, str], SeriesRow]:
    """The readable series of these assets and quantities, by (asset, quantity)."""
    if not asset_ids or not quantities:
        return {}
    rows = conn.execute(
        select(
            series.c.id,
            series.c.asset_id,
            series.c.quantity,
            series.c.unit,
            member_clause(scope, series.c.member_id).label("full"),
        ).where(
            member_clause(scope, series.c.member_id, aggregates=True),
            series.c.asset_id.in_(sorted(asset_ids)),
            series.c.quantity.in_(sorted(quantities)),
        )
    ).all()
    return {
        (r.asset_id, r.quantity): SeriesRow(r.id, r.asset_id, r.quantity, r.unit, bool(r.full))
        for r in rows
    }


def _by_series(buckets: Iterable[Bucket]) -> dict[int, list[Bucket]]:
    grouped: dict[int, list[Bucket]] = defaultdict(list)
    for bucket in buckets:
        grouped[bucket.series_id].append(bucket)
    return dict(grouped)


def hourly_of(
    conn: Connection, *, rows: Iterable[SeriesRow], window: TimeWindow
) -> dict[int, list[Bucket]]:
    """Hourly rollups (UTC hours) starting in the window, per series id, in time order."""
    ids = sorted({row.id for row in rows})
    if not ids or window.end_utc <= window.start_utc:
        return {}
    period = TimeRange(start=window.start_utc, end=window.end_utc)
    return _by_series(hourly_buckets(conn, series_ids=ids, time_range=period, merge=False))


def raw_of(
    conn: Connection, *, rows: Iterable[SeriesRow], window: TimeWindow
) -> dict[int, list[Bucket]]:
    """Raw readings of the series the caller reads in full (others are left out), per series."""
    ids = sorted({row.id for row in rows if row.full})
    if not ids or window.end_utc <= window.start_utc:
        return {}
    period = TimeRange(start=window.start_utc, end=window.end_utc)
    return _by_series(raw_buckets(conn, series_ids=ids, time_range=period, limit=RAW_LIMIT))


def instants_of(
    conn: Connection, *, rows: Iterable[SeriesRow], window: TimeWindow
) -> dict[int, list[Instant]]:
    """Valid readings of the series in the window, per series id, in time order.

    Read for indexes and states whose quantity over a period needs the instants (the index at
    the period's bounds, the time between an « on » and an « off »): only the derived
    aggregate leaves, so aggregate readers are served too.
    """
    ids = sorted({row.id for row in rows})
    if not ids or window.end_utc <= window.start_utc:
        return {}
    period = TimeRange(start=window.start_utc, end=window.end_utc)
    found: dict[int, list[Instant]] = defaultdict(list)
    for series_id, ts, value in valid_points(conn, series_ids=ids, time_range=period):
        found[series_id].append(Instant(ts, value))
    return dict(found)


def settings_of(
    conn: Connection, *, scope: MemberScope, asset_ids: Sequence[int], kind: str
) -> dict[int, Any]:
    """Validated settings of one kind for these assets, by asset id (absent when not set)."""
    if not asset_ids:
        return {}
    rows = conn.execute(
        select(site_settings.c.asset_id, site_settings.c.config).where(
            member_clause(scope, site_settings.c.member_id, aggregates=True),
            site_settings.c.asset_id.in_(sorted(asset_ids)),
            site_settings.c.kind == kind,
        )
    ).all()
    return {r.asset_id: SETTINGS_ADAPTER.validate_python(r.config | {"kind": kind}) for r in rows}
