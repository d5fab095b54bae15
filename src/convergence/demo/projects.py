"""The demo's initiatives: what each commune runs, and what some of them plan — side by side.

Each commune runs one project per domain it has equipment in (the equipment points to it).
A few more are ideas, plans or procurements, which the lines declare
(``ServiceLine.demo_projects``), and a shared network: their neighbours plan the same thing
within months, so that the coordination rules propose joint purchases and a shared network,
as the operator would see them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection, select

from convergence.coordination.queries import list_proposals
from convergence.coordination.schemas import (
    ProposalFilters,
    ProposalStatus,
    StatusChange,
    rules_from_settings,
)
from convergence.coordination.service import change_status, generate_proposals
from convergence.demo.catalogue import ModelSpec, catalogue_models, commune, demo_equipment
from convergence.members.scope import MemberScope
from convergence.registry.kinds import Domain, InitiativeStatus, NetworkTechnology
from convergence.registry.schemas import InitiativeCreate
from convergence.registry.service import create_initiative
from convergence.registry.tables import initiatives
from convergence.servicelines import service_lines
from convergence.settings import Settings
from convergence.simulation.fleet import fleet_kinds


def running_names() -> dict[str, str]:
    """The operating project of each domain with equipment: its line's (or the line's name),
    that of its other demo equipment (``DemoEquipment.project``: the cameras')."""
    lines = service_lines()
    names = {
        spec.domain: spec.contribution.project or lines.get(spec.domain).label
        for spec in fleet_kinds().values()
    }
    return names | {line: item.project for line, item in demo_equipment()}


def _network(domain: str) -> NetworkTechnology | None:
    """The network the domain's simulated devices use, if any."""
    found = [s.contribution.network for s in fleet_kinds().values() if s.domain == domain]
    return NetworkTechnology(found[0]) if found and found[0] else None


GATEWAY_PRICE_EUR = 900  # a LoRaWAN gateway, for a network project


@dataclass(frozen=True, slots=True)
class PlannedProject:
    insee: str
    name: str
    domain: str
    status: InitiativeStatus
    starts_in_days: int  # after the demo's anchor
    units: int
    network: NetworkTechnology | None = None


# The project of the platform itself, not of a line: a shared network.
NETWORK_PROJECT = PlannedProject(
    "92025",
    "Réseau LoRaWAN communal",
    Domain.network,
    InitiativeStatus.planned,
    150,
    8,
    NetworkTechnology.lorawan,
)


def planned_projects() -> list[PlannedProject]:
    """The projects some communes plan: each line's (``ServiceLine.demo_projects``), then the
    shared network."""
    found = [
        PlannedProject(
            p.insee,
            p.name,
            line.name,
            InitiativeStatus(p.status),
            p.starts_in_days,
            p.units,
            NetworkTechnology(p.network) if p.network else None,
        )
        for line in service_lines()
        for p in line.demo_projects
    ]
    return [*found, NETWORK_PROJECT]


def _existing(conn: Connection, member_id: int) -> dict[str, int]:
    rows = conn.execute(
        select(initiatives.c.name, initiatives.c.id).where(initiatives.c.member_id == member_id)
    )
    return {row.name: row.id for row in rows}


def _equipped() -> frozenset[str]:
    """The domains with a device model."""
    return frozenset(spec.domain for spec in catalogue_models().values())


def _spec_of(domain: str) -> ModelSpec:
    return next(spec for spec in catalogue_models().values() if spec.domain == domain)


def _running(insee: str, member_id: int, domain: str, units: int, anchor: date) -> InitiativeCreate:
    spec = _spec_of(domain)
    price = Decimal(spec.unit_price_eur) * Decimal(str(commune(insee).price_factor))
    return InitiativeCreate(
        member_id=member_id,
        name=running_names()[domain],
        domain=domain,
        status=InitiativeStatus.operating,
        budget_eur=(price * units).quantize(Decimal("1")),
        start_date=anchor - timedelta(days=3 * 365),
        end_date=anchor - timedelta(days=2 * 365),
        supplier=spec.vendor,
        network=_network(domain),
        units=units,
        description=f"{units} équipements {spec.vendor} {spec.model} en service.",
    )


def ensure_running_initiatives(
    conn: Connection,
    *,
    scope: MemberScope,
    member_ids: Mapping[str, int],
    units: Counter[tuple[str, str]],
    anchor: date,
) -> dict[tuple[str, str], int]:
    """The operating project of each (commune, domain) with equipment, created when missing."""
    found: dict[tuple[str, str], int] = {}
    for (insee, domain), count in sorted(units.items()):
        member_id = member_ids[insee]
        existing = _existing(conn, member_id)
        name = running_names()[domain]
        if name in existing:
            found[(insee, domain)] = existing[name]
            continue
        data = _running(insee, member_id, domain, count, anchor)
        found[(insee, domain)] = create_initiative(conn, scope=scope, data=data).id
    return found


def _planned(project: PlannedProject, member_id: int, anchor: date) -> InitiativeCreate:
    start = anchor + timedelta(days=project.starts_in_days)
    unit_price = (
        _spec_of(project.domain).unit_price_eur
        if project.domain in _equipped()
        else GATEWAY_PRICE_EUR
    )
    return InitiativeCreate(
        member_id=member_id,
        name=project.name,
        domain=project.domain,
        status=project.status,
        budget_eur=Decimal(unit_price * project.units),
        start_date=start,
        end_date=start + timedelta(days=180),
        network=project.network,
        units=project.units,
        description="Projet de démonstration.",
    )


def ensure_planned_initiatives(
    conn: Connection, *, scope: MemberScope, member_ids: Mapping[str, int], anchor: date
) -> int:
    """The projects that make partnership proposals appear; the number created."""
    created = 0
    for project in planned_projects():
        member_id = member_ids[project.insee]
        if project.name not in _existing(conn, member_id):
            create_initiative(conn, scope=scope, data=_planned(project, member_id, anchor))
            created += 1
    return created


def propose_partnerships(conn: Connection, *, scope: MemberScope, settings: Settings) -> int:
    """Run the partnership rules as the operator would, and send what they propose to the
    members concerned; the number of current proposals."""
    report = generate_proposals(conn, scope=scope, rules=rules_from_settings(settings))
    waiting = list_proposals(
        conn,
        scope=scope,
        filters=ProposalFilters(status=ProposalStatus.proposed, limit=1000),
    )
    for proposal in waiting.items:
        change = StatusChange(status=ProposalStatus.sent)
        change_status(conn, scope=scope, proposal_id=proposal.id, change=change)
    return len(report.created) + len(report.updated) + len(report.unchanged)
