"""What the partnership rules read: every member's initiatives and equipment, operator only.

This is the explicit cross-member read of coordination: ``load_snapshot`` takes the
operator's scope (``sees_all_members``) and refuses any other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from convergence.members.roles import MemberKind
from convergence.members.scope import MemberScope, member_clause, require_operator
from convergence.members.tables import member_communes, members
from convergence.registry.kinds import AssetKind, AssetStatus, NetworkTechnology
from convergence.registry.tables import assets, device_models, initiatives


@dataclass(frozen=True, slots=True)
class MemberInfo:
    id: int
    name: str
    kind: MemberKind
    insee: str | None
    communes: frozenset[str]


@dataclass(frozen=True, slots=True)
class InitiativeInfo:
    id: int
    member_id: int
    domain: str
    status: str
    start_date: date | None
    supplier: str | None
    network: str | None
    units: int | None
    budget_eur: Decimal | None


@dataclass(frozen=True, slots=True)
class NetworkAsset:
    """A positioned piece of equipment that is part of a member's network of one technology."""

    id: int
    member_id: int
    network: str
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class PricedAsset:
    id: int
    member_id: int
    device_model_id: int
    cost_eur: Decimal


@dataclass(frozen=True, slots=True)
class DeviceModelInfo:
    id: int
    vendor: str
    model: str
    domain: str


@dataclass
class Snapshot:
    members: dict[int, MemberInfo]
    initiatives: list[InitiativeInfo]
    network_assets: list[NetworkAsset]
    priced_assets: list[PricedAsset]
    device_models: dict[int, DeviceModelInfo]
    # domain -> commune -> number of assets in service or on their way (not retired)
    equipped: dict[str, dict[str, int]] = field(default_factory=dict)


def load_snapshot(conn: Connection, *, scope: MemberScope) -> Snapshot:
    """Initiatives and equipment of every member (the operator's cross-member read)."""
    require_operator(scope)
    return Snapshot(
        members=_members(conn, scope),
        initiatives=_initiatives(conn, scope),
        network_assets=_network_assets(conn, scope),
        priced_assets=_priced_assets(conn, scope),
        device_models=_device_models(conn),
        equipped=_equipped(conn, scope),
    )


def _members(conn: Connection, scope: MemberScope) -> dict[int, MemberInfo]:
    covered: dict[int, set[str]] = defaultdict(set)
    pairs = conn.execute(
        select(member_communes.c.member_id, member_communes.c.commune_insee).where(
            member_clause(scope, member_communes.c.member_id)
        )
    )
    for member_id, insee in pairs:
        covered[member_id].add(insee)
    rows = conn.execute(select(members).where(member_clause(scope, members.c.id)))
    return {
        row.id: MemberInfo(
            id=row.id,
            name=row.name,
            kind=MemberKind(row.kind),
            insee=row.insee,
            communes=frozenset(covered[row.id]),
        )
        for row in rows
    }


def _initiatives(conn: Connection, scope: MemberScope) -> list[InitiativeInfo]:
    rows = conn.execute(
        select(initiatives)
        .where(member_clause(scope, initiatives.c.member_id))
        .order_by(initiatives.c.id)
    )
    return [
        InitiativeInfo(
            id=row.id,
            member_id=row.member_id,
            domain=row.domain,
            status=row.status,
            start_date=row.start_date,
            supplier=row.supplier,
            network=row.network,
            units=row.units,
            budget_eur=row.budget_eur,
        )
        for row in rows
    ]


def _network_assets(conn: Connection, scope: MemberScope) -> list[NetworkAsset]:
    """Positioned assets of an initiative with a network, and gateways tagged with one."""
    positioned = (
        member_clause(scope, assets.c.member_id),
        assets.c.lon.is_not(None),
        assets.c.lat.is_not(None),
        assets.c.status != AssetStatus.retired.value,
    )
    linked = conn.execute(
        select(assets.c.id, assets.c.member_id, assets.c.lon, assets.c.lat, initiatives.c.network)
        .join(initiatives, initiatives.c.id == assets.c.initiative_id)
        .where(initiatives.c.network.is_not(None), *positioned)
    )
    found = {(r.id, r.network): _network_asset(r, r.network) for r in linked}
    gateways = conn.execute(
        select(assets.c.id, assets.c.member_id, assets.c.lon, assets.c.lat, assets.c.tags).where(
            assets.c.kind == AssetKind.gateway.value, *positioned
        )
    )
    for row in gateways:
        for tag in _technology_tags(row.tags):
            found.setdefault((row.id, tag), _network_asset(row, tag))
    return sorted(found.values(), key=lambda a: (a.id, a.network))


def _technology_tags(tags: Any) -> set[str]:
    known = {t.value for t in NetworkTechnology}
    return {str(tag).strip().lower() for tag in tags or []} & known


def _network_asset(row: Any, network: str) -> NetworkAsset:
    return NetworkAsset(
        id=row.id, member_id=row.member_id, network=network, lon=row.lon, lat=row.lat
    )


def _priced_assets(conn: Connection, scope: MemberScope) -> list[PricedAsset]:
    rows = conn.execute(
        select(assets.c.id, assets.c.member_id, assets.c.device_model_id, assets.c.cost_eur)
        .where(
            member_clause(scope, assets.c.member_id),
            assets.c.device_model_id.is_not(None),
            assets.c.cost_eur.is_not(None),
        )
        .order_by(assets.c.id)
    )
    return [
        PricedAsset(
            id=r.id, member_id=r.member_id, device_model_id=r.device_model_id, cost_eur=r.cost_eur
        )
        for r in rows
    ]


def _device_models(conn: Connection) -> dict[int, DeviceModelInfo]:
    rows = conn.execute(select(device_models))
    return {
        r.id: DeviceModelInfo(id=r.id, vendor=r.vendor, model=r.model, domain=r.domain)
        for r in rows
    }


def _equipped(conn: Connection, scope: MemberScope) -> dict[str, dict[str, int]]:
    rows = conn.execute(
        select(assets.c.domain, assets.c.commune_insee, func.count())
        .where(
            member_clause(scope, assets.c.member_id),
            assets.c.commune_insee.is_not(None),
            assets.c.status != AssetStatus.retired.value,
        )
        .group_by(assets.c.domain, assets.c.commune_insee)
    )
    equipped: dict[str, dict[str, int]] = defaultdict(dict)
    for domain, insee, count in rows:
        equipped[domain][insee] = count
    return dict(equipped)
