"""One page per domain (air, noise, traffic, water, lighting, charging) for a chosen period.

A page shows one commune — the member's own by default — or one of its stations: the
domain's indicators with their daily chart, then the curves of the measured quantities with
their text alternatives and CSV downloads. A commune or a station the user may not read is
not found, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import Connection
from starlette.responses import Response

from convergence.errors import NotFound
from convergence.indicators.schemas import IndicatorQuery
from convergence.members.queries import get_member
from convergence.members.scope import MemberScope
from convergence.registry.queries import (
    count_assets_by_commune_and_domain,
    get_asset,
    iter_assets,
)
from convergence.registry.schemas import AssetFilters
from convergence.reports.air_thresholds import threshold_row
from convergence.timedcache import TimedCache
from convergence.timeseries.query_schemas import SeriesFilter
from convergence.timeseries.series_queries import find_series
from convergence.web.deps import EngineDep
from convergence.web.pages.dashboard_cache import CacheDep, visibility
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.domains_indicators import (
    charted_stations,
    indicator_figure,
    indicators_of,
)
from convergence.web.pages.domains_period import DomainQuery, DomainQueryDep
from convergence.web.pages.domains_series import quantity_view
from convergence.web.pages.domains_specs import DOMAIN_SPECS, DomainSpec
from convergence.web.pages.rendering import commune_name
from convergence.web.pages.session import CurrentUserPage, PageUser

router = APIRouter()


def domain_communes(
    conn: Connection, scope: MemberScope, spec: DomainSpec
) -> list[tuple[str, str]]:
    """(INSEE, name) of the communes with equipment or data of the domain the scope reads."""
    selection = SeriesFilter(domain=spec.domain)
    codes = {i.commune_insee for i in find_series(conn, scope=scope, selection=selection)}
    codes |= {
        c.commune_insee
        for c in count_assets_by_commune_and_domain(conn, scope=scope)
        if c.domain == spec.domain.value
    }
    return sorted(((c, commune_name(c)) for c in codes if c), key=lambda pair: pair[1])


def chosen_commune(
    asked: str | None, communes: list[tuple[str, str]], own: str | None
) -> str | None:
    """The commune asked if readable (NotFound otherwise), else the member's own, else the first."""
    codes = [code for code, _ in communes]
    if asked is not None:
        if asked not in codes:
            raise NotFound(f"commune {asked} introuvable / commune not found")
        return asked
    if own in codes:
        return own
    return codes[0] if codes else None


def station_names(
    conn: Connection, scope: MemberScope, spec: DomainSpec, commune: str | None
) -> dict[int, str]:
    """Names of the commune's stations of the domain, for readers of their owner's data."""
    if commune is None:
        return {}
    filters = AssetFilters(domain=spec.domain, commune=commune)
    return {a.id: a.name for a in iter_assets(conn, scope=scope, filters=filters)}


def asset_commune(
    conn: Connection, scope: MemberScope, spec: DomainSpec, asked: DomainQuery
) -> str | None:
    """The commune asked, else that of the station asked (a link from its equipment page)."""
    if asked.commune is not None or asked.asset_id is None:
        return asked.commune
    asset = get_asset(conn, scope=scope, asset_id=asked.asset_id)
    if asset.domain != spec.domain:
        raise NotFound(f"équipement {asked.asset_id} introuvable / asset not found")
    return asset.commune_insee


def page_context(
    conn: Connection, viewer: PageUser, spec: DomainSpec, asked: DomainQuery, cache: TimedCache
) -> dict[str, Any]:
    """Everything the domain's template shows."""
    communes = domain_communes(conn, viewer.scope, spec)
    own = get_member(conn, member_id=viewer.scope.member_id).insee
    commune = chosen_commune(asset_commune(conn, viewer.scope, spec, asked), communes, own)
    stations = station_names(conn, viewer.scope, spec, commune)
    if asked.asset_id is not None and asked.asset_id not in stations:
        raise NotFound(f"équipement {asked.asset_id} introuvable / asset not found")
    context: dict[str, Any] = {
        "communes": communes,
        "commune": commune,
        "stations": stations,
        "values": asked.values() | {"commune": commune or ""},
        "errors": asked.errors,
        "period": asked.period,
        "result": None,
        "indicator_figure": None,
        "charted": [],
        "views": [],
        "threshold_row": threshold_row,
    }
    if commune is not None:
        context |= _data(conn, viewer.scope, spec, asked, commune, stations, cache)
    return context


def _data(
    conn: Connection,
    scope: MemberScope,
    spec: DomainSpec,
    asked: DomainQuery,
    commune: str,
    stations: dict[int, str],
    cache: TimedCache,
) -> dict[str, Any]:
    span = asked.period.time_range
    query = IndicatorQuery(start=span.start, end=span.end, commune=commune, asset_id=asked.asset_id)
    key = ("domaine", spec.domain.value, visibility(scope), query.model_dump_json())
    result = cache.get_or_compute(
        key, lambda: indicators_of(conn, scope=scope, domain=spec.domain, query=query)
    )
    views = [
        quantity_view(
            conn,
            scope=scope,
            selection=SeriesFilter(
                domain=spec.domain, quantity=q, commune_insee=commune, asset_id=asked.asset_id
            ),
            time_range=span,
            names=stations,
        )
        for q in spec.quantities
    ]
    return {
        "result": result,
        "indicator_figure": indicator_figure(spec.domain, result, asked.asset_id),
        "charted": charted_stations(spec.domain, result),
        "views": [v for v in views if v is not None],
    }


def _page(spec: DomainSpec) -> Callable[..., Response]:
    def page(
        request: Request,
        viewer: CurrentUserPage,
        engine: EngineDep,
        asked: DomainQueryDep,
        cache: CacheDep,
    ) -> Response:
        with engine.connect() as conn:
            context = page_context(conn, viewer, spec, asked, cache)
        return render_data_page(
            request,
            spec.template,
            viewer=viewer,
            status_code=422 if asked.errors else 200,
            spec=spec,
            specs=DOMAIN_SPECS,
            **context,
        )

    page.__name__ = f"{spec.domain.value}_page"
    return page


for _spec in DOMAIN_SPECS:
    router.add_api_route(_spec.path, _page(_spec), methods=["GET"])
