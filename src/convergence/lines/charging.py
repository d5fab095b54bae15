"""The charging line: availability and occupation of the points of charge, sessions, energy."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from convergence.alerts.charging_rules import default_rules
from convergence.indicators.services.charging import charging_indicators
from convergence.lines.periods import last_days
from convergence.members.scope import MemberScope
from convergence.reports.figures_services import charging_figure
from convergence.reports.monthly_services import charging_section
from convergence.reports.overview import days_query
from convergence.reports.schemas import KeyFigure, Section
from convergence.servicelines import DashboardCard, DomainPage, EquipmentWords, ServiceLine

CHARGING_DAYS = 7


def key_figure(conn: Connection, *, scope: MemberScope, commune: str, today: date) -> KeyFigure:
    """Availability of the commune's points of charge over the last days."""
    query = last_days(today, CHARGING_DAYS, commune=commune)
    return charging_figure(charging_indicators(conn, scope=scope, query=query), CHARGING_DAYS)


def report_section(
    conn: Connection, *, scope: MemberScope, commune: str, first: date, last: date
) -> Section:
    """The month's availability, sessions and energy per point of charge."""
    query = days_query(first, last, commune=commune)
    return charging_section(charging_indicators(conn, scope=scope, query=query))


LINE = ServiceLine(
    name="charging",
    label="Recharge de véhicules",
    order=60,
    indicators=charging_indicators,
    page=DomainPage(
        path="/recharge",
        title="Recharge de véhicules",
        intro="Disponibilité et occupation des points de recharge, sessions, échecs et énergie "
        "délivrée.",
        quantities=("power",),
    ),
    dashboard=DashboardCard(key_figure, colour="#18753c"),
    report_section=report_section,
    words=EquipmentWords(
        "des bornes de recharge",
        "aucune borne de recharge",
        "point de charge",
        "points de charge",
        "recharge électrique",
    ),
    docs="docs/service-lines.md#charging",
    alert_rules=default_rules,
)
