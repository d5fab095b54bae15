"""Coordination across members: the territory overview and partnership proposals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from convergence.coordination import queries, service
from convergence.coordination.schemas import (
    CommentIn,
    CommentOut,
    CoordinationRules,
    GenerationReport,
    ProposalDetail,
    ProposalOut,
    ProposalSelection,
    StatusChange,
    TerritoryOverview,
    rules_from_settings,
)
from convergence.registry.kinds import DomainName
from convergence.web.api.pagination import Page, PageDep, paginate
from convergence.web.deps import EngineDep, ReadScope, SettingsDep

router = APIRouter(prefix="/coordination", tags=["coordination"])
FiltersDep = Annotated[ProposalSelection, Depends()]


def coordination_rules(settings: SettingsDep) -> CoordinationRules:
    """The thresholds of the partnership rules, from the settings."""
    return rules_from_settings(settings)


RulesDep = Annotated[CoordinationRules, Depends(coordination_rules)]


@router.get("/overview", response_model=TerritoryOverview)
def overview(
    engine: EngineDep, scope: ReadScope, domain: DomainName | None = None
) -> TerritoryOverview:
    """Equipment, projects, networks, suppliers and costs per commune, EPCI and département
    (operator only)."""
    with engine.connect() as conn:
        return queries.territory_overview(conn, scope=scope, domain=domain)


@router.post("/proposals/generate", response_model=GenerationReport)
def generate(engine: EngineDep, scope: ReadScope, rules: RulesDep) -> GenerationReport:
    """Run the partnership rules over every member; existing proposals keep their status."""
    with engine.begin() as conn:
        return service.generate_proposals(conn, scope=scope, rules=rules)


@router.get("/proposals", response_model=Page[ProposalOut])
def list_proposals(
    engine: EngineDep, scope: ReadScope, filters: FiltersDep, page: PageDep
) -> Page[ProposalOut]:
    """Proposals the caller may see, the weightiest first: all for the operator, the sent ones
    concerning a member."""
    with engine.connect() as conn:
        statement = queries.select_proposals(scope=scope, filters=filters)
        return paginate(
            conn,
            statement,
            page,
            to_items=lambda rows: queries.proposal_outs(conn, rows),
            key=("score", "id"),
            newest_first=True,
        )


@router.get("/proposals/{proposal_id}", response_model=ProposalDetail)
def get_proposal(proposal_id: int, engine: EngineDep, scope: ReadScope) -> ProposalDetail:
    with engine.connect() as conn:
        return queries.get_proposal(conn, scope=scope, proposal_id=proposal_id)


@router.post("/proposals/{proposal_id}/status", response_model=ProposalDetail)
def change_status(
    proposal_id: int, change: StatusChange, engine: EngineDep, scope: ReadScope
) -> ProposalDetail:
    """proposed → sent → accepted or declined (operator only); other moves get 409."""
    with engine.begin() as conn:
        return service.change_status(conn, scope=scope, proposal_id=proposal_id, change=change)


@router.post(
    "/proposals/{proposal_id}/comments",
    response_model=CommentOut,
    status_code=status.HTTP_201_CREATED,
)
def add_comment(
    proposal_id: int, comment: CommentIn, engine: EngineDep, scope: ReadScope
) -> CommentOut:
    """Comment on a proposal: the operator, or a writer of a member it concerns."""
    with engine.begin() as conn:
        return service.add_comment(conn, scope=scope, proposal_id=proposal_id, comment=comment)
