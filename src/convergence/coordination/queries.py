"""Read side of coordination: proposals as each caller may see them, the territory overview.

The operator sees every proposal. A member sees the proposals that concern it (through the
member scope) once the operator has sent them: a draft stays the operator's until then.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Numeric,
    Row,
    Select,
    and_,
    case,
    exists,
    func,
    select,
    true,
)

from convergence.coordination.schemas import (
    CommentOut,
    CommuneRef,
    MemberRef,
    ProposalDetail,
    ProposalFilters,
    ProposalOut,
    ProposalPage,
    ProposalSelection,
    ProposalStatus,
    TerritoryOverview,
)
from convergence.coordination.tables import comments, proposal_members, proposals
from convergence.coordination.tallies import MemberPlace, TallyBook
from convergence.errors import NotFound
from convergence.members.roles import MemberKind
from convergence.members.scope import MemberScope, member_clause, require_operator, require_scope
from convergence.members.tables import member_communes, members
from convergence.registry.kinds import AssetStatus
from convergence.registry.tables import assets, device_models, initiatives
from convergence.territory.reference import load_territory


def visible_clause(scope: MemberScope) -> ColumnElement[bool]:
    """Proposals the scope may read: all for the operator, else sent ones that concern it."""
    scope = require_scope(scope)
    if scope.sees_all_members:
        return true()
    concerns = exists().where(
        proposal_members.c.proposal_id == proposals.c.id,
        member_clause(scope, proposal_members.c.member_id),
    )
    return and_(proposals.c.status != ProposalStatus.proposed.value, concerns)


def get_proposal(conn: Connection, *, scope: MemberScope, proposal_id: int) -> ProposalDetail:
    """One proposal with its comments; NotFound when the scope may not see it."""
    row = conn.execute(
        select(proposals).where(proposals.c.id == proposal_id, visible_clause(scope))
    ).first()
    if row is None:
        raise NotFound(f"proposition {proposal_id} introuvable / proposal {proposal_id} not found")
    out = _proposal_outs(conn, [row])[0]
    return ProposalDetail(**out.model_dump(), comments=list_comments(conn, proposal_id=row.id))


def list_proposals(
    conn: Connection, *, scope: MemberScope, filters: ProposalFilters
) -> ProposalPage:
    """A page of the proposals the scope may see, the weightiest first."""
    query = _filtered(scope, filters)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(
        query.order_by(proposals.c.score.desc(), proposals.c.id)
        .limit(filters.limit)
        .offset(filters.offset)
    ).all()
    return ProposalPage(
        items=_proposal_outs(conn, rows), total=total, limit=filters.limit, offset=filters.offset
    )


def select_proposals(*, scope: MemberScope, filters: ProposalSelection) -> Select[Any]:
    """The statement of the proposals the scope may see, filtered."""
    return _filtered(scope, filters)


def proposal_outs(conn: Connection, rows: Sequence[Row[Any]]) -> list[ProposalOut]:
    """The proposals of ``rows``, with the members they concern."""
    return _proposal_outs(conn, rows)


def _filtered(scope: MemberScope, filters: ProposalSelection) -> Select[Any]:
    query = select(proposals).where(visible_clause(scope))
    for column, value in (
        (proposals.c.kind, filters.kind),
        (proposals.c.domain, filters.domain),
        (proposals.c.status, filters.status),
    ):
        if value is not None:
            query = query.where(column == str(value))
    if filters.member_id is not None:
        query = query.where(
            exists().where(
                proposal_members.c.proposal_id == proposals.c.id,
                proposal_members.c.member_id == filters.member_id,
            )
        )
    if not filters.include_stale:
        query = query.where(proposals.c.stale_since.is_(None))
    return query


def _proposal_outs(conn: Connection, rows: Sequence[Row[Any]]) -> list[ProposalOut]:
    concerned = _members_of(conn, [row.id for row in rows])
    territory = load_territory()
    return [
        ProposalOut(
            id=row.id,
            kind=row.kind,
            domain=row.domain,
            status=row.status,
            title=row.title,
            explanation=row.explanation,
            members=concerned[row.id],
            communes=[CommuneRef(insee=c, name=territory.commune(c).name) for c in row.communes],
            evidence=row.evidence,
            score=row.score,
            fingerprint=row.fingerprint,
            created_at=row.created_at,
            updated_at=row.updated_at,
            generated_at=row.generated_at,
            status_changed_at=row.status_changed_at,
            stale_since=row.stale_since,
        )
        for row in rows
    ]


def _members_of(conn: Connection, proposal_ids: list[int]) -> dict[int, list[MemberRef]]:
    # Names of the members a proposal concerns are part of what is proposed to each of them.
    rows = conn.execute(
        select(proposal_members.c.proposal_id, members.c.id, members.c.name)
        .join(members, members.c.id == proposal_members.c.member_id)
        .where(proposal_members.c.proposal_id.in_(proposal_ids))
        .order_by(members.c.name)
    )
    found: dict[int, list[MemberRef]] = defaultdict(list)
    for proposal_id, member_id, name in rows:
        found[proposal_id].append(MemberRef(id=member_id, name=name))
    return found


def list_comments(conn: Connection, *, proposal_id: int) -> list[CommentOut]:
    """Comments of a proposal the caller was already allowed to read, oldest first."""
    rows = conn.execute(
        select(comments)
        .where(comments.c.proposal_id == proposal_id)
        .order_by(comments.c.created_at, comments.c.id)
    )
    return [CommentOut.model_validate(row._asdict()) for row in rows]


def get_comment(conn: Connection, *, comment_id: int) -> CommentOut:
    row = conn.execute(select(comments).where(comments.c.id == comment_id)).one()
    return CommentOut.model_validate(row._asdict())


def territory_overview(
    conn: Connection, *, scope: MemberScope, domain: str | None = None
) -> TerritoryOverview:
    """Equipment, projects, networks, suppliers and costs per commune, EPCI and département.

    Operator only: it reads every member's registry.
    """
    require_operator(scope)
    book = TallyBook(load_territory())
    places = _member_places(conn, scope)
    for row in conn.execute(_asset_groups(scope, domain)):
        book.add_assets(
            domain=row.domain,
            places=book.places_of_asset(row.commune_insee, places.get(row.member_id)),
            count=row.assets_count,
            cost=row.cost,
            budgeted=bool(row.budgeted),
            vendor=row.vendor,
        )
    for row in conn.execute(_initiative_rows(scope, domain)):
        book.add_initiative(
            domain=row.domain,
            places=book.places_of_member(places.get(row.member_id)),
            network=row.network,
            supplier=row.supplier,
            budget=row.budget_eur,
        )
    return book.overview(only=domain)


def _member_places(conn: Connection, scope: MemberScope) -> dict[int, MemberPlace]:
    covered: dict[int, set[str]] = defaultdict(set)
    for member_id, insee in conn.execute(
        select(member_communes.c.member_id, member_communes.c.commune_insee).where(
            member_clause(scope, member_communes.c.member_id)
        )
    ):
        covered[member_id].add(insee)
    rows = conn.execute(
        select(members.c.id, members.c.kind, members.c.insee, members.c.siren).where(
            member_clause(scope, members.c.id)
        )
    )
    return {
        row.id: MemberPlace(
            kind=MemberKind(row.kind),
            insee=row.insee,
            siren=row.siren,
            communes=frozenset(covered[row.id]),
        )
        for row in rows
    }


def _asset_groups(scope: MemberScope, domain: str | None) -> Select[Any]:
    """Assets in service or to come, counted and costed per commune, member, vendor."""
    budgeted = case((initiatives.c.budget_eur.is_not(None), 1), else_=0)
    keys = (assets.c.domain, assets.c.commune_insee, assets.c.member_id, device_models.c.vendor)
    query = (
        select(
            *keys,
            budgeted.label("budgeted"),
            func.count().label("assets_count"),
            func.sum(assets.c.cost_eur, type_=Numeric(14, 2)).label("cost"),
        )
        .select_from(
            assets.outerjoin(initiatives, initiatives.c.id == assets.c.initiative_id).outerjoin(
                device_models, device_models.c.id == assets.c.device_model_id
            )
        )
        .where(
            member_clause(scope, assets.c.member_id),
            assets.c.status != AssetStatus.retired.value,
        )
        .group_by(*keys, budgeted)
    )
    return query if domain is None else query.where(assets.c.domain == domain)


def _initiative_rows(scope: MemberScope, domain: str | None) -> Select[Any]:
    query = select(
        initiatives.c.member_id,
        initiatives.c.domain,
        initiatives.c.network,
        initiatives.c.supplier,
        initiatives.c.budget_eur,
    ).where(member_clause(scope, initiatives.c.member_id))
    return query if domain is None else query.where(initiatives.c.domain == domain)
