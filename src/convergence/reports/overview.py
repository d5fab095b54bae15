"""The dashboard of a commune: the day's key indicators per domain, trends, open alerts,
equipment health and the comparison with its EPCI and département.

Every figure comes from the indicator services with the caller's scope: a commune sees its
own stations; an EPCI or the département sees those its communes share with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, select

from convergence.alerts.queries import list_alerts
from convergence.indicators.schemas import ComparisonOut, IndicatorQuery
from convergence.indicators.service import compare
from convergence.indicators.timewindows import local_day_of, local_wall_time
from convergence.members.queries import covered_communes
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets
from convergence.reports.health import equipment_health
from convergence.reports.schemas import KeyFigure, Overview
from convergence.servicelines import service_lines
from convergence.territory.reference import load_territory
from convergence.timeseries.tables import series

COMPARISON_DAYS = 7
OPEN_ALERTS = 10


def days_query(
    first: date, last: date, *, commune: str, asset_id: int | None = None
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


def comparisons(
    conn: Connection, *, scope: MemberScope, commune: str, today: date
) -> list[ComparisonOut]:
    """The commune against its EPCI and département, line by line, over the last days."""
    query = days_query(today - timedelta(days=COMPARISON_DAYS - 1), today, commune=commune)
    return [
        compare(conn, scope=scope, domain=line.name, commune=commune, query=query)
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
) -> CommuneIndicators:
    """The key figures of ``today`` (unless given, e.g. kept for readers of the same data)
    and the comparisons of the last days."""
    return CommuneIndicators(
        figures=(
            figures
            if figures is not None
            else key_figures(conn, scope=scope, commune=commune, today=today)
        ),
        comparisons=comparisons(conn, scope=scope, commune=commune, today=today),
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
