"""Binding a member scope from an authenticated user or API token."""

from __future__ import annotations

from sqlalchemy import BindParameter, Connection, bindparam, select

from convergence.errors import NotFound
from convergence.members.queries import get_member
from convergence.members.roles import MemberKind, Role, ShareLevel, TokenScope
from convergence.members.schemas import TokenOut, UserOut
from convergence.members.scope import MemberScope
from convergence.members.tables import member_communes, members

# Built once, as every request binds a scope: SQLAlchemy builds and keys a statement made per
# call anew, which costs more than running it.
_MEMBER: BindParameter[int] = bindparam("member_id")
_MEMBER_KIND = select(members.c.kind).where(members.c.id == _MEMBER)
_COVERED_COMMUNES = select(member_communes.c.commune_insee).where(
    member_communes.c.member_id == _MEMBER
)
_GRANTING_MEMBERS = select(members.c.id, members.c.share_level).where(
    members.c.kind == MemberKind.commune.value,
    members.c.insee.in_(_COVERED_COMMUNES),
    members.c.id != _MEMBER,
)


def scope_for_user(conn: Connection, *, user: UserOut) -> MemberScope:
    """The scope of a logged-in user."""
    member = get_member(conn, member_id=user.member_id)
    full, aggregates = _granted_member_ids(conn, member_id=member.id)
    return MemberScope(
        member_id=member.id,
        actor=f"user:{user.id}",
        role=user.role,
        full_member_ids=full,
        aggregate_member_ids=aggregates,
        sees_all_members=member.kind is MemberKind.operator and user.role is Role.operator_admin,
    )


def scope_for_token(conn: Connection, *, token: TokenOut) -> MemberScope:
    """The scope of a request authenticated by an API token."""
    # Only the member's kind is needed (read per request: not its communes, as get_member does).
    kind = conn.execute(_MEMBER_KIND, {"member_id": token.member_id}).scalar()
    if kind is None:
        raise NotFound(f"member {token.member_id} not found")
    scopes = frozenset(token.scopes)
    full, aggregates = _granted_member_ids(conn, member_id=token.member_id)
    return MemberScope(
        member_id=token.member_id,
        actor=f"token:{token.id}",
        token_scopes=scopes,
        full_member_ids=full,
        aggregate_member_ids=aggregates,
        sees_all_members=kind == MemberKind.operator.value and TokenScope.admin in scopes,
        integration_id=token.integration_id,
    )


def reader_scope(conn: Connection, *, member_id: int, actor: str) -> MemberScope:
    """What a reader (viewer) of ``member_id`` reads, for work done on its behalf in the
    background, such as computing its pages' figures before anyone asks; never the whole
    view of the operator's administrators, and never a writer."""
    full, aggregates = _granted_member_ids(conn, member_id=member_id)
    return MemberScope(
        member_id=member_id,
        actor=actor,
        role=Role.viewer,
        full_member_ids=full,
        aggregate_member_ids=aggregates,
    )


def _granted_member_ids(
    conn: Connection, *, member_id: int
) -> tuple[frozenset[int], frozenset[int]]:
    """Commune members covered by ``member_id`` that share their data, by sharing level."""
    rows = conn.execute(_GRANTING_MEMBERS, {"member_id": member_id}).all()
    full = frozenset(r.id for r in rows if r.share_level == ShareLevel.full.value)
    aggregates = full | frozenset(
        r.id for r in rows if r.share_level == ShareLevel.aggregates.value
    )
    return full | {member_id}, aggregates | {member_id}
