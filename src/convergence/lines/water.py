"""The water line: water heights against each site's thresholds, rate of rise, next threshold."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from convergence.alerts.defaults import silence_rule
from convergence.alerts.schemas import RuleCreate
from convergence.indicators.schemas import IndicatorQuery
from convergence.indicators.service import ComparisonSpec
from convergence.indicators.services.water import (
    WATER_METRIC,
    compute_water,
    water_indicators,
    worst_level_reached,
)
from convergence.lines import demo_projects
from convergence.lines.periods import TREND_DAYS, last_days
from convergence.lines.simulated import WATER_SENSORS
from convergence.members.scope import MemberScope
from convergence.opendata.specs import LON_LAT, SENSORS, Cadence, KindSpec, ResourceSpec
from convergence.opendata.tableschemas import SchemaName
from convergence.reports.figures_environment import water_figure
from convergence.reports.monthly_environment import water_section
from convergence.reports.overview import days_query
from convergence.reports.schemas import KeyFigure, Section, TrendPoint
from convergence.servicelines import (
    DashboardCard,
    DomainPage,
    EquipmentWords,
    OpenDataset,
    ServiceLine,
)
from convergence.timeseries.buckets import daily_buckets
from convergence.timeseries.query_schemas import SeriesFilter, TimeRange
from convergence.timeseries.series_queries import find_series

NAME = "water"


def water_trend(conn: Connection, *, scope: MemberScope, query: IndicatorQuery) -> list[TrendPoint]:
    """The highest water height of each day over the commune's gauges."""
    selection = SeriesFilter(domain=NAME, quantity="water_level", commune_insee=query.commune)
    ids = [i.id for i in find_series(conn, scope=scope, selection=selection)]
    if not ids:
        return []
    period = TimeRange(start=query.start, end=query.end)
    buckets = daily_buckets(conn, series_ids=ids, time_range=period, merge=True)
    return [TrendPoint(b.day or b.start.date(), b.max) for b in buckets]


def key_figure(conn: Connection, *, scope: MemberScope, commune: str, today: date) -> KeyFigure:
    """The commune's worst level against its thresholds, with the highest height of each day."""
    query = last_days(today, TREND_DAYS, commune=commune)
    return water_figure(
        water_indicators(conn, scope=scope, query=query),
        water_trend(conn, scope=scope, query=query),
    )


def report_section(
    conn: Connection, *, scope: MemberScope, commune: str, first: date, last: date
) -> Section:
    """The month's highest heights and thresholds reached at the commune's sites."""
    query = days_query(first, last, commune=commune)
    return water_section(
        water_indicators(conn, scope=scope, query=query),
        water_trend(conn, scope=scope, query=query),
    )


# The daily (hourly for water) measurements members publish as open data.
WATER_LEVELS = KindSpec(
    "Hauteurs d'eau horaires — {member}",
    "Hauteurs d'eau horaires (moyenne, minimum, maximum) mesurées par les capteurs de la "
    "collectivité : limnimètres, détecteurs de crue.",
    ("hauteur d'eau", "crue", "inondation", SENSORS),
    ("ENVI",),
    Cadence.hourly,
    (ResourceSpec("water_levels", SchemaName.water_levels, "Hauteurs horaires", LON_LAT),),
    "water",
)


def alert_rules(member_id: int) -> list[RuleCreate]:
    """A silent water-level sensor."""
    return [silence_rule(member_id, domain=NAME, label="niveau d'eau")]


LINE = ServiceLine(
    name=NAME,
    label="Eau et crues",
    fleet=(WATER_SENSORS,),
    demo_projects=demo_projects.WATER,
    order=40,
    alert_rules=alert_rules,
    alert_rules_for_every_member=True,
    indicators=water_indicators,
    comparison=ComparisonSpec(compute_water, worst_level_reached, WATER_METRIC),
    page=DomainPage(
        path="/eau",
        title="Eau et crues",
        intro="Hauteur d'eau des limnimètres comparée aux seuils de chaque site (lecture locale, "
        "jamais la vigilance Vigicrues de l'État), vitesse de montée et prochain seuil.",
        quantities=("water_level",),
    ),
    dashboard=DashboardCard(key_figure, colour="#006a6f"),
    report_section=report_section,
    datasets=(OpenDataset("water_levels", WATER_LEVELS),),
    words=EquipmentWords(
        "des capteurs de niveau d'eau",
        "aucun capteur de niveau d'eau",
        "capteur",
        "capteurs",
        "eau et crues",
    ),
    docs="docs/service-lines.md#water",
)
