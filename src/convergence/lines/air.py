"""The air-quality line: ATMO-type daily index, exceedances and measured concentrations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from convergence.indicators.service import ComparisonSpec
from convergence.indicators.services.air import (
    AIR_METRIC,
    air_indicators,
    bad_air_days,
    compute_air_indices,
)
from convergence.lines import demo_projects
from convergence.lines.air_thresholds import air_alert_rules
from convergence.lines.periods import TREND_DAYS, last_days
from convergence.lines.simulated import AIR_STATIONS
from convergence.members.scope import MemberScope
from convergence.opendata.specs import LON_LAT, SENSORS, Cadence, KindSpec, ResourceSpec
from convergence.opendata.tableschemas import SchemaName
from convergence.reports.figures_environment import air_figure
from convergence.reports.monthly_environment import air_section
from convergence.reports.overview import days_query
from convergence.reports.schemas import KeyFigure, Section
from convergence.servicelines import (
    DashboardCard,
    DomainPage,
    EquipmentWords,
    OpenDataset,
    ServiceLine,
)
from convergence.web.pages.domains.indicators import air_days, air_index_figure


def key_figure(conn: Connection, *, scope: MemberScope, commune: str, today: date) -> KeyFigure:
    """The commune's latest daily index, with the classes of the last days."""
    query = last_days(today, TREND_DAYS, commune=commune)
    return air_figure(air_indicators(conn, scope=scope, query=query), today)


def report_section(
    conn: Connection, *, scope: MemberScope, commune: str, first: date, last: date
) -> Section:
    """The month's indices and exceedances of the commune."""
    query = days_query(first, last, commune=commune)
    return air_section(air_indicators(conn, scope=scope, query=query))


# The daily (hourly for water) measurements members publish as open data.
AIR_DAILY = KindSpec(
    "Qualité de l'air : mesures journalières — {member}",
    "Moyennes, minima et maxima journaliers des polluants mesurés par les capteurs de la "
    "collectivité (mesures indicatives, pas des stations réglementaires).",
    ("qualité de l'air", "pollution", "NO2", "PM10", "PM2.5", SENSORS),
    ("ENVI", "HEAL"),
    Cadence.daily,
    (ResourceSpec("air_daily", SchemaName.air_daily, "Mesures journalières", LON_LAT),),
    "air",
)


LINE = ServiceLine(
    name="air",
    label="Qualité de l'air",
    fleet=(AIR_STATIONS,),
    demo_projects=demo_projects.AIR,
    order=10,
    alert_rules=air_alert_rules,
    alert_rules_for_every_member=True,
    indicators=air_indicators,
    comparison=ComparisonSpec(compute_air_indices, bad_air_days, AIR_METRIC),
    page=DomainPage(
        path="/air",
        title="Qualité de l'air",
        intro="Indice quotidien de type ATMO calculé à partir des capteurs de la commune (ce "
        "n'est pas l'indice officiel, que seule Airparif publie), dépassements de seuils et "
        "concentrations mesurées.",
        quantities=("no2", "pm10", "pm25", "o3", "so2"),
        figure=lambda result, asset_id: air_index_figure(air_days(result, asset_id)),
    ),
    dashboard=DashboardCard(key_figure, colour="#0063cb"),
    report_section=report_section,
    datasets=(OpenDataset("air_daily", AIR_DAILY),),
    words=EquipmentWords(
        "des capteurs de qualité de l'air",
        "aucun capteur de qualité de l'air",
        "capteur",
        "capteurs",
        "qualité de l'air",
    ),
    docs="docs/service-lines.md#air",
)
