"""The traffic line: daily counts per direction, TMJ, TMJO, TMJA, heavy vehicles, speeds."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib.resources import files
from typing import Any

from sqlalchemy import Connection

from convergence.alerts.defaults import silence_rule
from convergence.alerts.schemas import RuleCreate
from convergence.indicators.service import ComparisonSpec
from convergence.indicators.services.traffic import (
    TRAFFIC_METRIC,
    busiest_tmj,
    compute_traffic_volumes,
    traffic_indicators,
)
from convergence.lines import demo_projects
from convergence.lines.periods import last_days
from convergence.lines.simulated import TRAFFIC_COUNTERS
from convergence.members.scope import MemberScope
from convergence.opendata.counts import build_counts
from convergence.opendata.drafts import Built, Source
from convergence.opendata.specs import Cadence, Geometry, KindSpec, ResourceSpec
from convergence.reports.figures_services import busiest_site, tmja, traffic_figure
from convergence.reports.monthly_services import traffic_section
from convergence.reports.overview import days_query
from convergence.reports.schemas import KeyFigure, Section
from convergence.servicelines import (
    DashboardCard,
    DomainPage,
    EquipmentWords,
    OpenDataset,
    ServiceLine,
)
from convergence.web.pages.domains.indicators import busiest_sites, traffic_days_figure

TRAFFIC_DAYS = 14


def key_figure(conn: Connection, *, scope: MemberScope, commune: str, today: date) -> KeyFigure:
    """Yesterday at the busiest site against its TMJA of last year (or its recent TMJ)."""
    query = last_days(today, TRAFFIC_DAYS, commune=commune)
    recent = traffic_indicators(conn, scope=scope, query=query)
    site = busiest_site(recent)
    annual = None
    if site is not None:
        year = today.year - 1
        query = days_query(
            date(year, 1, 1), date(year, 12, 31), commune=commune, asset_id=site.station.asset_id
        )
        annual = tmja(traffic_indicators(conn, scope=scope, query=query), year)
    return traffic_figure(recent, today - timedelta(days=1), annual)


def report_section(
    conn: Connection, *, scope: MemberScope, commune: str, first: date, last: date
) -> Section:
    """The month's TMJ and TMJO per counting site, and the busiest site's daily counts."""
    query = days_query(first, last, commune=commune)
    return traffic_section(traffic_indicators(conn, scope=scope, query=query))


# The national *comptage des mobilités* schemas, as transcribed here (``data/README.md``).
COUNTS_SITE = "comptage-mobilites-site"
COUNTS_CHANNEL = "comptage-mobilites-channel"
COUNTS_MEASURE = "comptage-mobilites-measure"
OFFICIAL = "https://schema.data.gouv.fr/etalab/schema-{name}/"


def packaged_schema(name: str) -> dict[str, Any]:
    """A Table Schema this package ships (``data/schemas/<name>.json``)."""
    path = files("convergence.lines") / "data" / "schemas" / f"{name}.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


# The national *comptage des mobilités* files, named as the schema suggests.
TRAFFIC_COUNTS = KindSpec(
    "Comptage des mobilités — {member}",
    "Comptages horaires des compteurs de la collectivité selon le schéma national de "
    "comptage des mobilités : sites, canaux (un par sens) et mesures.",
    ("comptage", "trafic", "mobilité", "comptage des mobilités"),
    ("TRAN",),
    Cadence.hourly,
    (
        ResourceSpec(
            "site",
            COUNTS_SITE,
            "Sites de comptage",
            Geometry("xlong", "ylat"),
            official_page=OFFICIAL.format(name=COUNTS_SITE),
        ),
        ResourceSpec(
            "channel",
            COUNTS_CHANNEL,
            "Canaux de comptage",
            official_page=OFFICIAL.format(name=COUNTS_CHANNEL),
        ),
        ResourceSpec(
            "measure",
            COUNTS_MEASURE,
            "Mesures horaires",
            official_page=OFFICIAL.format(name=COUNTS_MEASURE),
        ),
    ),
    "traffic",
    file_name="comptagemobilites_{resource}_{member}",
)


def build_traffic_counts(conn: Connection, source: Source) -> Built:
    """Sites, channels and hourly measures of the member's traffic counters."""
    return build_counts(conn, source=source, spec=TRAFFIC_COUNTS)


def alert_rules(member_id: int) -> list[RuleCreate]:
    """A silent traffic sensor."""
    return [silence_rule(member_id, domain="traffic", label="trafic")]


LINE = ServiceLine(
    name="traffic",
    label="Trafic",
    fleet=(TRAFFIC_COUNTERS,),
    demo_projects=demo_projects.TRAFFIC,
    order=30,
    alert_rules=alert_rules,
    alert_rules_for_every_member=True,
    indicators=traffic_indicators,
    comparison=ComparisonSpec(compute_traffic_volumes, busiest_tmj, TRAFFIC_METRIC),
    page=DomainPage(
        path="/trafic",
        title="Trafic",
        intro="Comptages par jour et par sens, trafic moyen journalier (TMJ, TMJO, TMJA sur "
        "mois complets), part des poids lourds et vitesses.",
        quantities=("vehicle_count", "speed"),
        figure=lambda result, _: traffic_days_figure(result),
        charted=busiest_sites,
    ),
    dashboard=DashboardCard(key_figure, colour="#a94600"),
    report_section=report_section,
    datasets=(
        OpenDataset(
            "traffic_counts",
            TRAFFIC_COUNTS,
            schemas={
                name: packaged_schema(name)
                for name in (COUNTS_SITE, COUNTS_CHANNEL, COUNTS_MEASURE)
            },
            build=build_traffic_counts,
        ),
    ),
    words=EquipmentWords(
        "des compteurs de trafic",
        "aucun compteur de trafic",
        "compteur",
        "compteurs",
        "trafic",
    ),
    docs="docs/service-lines.md#traffic",
)
