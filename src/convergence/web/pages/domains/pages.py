"""The standard page of each service line that declares one, for a chosen period.

A page shows one commune — the member's own by default — or one of its stations: the
domain's indicators with their daily chart, then the curves of the measured quantities with
their text alternatives and CSV downloads. A commune or a station the user may not read is
not found, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from sqlalchemy import Connection
from starlette.responses import Response

from convergence.errors import NotFound
from convergence.members.queries import get_member
from convergence.members.scope import MemberScope
from convergence.quality.queries import set_aside_summary
from convergence.registry.queries import (
    count_assets_by_commune_and_domain,
    get_asset,
    iter_assets,
)
from convergence.registry.schemas import AssetFilters
from convergence.reports.air_thresholds import (
    days_by_class,
    index_basis,
    index_measure,
    period_means,
    pollutants_words,
    statistic_decimals,
    threshold_row,
)
from convergence.reports.domain_figures import domain_page_key
from convergence.reports.figures_cache import readable_owners
from convergence.reports.overview import days_query, readable_communes
from convergence.servicelines import DomainPage, ServiceLine
from convergence.timedcache import TimedCache
from convergence.timeseries.flags import REASON_LABELS
from convergence.timeseries.query_schemas import SeriesFilter
from convergence.timeseries.series_queries import find_series
from convergence.web.deps import EngineDep
from convergence.web.pages.dashboard_cache import CacheDep
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.domains.indicators import (
    charted_stations,
    indicator_figure,
    indicators_of,
)
from convergence.web.pages.domains.period import DomainQuery, DomainQueryDep
from convergence.web.pages.domains.series import DAY_ROWS, QuantityView, quantity_view
from convergence.web.pages.domains.specs import menu_entries
from convergence.web.pages.rendering import commune_name
from convergence.web.pages.session import CurrentUserPage, PageUser


def domain_communes(
    conn: Connection, scope: MemberScope, line: ServiceLine
) -> list[tuple[str, str]]:
    """(INSEE, name) of the communes with equipment or data of the domain the scope reads."""
    selection = SeriesFilter(domain=line.name)
    codes = {i.commune_insee for i in find_series(conn, scope=scope, selection=selection)}
    codes |= {
        c.commune_insee
        for c in count_assets_by_commune_and_domain(conn, scope=scope)
        if c.domain == line.name
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
    conn: Connection, scope: MemberScope, line: ServiceLine, commune: str | None
) -> dict[int, str]:
    """Names of the commune's stations of the domain, for readers of their owner's data."""
    if commune is None:
        return {}
    filters = AssetFilters(domain=line.name, commune=commune)
    return {a.id: a.name for a in iter_assets(conn, scope=scope, filters=filters)}


def asset_commune(
    conn: Connection, scope: MemberScope, line: ServiceLine, asked: DomainQuery
) -> str | None:
    """The commune asked, else that of the station asked (a link from its equipment page)."""
    if asked.commune is not None or asked.asset_id is None:
        return asked.commune
    asset = get_asset(conn, scope=scope, asset_id=asked.asset_id)
    if asset.domain != line.name:
        raise NotFound(f"équipement {asked.asset_id} introuvable / asset not found")
    return asset.commune_insee


def page_context(
    conn: Connection, viewer: PageUser, line: ServiceLine, asked: DomainQuery, cache: TimedCache
) -> dict[str, Any]:
    """Everything the domain's template shows."""
    communes = domain_communes(conn, viewer.scope, line)
    own = get_member(conn, member_id=viewer.scope.member_id).insee
    wanted = asset_commune(conn, viewer.scope, line, asked)
    # A commune the reader may open, without equipment of this domain, is a page that says
    # so (dashboards link every domain of every commune), not a missing page.
    unequipped = wanted not in {c for c, _ in communes} and wanted in readable_communes(
        conn, scope=viewer.scope
    )
    commune = None if unequipped else chosen_commune(wanted, communes, own)
    stations = station_names(conn, viewer.scope, line, commune)
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
        "index_basis": index_basis,
        "index_measure": index_measure,
        "period_means": period_means,
        "pollutants_words": pollutants_words,
        "days_by_class": days_by_class,
        "day_rows": DAY_ROWS,
        "statistic_decimals": statistic_decimals,
        "set_aside": None,
        "reason_labels": REASON_LABELS,
        "unequipped": wanted if unequipped else None,
    }
    if commune is not None:
        context |= _data(conn, viewer.scope, line, asked, commune, stations, cache)
    return context


def _data(
    conn: Connection,
    scope: MemberScope,
    line: ServiceLine,
    asked: DomainQuery,
    commune: str,
    stations: dict[int, str],
    cache: TimedCache,
) -> dict[str, Any]:
    span = asked.period.time_range
    query = days_query(
        asked.period.first, asked.period.last, commune=commune, asset_id=asked.asset_id
    )
    # Kept for every reader of the same data, where the warmer puts a commune's pages.
    owners = readable_owners(conn, scope=scope, communes=[commune]).get(commune)
    key = domain_page_key(line.name, owners, query)
    result = cache.get_or_compute(
        key, lambda: indicators_of(conn, scope=scope, line=line, query=query)
    )

    def compute_views() -> list[QuantityView | None]:
        return [
            quantity_view(
                conn,
                scope=scope,
                selection=SeriesFilter(
                    domain=line.name, quantity=q, commune_insee=commune, asset_id=asked.asset_id
                ),
                time_range=span,
                names=stations,
            )
            for q in _page_of(line).quantities
        ]

    # The curves come from the same rollups as the indicators: kept as long as they are.
    views = cache.get_or_compute(("courbes", key), compute_views)
    set_aside = set_aside_summary(
        conn,
        scope=scope,
        first=asked.period.first,
        last=asked.period.last,
        commune=commune,
        domain=line.name,
        asset_id=asked.asset_id,
    )
    return {
        "result": result,
        "set_aside": set_aside,
        "indicator_figure": indicator_figure(line, result, asked.asset_id),
        "charted": charted_stations(line, result),
        "views": [v for v in views if v is not None],
    }


def _page_of(line: ServiceLine) -> DomainPage:
    if line.page is None:
        raise NotFound(f"pas de page pour {line.name} / service line {line.name} has no page")
    return line.page


def line_page(line: ServiceLine) -> Callable[..., Response]:
    """The endpoint of the line's standard page."""

    def page(
        request: Request,
        viewer: CurrentUserPage,
        engine: EngineDep,
        asked: DomainQueryDep,
        cache: CacheDep,
    ) -> Response:
        with engine.connect() as conn:
            context = page_context(conn, viewer, line, asked, cache)
        return render_data_page(
            request,
            line.page_template,
            viewer=viewer,
            status_code=422 if asked.errors else 200,
            spec=_page_of(line),
            menu=menu_entries(),
            **context,
        )

    page.__name__ = f"{line.name}_page"
    return page
