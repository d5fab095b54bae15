"""Building a test territory through the real services: members, projects, equipment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine

from convergence.coordination import queries, service
from convergence.coordination.schemas import (
    CoordinationRules,
    GenerationReport,
    ProposalFilters,
    ProposalKind,
    ProposalOut,
    ProposalStatus,
    StatusChange,
)
from convergence.members.roles import MemberKind, Role
from convergence.members.schemas import MemberCreate
from convergence.members.scope import MemberScope
from convergence.members.service import create_member
from convergence.registry.kinds import AssetKind, Domain, InitiativeStatus, NetworkTechnology
from convergence.registry.schemas import AssetCreate, DeviceModelCreate, InitiativeCreate
from convergence.registry.service import create_asset, create_initiative, register_device_model
from convergence.territory.geometry import load_commune_index
from convergence.territory.reference import load_territory
from tests.support import Territory

VERSAILLES, LE_CHESNAY, BOUGIVAL, MANTES = "78646", "78158", "78092", "78361"
BOULOGNE, ISSY, MEUDON, SAINT_CLOUD, SEVRES, CHAVILLE = (
    "92012",
    "92040",
    "92048",
    "92064",
    "92072",
    "92022",
)


def point_in(insee: str) -> tuple[float, float]:
    """A point surely inside the commune (a centroid may fall outside a crescent)."""
    index = load_commune_index()
    point = index.geometries[index.position(insee)].representative_point()
    return round(point.x, 6), round(point.y, 6)


@dataclass
class Builder:
    """Creates what a test needs, each member acting through its own scope."""

    engine: Engine
    territory: Territory

    @property
    def operator(self) -> MemberScope:
        return MemberScope(
            member_id=self.territory.operator.id,
            actor="test:operator",
            role=Role.operator_admin,
            sees_all_members=True,
        )

    def scope(self, member_id: int) -> MemberScope:
        return MemberScope(member_id=member_id, actor=f"test:{member_id}", role=Role.technician)

    def commune(self, insee: str) -> int:
        """The commune's member, created unless the shared fixture already has it."""
        known = {VERSAILLES: self.territory.versailles.id, BOULOGNE: self.territory.boulogne.id}
        if insee in known:
            return known[insee]
        commune = load_territory().commune(insee)
        data = MemberCreate(
            siren=commune.siren, name=commune.name, kind=MemberKind.commune, insee=insee
        )
        with self.engine.begin() as conn:
            return create_member(conn, data=data, actor="test").id

    def project(
        self,
        member_id: int,
        *,
        domain: Domain = Domain.air,
        status: InitiativeStatus = InitiativeStatus.planned,
        start: date | None = None,
        units: int | None = None,
        budget: int | None = None,
        network: NetworkTechnology | None = None,
        supplier: str | None = None,
    ) -> int:
        data = InitiativeCreate(
            name=f"projet {domain} {member_id}",
            domain=domain,
            status=status,
            start_date=start,
            units=units,
            budget_eur=Decimal(budget) if budget is not None else None,
            network=network,
            supplier=supplier,
        )
        with self.engine.begin() as conn:
            return create_initiative(conn, scope=self.scope(member_id), data=data).id

    def equipment(
        self,
        member_id: int,
        *,
        at: str | None = None,
        kind: AssetKind = AssetKind.sensor,
        domain: Domain = Domain.air,
        initiative_id: int | None = None,
        cost: str | None = None,
        device_model_id: int | None = None,
        tags: list[str] | None = None,
        status: str = "active",
    ) -> int:
        lon, lat = point_in(at) if at else (None, None)
        data = AssetCreate.model_validate(
            {
                "name": f"{kind} {domain}",
                "kind": kind,
                "domain": domain,
                "status": status,
                "lon": lon,
                "lat": lat,
                "initiative_id": initiative_id,
                "cost_eur": cost,
                "device_model_id": device_model_id,
                "tags": tags or [],
                "member_id": member_id,
            }
        )
        scope = self.operator if member_id == self.territory.operator.id else self.scope(member_id)
        with self.engine.begin() as conn:
            return create_asset(conn, scope=scope, data=data).id

    def device_model(self, vendor: str, model: str, domain: Domain = Domain.air) -> int:
        data = DeviceModelCreate(vendor=vendor, model=model, domain=domain)
        with self.engine.begin() as conn:
            return register_device_model(conn, data=data, actor="test").id

    def generate(self, rules: CoordinationRules | None = None) -> GenerationReport:
        with self.engine.begin() as conn:
            return service.generate_proposals(
                conn, scope=self.operator, rules=rules or CoordinationRules()
            )

    def send(self, proposal_id: int) -> None:
        change = StatusChange(status=ProposalStatus.sent)
        with self.engine.begin() as conn:
            service.change_status(conn, scope=self.operator, proposal_id=proposal_id, change=change)

    def proposals(
        self, kind: ProposalKind | None = None, *, include_stale: bool = False
    ) -> list[ProposalOut]:
        filters = ProposalFilters(kind=kind, include_stale=include_stale)
        with self.engine.connect() as conn:
            return queries.list_proposals(conn, scope=self.operator, filters=filters).items
