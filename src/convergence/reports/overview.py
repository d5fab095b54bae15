"""The dashboard of a commune: the day's key indicators per domain, trends, open alerts,
equipment health and the comparison with its EPCI and département.

Every figure comes from the indicator services with the caller's scope: a commune sees its
own stations; an EPCI or the département sees those its communes share with it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, select

from convergence.alerts.queries import list_alerts
from convergence.indicators.schemas import ComparisonOut, IndicatorQuery
from convergence.indicators.service import compare
from convergence.indicators.timewindows import local_day_of, local_wall_time
from convergence.indicators.views import HasSite
from convergence.members.queries import covered_communes
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets
from convergence.reports.health import equipment_health
from convergence.reports.schemas import KeyFigure, Overview
from convergence.servicelines import ServiceLine, service_lines
from convergence.territory.reference import load_territory
from convergence.timedcache import TimedCache
from convergence.timeseries.tables import series

COMPARISON_DAYS = 7
OPEN_ALERTS = 10


def days_query(
    first: date, last: date, *, commune: str | None, asset_id: int | None = None
) -> IndicatorQuery:
    """The indicator query of local days ``first`` to ``last`` (both included)."""
    return IndicatorQuery(
        start=local_wall_time(first, 0),
        end=local_wall_time(last + timedelta(days=1), 0),
        commune=commune,
        asset_id=asset_id,
    )


def communes_with_data(conn: Connection, *, scope: MemberScope) -> set[str]:
    """Communes holding equipment the scope reads, or series whose aggregates it reads."""
    with_data = (
        select(assets.c.commune_insee)
        .select_from(series.join(assets, assets.c.id == series.c.asset_id))
        .where(member_clause(scope, series.c.member_id, aggregates=True))
        .distinct()
    )
    equipped = (
        select(assets.c.commune_insee).where(member_clause(scope, assets.c.member_id)).distinct()
    )
    codes = set(conn.execute(with_data).scalars()) | set(conn.execute(equipped).scalars())
    return {c for c in codes if c}


def readable_communes(conn: Connection, *, scope: MemberScope) -> list[str]:
    """Communes covered by the member, or holding equipment or data the scope reads."""
    covered = covered_communes(conn, member_id=scope.member_id)
    return sorted(communes_with_data(conn, scope=scope) | set(covered))


def key_figures(
    conn: Connection, *, scope: MemberScope, commune: str, today: date
) -> list[KeyFigure]:
    """The key figure of each service line with a dashboard card, for the commune on ``today``."""
    return [
        line.dashboard.key_figure(conn, scope=scope, commune=commune, today=today)
        for line in service_lines()
        if line.dashboard is not None
    ]


def visibility(scope: MemberScope) -> Hashable:
    """What decides which rows a scope reads (``member_clause``), as a cache key: users with
    the same visibility share an entry, users with a different one never do."""
    return (
        scope.member_id,
        scope.sees_all_members,
        scope.can_read,
        tuple(sorted(scope.full_member_ids)),
        tuple(sorted(scope.aggregate_member_ids)),
    )


def comparison_query(today: date) -> IndicatorQuery:
    """The period of the comparisons: the last ``COMPARISON_DAYS`` local days, every commune."""
    return days_query(today - timedelta(days=COMPARISON_DAYS - 1), today, commune=None)


def compared_stations(
    conn: Connection, *, scope: MemberScope, line: ServiceLine, today: date, cache: TimedCache
) -> Sequence[HasSite]:
    """Every station the scope reads, computed for the line's comparisons of ``today``: the
    same whichever commune is compared, kept in ``cache`` for the next one."""
    spec = line.comparison
    if spec is None:
        return []
    found: Sequence[HasSite] = cache.get_or_compute(
        compared_key(line.name, scope, today),
        lambda: spec.stations(conn, scope, comparison_query(today)),
    )
    return found


def compared_key(line: str, scope: MemberScope, today: date) -> Hashable:
    """The cache key of the stations a scope compares communes with, for a line on ``today``."""
    return ("stations comparées", line, visibility(scope), today)


def comparisons(
    conn: Connection,
    *,
    scope: MemberScope,
    commune: str,
    today: date,
    cache: TimedCache | None = None,
) -> list[ComparisonOut]:
    """The commune against its EPCI and département, line by line, over the last days (the
    stations compared kept in ``cache`` for the other communes, if given)."""
    query = comparison_query(today).model_copy(update={"commune": commune})
    return [
        compare(
            conn,
            scope=scope,
            domain=line.name,
            commune=commune,
            query=query,
            stations=(
                None
                if cache is None
                else compared_stations(conn, scope=scope, line=line, today=today, cache=cache)
            ),
        )
        for line in service_lines()
        if line.comparison is not None
    ]


@dataclass(frozen=True, slots=True)
class CommuneIndicators:
    """The costly part of a dashboard: the key figures and the comparisons."""

    figures: list[KeyFigure]
    comparisons: list[ComparisonOut]


def commune_indicators(
    conn: Connection,
    *,
    scope: MemberScope,
    commune: str,
    today: date,
    figures: list[KeyFigure] | None = None,
    cache: TimedCache | None = None,
) -> CommuneIndicators:
    """The key figures of ``today`` (unless given, e.g. kept for readers of the same data)
    and the comparisons of the last days (their stations kept in ``cache``, if given)."""
    return CommuneIndicators(
        figures=(
            figures
            if figures is not None
            else key_figures(conn, scope=scope, commune=commune, today=today)
        ),
        comparisons=comparisons(conn, scope=scope, commune=commune, today=today, cache=cache),
    )


def commune_overview(
    conn: Connection,
    *,
    scope: MemberScope,
    commune: str,
    now: datetime,
    indicators: CommuneIndicators | None = None,
) -> Overview:
    """The dashboard of ``commune`` as the scope sees it on the local day of ``now``
    (``indicators`` computed already, e.g. kept a few minutes by the web pages)."""
    today = local_day_of(now)
    found = indicators or commune_indicators(conn, scope=scope, commune=commune, today=today)
    return Overview(
        commune=commune,
        commune_name=load_territory().commune(commune).name,
        day=today,
        generated_at=now,
        figures=found.figures,
        alerts=list_alerts(
            conn, scope=scope, open_only=True, commune_insee=commune, limit=OPEN_ALERTS
        ),
        health=equipment_health(conn, scope=scope, communes=[commune], now=now),
        comparisons=found.comparisons,
        comparison_days=COMPARISON_DAYS,
    )
