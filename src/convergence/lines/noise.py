"""The noise line: Ld, Le, Ln and Lden of the sound level meters, against the limit values."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection

from convergence.alerts.defaults import silence_rule
from convergence.alerts.schemas import RuleCreate
from convergence.indicators.service import ComparisonSpec
from convergence.indicators.services.noise import (
    NOISE_METRIC,
    compute_noise_periods,
    loudest_lden,
    noise_indicators,
)
from convergence.indicators.timewindows import days_between
from convergence.lines import demo_projects
from convergence.lines.periods import TREND_DAYS, last_days
from convergence.lines.simulated import NOISE_SENSORS
from convergence.members.scope import MemberScope
from convergence.opendata.specs import LON_LAT, SENSORS, Cadence, KindSpec, ResourceSpec
from convergence.opendata.tableschemas import SchemaName
from convergence.reports.figures_environment import noise_figure
from convergence.reports.monthly_environment import noise_section
from convergence.reports.overview import days_query
from convergence.reports.schemas import KeyFigure, Section
from convergence.servicelines import (
    DashboardCard,
    DomainPage,
    EquipmentWords,
    OpenDataset,
    ServiceLine,
)
from convergence.web.pages.domains.indicators import loudest_stations, noise_lden_figure


def key_figure(conn: Connection, *, scope: MemberScope, commune: str, today: date) -> KeyFigure:
    """Yesterday's Lden of the loudest sound level meter, with the last days'."""
    query = last_days(today, TREND_DAYS, commune=commune)
    return noise_figure(noise_indicators(conn, scope=scope, query=query), today - timedelta(1))


def report_section(
    conn: Connection, *, scope: MemberScope, commune: str, first: date, last: date
) -> Section:
    """The month's noise levels of the commune's sound level meters."""
    query = days_query(first, last, commune=commune)
    return noise_section(
        noise_indicators(conn, scope=scope, query=query), days_between(first, last)
    )


# The daily (hourly for water) measurements members publish as open data.
NOISE_DAILY = KindSpec(
    "Bruit : niveaux sonores journaliers — {member}",
    "Niveau sonore moyen journalier (moyenne énergétique des LAeq), minimum et maximum de "
    "chaque sonomètre de la collectivité.",
    ("bruit", "environnement sonore", "LAeq", SENSORS),
    ("ENVI", "HEAL"),
    Cadence.daily,
    (ResourceSpec("noise_daily", SchemaName.noise_daily, "Niveaux journaliers", LON_LAT),),
    "noise",
)


def alert_rules(member_id: int) -> list[RuleCreate]:
    """A silent sound level sensor."""
    return [silence_rule(member_id, domain="noise", label="bruit")]


LINE = ServiceLine(
    name="noise",
    label="Bruit",
    fleet=(NOISE_SENSORS,),
    demo_projects=demo_projects.NOISE,
    order=20,
    alert_rules=alert_rules,
    alert_rules_for_every_member=True,
    indicators=noise_indicators,
    comparison=ComparisonSpec(compute_noise_periods, loudest_lden, NOISE_METRIC),
    page=DomainPage(
        path="/bruit",
        title="Bruit",
        intro="Niveaux Ld, Le, Ln et Lden des sonomètres (moyennes énergétiques), classes des "
        "cartes de bruit stratégiques et valeurs limites, à titre indicatif hors année complète.",
        quantities=("laeq",),
        figure=lambda result, _: noise_lden_figure(result),
        charted=loudest_stations,
    ),
    dashboard=DashboardCard(key_figure, colour="#7d4e5b"),
    report_section=report_section,
    datasets=(OpenDataset("noise_daily", NOISE_DAILY),),
    words=EquipmentWords(
        "des capteurs de bruit",
        "aucun capteur de bruit",
        "capteur",
        "capteurs",
        "bruit",
    ),
    docs="docs/service-lines.md#noise",
)
