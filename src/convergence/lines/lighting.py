"""The street-lighting line: energy per day and cabinet, burning hours, savings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from convergence.indicators.service import ComparisonSpec
from convergence.indicators.services.lighting import (
    LIGHTING_METRIC,
    compute_lighting_totals,
    lighting_indicators,
    zone_energy,
)
from convergence.lines import demo_projects
from convergence.lines.periods import TREND_DAYS, last_days
from convergence.lines.simulated import LIGHTING_CABINETS
from convergence.members.scope import MemberScope
from convergence.reports.figures_services import lighting_figure
from convergence.reports.monthly_services import lighting_section
from convergence.reports.overview import days_query
from convergence.reports.schemas import KeyFigure, Section
from convergence.servicelines import DashboardCard, DomainPage, EquipmentWords, ServiceLine
from convergence.web.pages.domains.indicators import lighting_energy_figure


def key_figure(conn: Connection, *, scope: MemberScope, commune: str, today: date) -> KeyFigure:
    """The last complete day's energy of the commune's cabinets, with the last days'."""
    query = last_days(today, TREND_DAYS, commune=commune)
    result = lighting_indicators(conn, scope=scope, query=query)
    return lighting_figure(result, today)


def report_section(
    conn: Connection, *, scope: MemberScope, commune: str, first: date, last: date
) -> Section:
    """The month's energy, burning hours and savings per cabinet."""
    query = days_query(first, last, commune=commune)
    return lighting_section(lighting_indicators(conn, scope=scope, query=query))


LINE = ServiceLine(
    name="lighting",
    label="Éclairage public",
    fleet=(LIGHTING_CABINETS,),
    demo_projects=demo_projects.LIGHTING,
    order=50,
    indicators=lighting_indicators,
    comparison=ComparisonSpec(compute_lighting_totals, zone_energy, LIGHTING_METRIC),
    page=DomainPage(
        path="/eclairage",
        title="Éclairage public",
        intro="Énergie consommée par jour et par armoire, heures d'allumage et économies par "
        "rapport à un éclairage toute la nuit.",
        quantities=("power",),
        figure=lambda result, _: lighting_energy_figure(result),
    ),
    dashboard=DashboardCard(key_figure, colour="#716043"),
    report_section=report_section,
    words=EquipmentWords(
        "de l'éclairage public connecté",
        "aucun éclairage public connecté",
        "point lumineux",
        "points lumineux",
        "éclairage public",
    ),
    docs="docs/service-lines.md#lighting",
)
