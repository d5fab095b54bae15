"""The charging line: availability and occupation of the points of charge, sessions, energy."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from convergence.alerts.kinds import Severity, TargetKind
from convergence.alerts.schemas import EventParams, RuleCreate
from convergence.charging.alerting import TRUE
from convergence.charging.irve.schemas import IrveKind
from convergence.charging.irve.schemas import load_schema as irve_schema
from convergence.charging.kinds import EventKind
from convergence.indicators.services.charging import charging_indicators
from convergence.lines import demo_projects
from convergence.lines.periods import last_days
from convergence.lines.simulated import CHARGE_POINTS
from convergence.members.scope import MemberScope
from convergence.opendata.charging_files import build_irve_dynamic, build_irve_static
from convergence.opendata.drafts import Built, Source
from convergence.opendata.kinds import Licence
from convergence.opendata.specs import Cadence, Geometry, KindSpec, LicenceRule, ResourceSpec
from convergence.reports.figures_services import charging_figure
from convergence.reports.monthly_services import charging_section
from convergence.reports.overview import days_query
from convergence.reports.schemas import KeyFigure, Section
from convergence.servicelines import (
    DashboardCard,
    DomainPage,
    EquipmentWords,
    OpenDataset,
    ServiceLine,
)

CHARGING_DAYS = 7
NAME = "charging"


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


# The official IRVE schemas (etalab/schema-irve), shipped by ``convergence.charging``.
IRVE_STATIC_SCHEMA = "schema-irve-statique"
IRVE_DYNAMIC_SCHEMA = "schema-irve-dynamique"
OFFICIAL = "https://schema.data.gouv.fr/etalab/{name}/"

# Décret 2021-546: IRVE data is published "sous licence ouverte".
LICENCE_OUVERTE = LicenceRule(
    Licence.etalab_2_0,
    "les données IRVE sont publiées sous Licence Ouverte (décret 2021-546) / IRVE data is "
    "published under the Licence Ouverte 2.0 (etalab-2.0)",
)
IRVE_STATIC = KindSpec(
    "Infrastructures de recharge pour véhicules électriques (IRVE) — {member}",
    "Points de recharge de la collectivité selon le schéma national IRVE statique "
    "(décret 2017-26 modifié, arrêté du 4 mai 2021).",
    ("IRVE", "recharge", "véhicules électriques", "bornes"),
    ("TRAN", "ENER"),
    Cadence.snapshot,
    (
        ResourceSpec(
            "irve_static",
            IRVE_STATIC_SCHEMA,
            "IRVE statique",
            Geometry(geopoint="coordonneesXY"),
            official_page=OFFICIAL.format(name=IRVE_STATIC_SCHEMA),
        ),
    ),
    NAME,
    file_name="irve_statique_{member}",
    licence=LICENCE_OUVERTE,
)
# The current state of the points of charge: a live file, covering no period.
IRVE_DYNAMIC = KindSpec(
    "Disponibilité des points de recharge (IRVE dynamique) — {member}",
    "État et occupation actuels des points de recharge de la collectivité selon le schéma "
    "national IRVE dynamique.",
    ("IRVE", "recharge", "disponibilité", "temps réel"),
    ("TRAN", "ENER"),
    Cadence.snapshot,
    (
        ResourceSpec(
            "irve_dynamic",
            IRVE_DYNAMIC_SCHEMA,
            "IRVE dynamique",
            official_page=OFFICIAL.format(name=IRVE_DYNAMIC_SCHEMA),
        ),
    ),
    NAME,
    file_name="irve_dynamique_{member}",
    licence=LICENCE_OUVERTE,
    live=True,
)


def build_static(conn: Connection, source: Source) -> Built:
    """The IRVE static file of the member's stations."""
    return build_irve_static(conn, source=source, spec=IRVE_STATIC)


def build_dynamic(conn: Connection, source: Source) -> Built:
    """The IRVE dynamic file of the member's points of charge."""
    return build_irve_dynamic(conn, source=source, spec=IRVE_DYNAMIC)


# What the central system's events say, as rules every member with charge points wants:
# - a charger in fault: ``ocpp.status`` with ``charge_point_faulted = true`` (any connector
#   Faulted, or the whole charge point); the next status without a fault resolves it;
# - a charger unavailable: ``ocpp.status`` with ``charge_point_unavailable = true`` (any
#   connector Unavailable, or the whole charge point: out of service, though not faulted);
# - a charger offline: ``ocpp.connection`` with ``state = offline``, stored once nothing was
#   heard for ``offline_after_intervals`` heartbeat intervals; ``online`` resolves it;
# - repeated failed sessions: ``ocpp.session`` with ``repeated_failures = true`` once
#   ``failed_sessions_alert`` sessions in a row failed; a completed session resolves it.
CHARGING_RULES = (
    ("Borne en défaut", EventKind.status, {"charge_point_faulted": TRUE}, Severity.critical),
    ("Borne indisponible", EventKind.status, {"charge_point_unavailable": TRUE}, Severity.warning),
    ("Borne hors ligne", EventKind.connection, {"state": "offline"}, Severity.warning),
    ("Échecs de charge répétés", EventKind.session, {"repeated_failures": TRUE}, Severity.warning),
)


def alert_rules(member_id: int) -> list[RuleCreate]:
    """The charging alert rules every member with chargers wants."""
    return [
        RuleCreate(
            name=name,
            member_id=member_id,
            target_kind=TargetKind.domain,
            domain=NAME,
            severity=severity,
            params=EventParams(event_kind=kind.value, match=match),
            cooldown_s=0,
        )
        for name, kind, match, severity in CHARGING_RULES
    ]


LINE = ServiceLine(
    name=NAME,
    label="Recharge de véhicules",
    fleet=(CHARGE_POINTS,),
    demo_projects=demo_projects.CHARGING,
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
    datasets=(
        OpenDataset(
            "irve_static",
            IRVE_STATIC,
            schemas={IRVE_STATIC_SCHEMA: irve_schema(IrveKind.static)},
            build=build_static,
        ),
        OpenDataset(
            "irve_dynamic",
            IRVE_DYNAMIC,
            schemas={IRVE_DYNAMIC_SCHEMA: irve_schema(IrveKind.dynamic)},
            build=build_dynamic,
        ),
    ),
    words=EquipmentWords(
        "des bornes de recharge",
        "aucune borne de recharge",
        "point de charge",
        "points de charge",
        "recharge électrique",
    ),
    docs="docs/service-lines.md#charging",
    alert_rules=alert_rules,
)
