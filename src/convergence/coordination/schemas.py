"""Pydantic models of coordination: the rules' thresholds, proposals, comments, the overview."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from convergence.registry.kinds import DomainName, NetworkTechnology
from convergence.registry.schemas import OffsetWindow
from convergence.servicelines import service_lines


class ProposalKind(StrEnum):
    joint_purchase = "joint_purchase"
    shared_network = "shared_network"
    coverage_gap = "coverage_gap"
    duplicate_effort = "duplicate_effort"


class ProposalStatus(StrEnum):
    proposed = "proposed"
    sent = "sent"
    accepted = "accepted"
    declined = "declined"


def gap_domains() -> list[str]:
    """The lines whose equipment people miss: those that name it (``ServiceLine.words``), in
    their order. Networks and "other" equipment are no service: no gap analysis for them."""
    return [line.name for line in service_lines() if line.words is not None]


class CoordinationRules(BaseModel):
    """Thresholds of the partnership rules; each maps to the setting ``coordination_<name>``."""

    joint_purchase_window_days: int = Field(
        default=183, ge=0, description="largest gap between the start dates of grouped projects"
    )
    shared_network_radius_m: float = Field(
        default=2000.0, gt=0, description="radio range around a gateway or device of a network"
    )
    shared_network_min_overlap_km2: float = Field(
        default=0.0, ge=0, description="two coverages share more than this area to be grouped"
    )
    shared_network_technologies: list[NetworkTechnology] = Field(
        default_factory=lambda: [
            NetworkTechnology.lorawan,
            NetworkTechnology.nbiot,
            NetworkTechnology.sigfox,
            NetworkTechnology.cellular,
            NetworkTechnology.fibre,
            NetworkTechnology.wifi,
        ]
    )
    coverage_gap_min_neighbour_share: float = Field(
        default=0.5, ge=0, le=1, description="equipped share of the neighbours' population"
    )
    coverage_gap_min_equipped_neighbours: int = Field(default=2, ge=1)
    coverage_gap_domains: list[DomainName] = Field(default_factory=gap_domains)
    duplicate_price_spread: float = Field(
        default=0.2,
        ge=0,
        description="proposed when (highest − lowest unit price) / lowest exceeds it",
    )


def rules_from_settings(settings: object) -> CoordinationRules:
    """The rules from ``settings.coordination_<field>``; a field the settings lack keeps its
    default (so the rules work before and after the settings gain them)."""
    values = {
        name: getattr(settings, f"coordination_{name}")
        for name in CoordinationRules.model_fields
        if hasattr(settings, f"coordination_{name}")
    }
    return CoordinationRules.model_validate(values)


class ProposalDraft(BaseModel):
    """What a rule proposes, before it is stored (or matched to a stored proposal)."""

    kind: ProposalKind
    domain: DomainName
    member_ids: list[int]
    communes: list[str]
    key: str = Field(description="what distinguishes two proposals of one kind, domain, members")
    title: str
    explanation: str
    evidence: dict[str, Any]
    score: float = Field(description="orders proposals: euros, people or units at stake")


class MemberRef(BaseModel):
    id: int
    name: str


class CommuneRef(BaseModel):
    insee: str
    name: str


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


class CommentOut(BaseModel):
    id: int
    proposal_id: int
    author: str
    author_member_id: int | None
    body: str
    created_at: datetime


class StatusChange(BaseModel):
    status: ProposalStatus
    comment: str | None = Field(default=None, max_length=5000)


class ProposalOut(BaseModel):
    id: int
    kind: ProposalKind
    domain: DomainName
    status: ProposalStatus
    title: str
    explanation: str
    members: list[MemberRef]
    communes: list[CommuneRef]
    evidence: dict[str, Any]
    score: float
    fingerprint: str
    created_at: datetime
    updated_at: datetime
    generated_at: datetime
    status_changed_at: datetime | None
    stale_since: datetime | None = Field(
        description="set when the latest generation no longer finds what supports it"
    )


class ProposalDetail(ProposalOut):
    comments: list[CommentOut]


class ProposalSelection(BaseModel):
    """Which proposals: by kind, domain, status or member concerned."""

    kind: ProposalKind | None = None
    domain: DomainName | None = None
    status: ProposalStatus | None = None
    member_id: int | None = None
    include_stale: bool = False


class ProposalFilters(ProposalSelection):
    """A selection and a page of it, by offset (the proposals page, the CLI)."""

    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


ProposalPage = OffsetWindow[ProposalOut]


class GenerationReport(BaseModel):
    created: list[int]
    updated: list[int] = Field(description="found again, with a new explanation or evidence")
    unchanged: list[int]
    stale: list[int] = Field(description="no longer supported by the data; status kept")
    by_kind: dict[ProposalKind, int]


class Tally(BaseModel):
    """Counts and costs of one place (or the whole territory) for one domain."""

    assets: int = 0
    initiatives: int = 0
    networks: dict[str, int] = Field(
        default_factory=dict, description="technology -> initiatives and assets using it"
    )
    suppliers: dict[str, int] = Field(
        default_factory=dict, description="supplier of initiatives -> number of initiatives"
    )
    vendors: dict[str, int] = Field(
        default_factory=dict, description="device model vendor -> number of assets"
    )
    assets_cost_eur: Decimal = Decimal(0)
    initiatives_budget_eur: Decimal = Decimal(0)
    cost_eur: Decimal = Field(
        default=Decimal(0),
        description="initiative budgets plus the cost of assets outside a budgeted initiative",
    )


class PlaceTally(BaseModel):
    code: str = Field(description="INSEE code, EPCI SIREN or département code")
    name: str
    kind: str | None = Field(default=None, description="for an EPCI: CA, CC, CU, METRO, EPT")
    lon: float | None = None
    lat: float | None = None
    population: int | None = None
    tally: Tally


class DomainOverview(BaseModel):
    domain: DomainName
    totals: Tally
    communes: list[PlaceTally]
    epcis: list[PlaceTally]
    departements: list[PlaceTally]


class TerritoryOverview(BaseModel):
    domains: list[DomainOverview]
