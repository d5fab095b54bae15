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
from convergence.indicators.schemas import ComparisonOut, IndicatorDomain, IndicatorQuery
from convergence.indicators.service import compare
from convergence.indicators.service_air import air_indicators
from convergence.indicators.service_charging import charging_indicators
from convergence.indicators.service_lighting import lighting_indicators
from convergence.indicators.service_noise import noise_indicators
from convergence.indicators.service_traffic import traffic_indicators
from convergence.indicators.service_water import water_indicators
from convergence.indicators.timewindows import local_day_of, local_wall_time
from convergence.members.queries import covered_communes
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.kinds import Domain
from convergence.registry.tables import assets
from convergence.reports.figures_environment import air_figure, noise_figure, water_figure
from convergence.reports.figures_services import (
    busiest_site,
    charging_figure,
    lighting_figure,
    tmja,
    traffic_figure,
)
from convergence.reports.health import equipment_health
from convergence.reports.schemas import KeyFigure, Overview, TrendPoint
from convergence.territory.reference import load_territory
from convergence.timeseries.buckets import daily_buckets
from convergence.timeseries.query_schemas import SeriesFilter, TimeRange
from convergence.timeseries.series_queries import find_series
from convergence.timeseries.tables import series

TREND_DAYS = 14
TRAFFIC_DAYS = 14
CHARGING_DAYS = 7
COMPARISON_DAYS = 7
OPEN_ALERTS = 10
COMPARED = (
    IndicatorDomain.air,
    IndicatorDomain.noise,
    IndicatorDomain.traffic,
    IndicatorDomain.water,
    IndicatorDomain.lighting,
)


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


def water_trend(conn: Connection, *, scope: MemberScope, query: IndicatorQuery) -> list[TrendPoint]:
    """The highest water height of each day over the commune's gauges."""
    selection = SeriesFilter(
        domain=Domain.water, quantity="water_level", commune_insee=query.commune
    )
    ids = [i.id for i in find_series(conn, scope=scope, selection=selection)]
    if not ids:
        return []
    period = TimeRange(start=query.start, end=query.end)
    buckets = daily_buckets(conn, series_ids=ids, time_range=period, merge=True)
    return [TrendPoint(b.day or b.start.date(), b.max) for b in buckets]


def traffic_key_figure(
    conn: Connection, *, scope: MemberScope, commune: str, today: date
) -> KeyFigure:
    """Yesterday at the busiest site against its TMJA of last year (or its recent TMJ)."""
    first = today - timedelta(days=TRAFFIC_DAYS - 1)
    recent = traffic_indicators(conn, scope=scope, query=days_query(first, today, commune=commune))
    site = busiest_site(recent)
    annual = None
    if site is not None:
        year = today.year - 1
        query = days_query(
            date(year, 1, 1), date(year, 12, 31), commune=commune, asset_id=site.station.asset_id
        )
        annual = tmja(traffic_indicators(conn, scope=scope, query=query), year)
    return traffic_figure(recent, today - timedelta(days=1), annual)


def key_figures(
    conn: Connection, *, scope: MemberScope, commune: str, today: date
) -> list[KeyFigure]:
    """The key figure of each domain for the commune on ``today``."""
    yesterday = today - timedelta(days=1)
    recent = days_query(today - timedelta(days=TREND_DAYS - 1), today, commune=commune)
    charging = days_query(today - timedelta(days=CHARGING_DAYS - 1), today, commune=commune)
    return [
        air_figure(air_indicators(conn, scope=scope, query=recent), today),
        noise_figure(noise_indicators(conn, scope=scope, query=recent), yesterday),
        traffic_key_figure(conn, scope=scope, commune=commune, today=today),
        water_figure(
            water_indicators(conn, scope=scope, query=recent),
            water_trend(conn, scope=scope, query=recent),
        ),
        lighting_figure(lighting_indicators(conn, scope=scope, query=recent), yesterday),
        charging_figure(charging_indicators(conn, scope=scope, query=charging), CHARGING_DAYS),
    ]


def comparisons(
    conn: Connection, *, scope: MemberScope, commune: str, today: date
) -> list[ComparisonOut]:
    """The commune against its EPCI and département, domain by domain, over the last days."""
    query = days_query(today - timedelta(days=COMPARISON_DAYS - 1), today, commune=commune)
    return [
        compare(conn, scope=scope, domain=domain, commune=commune, query=query)
        for domain in COMPARED
    ]


@dataclass(frozen=True, slots=True)
class CommuneIndicators:
    """The costly part of a dashboard: the key figures and the comparisons."""

    figures: list[KeyFigure]
    comparisons: list[ComparisonOut]


def commune_indicators(
    conn: Connection, *, scope: MemberScope, commune: str, today: date
) -> CommuneIndicators:
    """The key figures of ``today`` and the comparisons of the last days."""
    return CommuneIndicators(
        figures=key_figures(conn, scope=scope, commune=commune, today=today),
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
