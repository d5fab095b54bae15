"""Read side of the members domain."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, Row, select

from convergence.errors import NotFound
from convergence.members.roles import MemberKind, Role, ShareLevel
from convergence.members.schemas import MemberOut, UserOut
from convergence.members.scope import MemberScope, member_clause
from convergence.members.tables import member_communes, members, users

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "covered_communes": "the communes a member covers decide its own scope",
    "get_user": "the session's user is read to build its scope",
}


def get_member(conn: Connection, *, member_id: int) -> MemberOut:
    """One member by id (no scope: members are not member-owned data)."""
    row = conn.execute(select(members).where(members.c.id == member_id)).first()
    if row is None:
        raise NotFound(f"member {member_id} not found")
    return _member_out(conn, row)


def require_visible_member(conn: Connection, *, scope: MemberScope, member_id: int) -> None:
    """NotFound unless the scope may see ``member_id`` (itself or a commune sharing with it)."""
    found = conn.execute(
        select(members.c.id).where(
            members.c.id == member_id, member_clause(scope, members.c.id, aggregates=True)
        )
    ).first()
    if found is None:
        raise NotFound(f"adhérent {member_id} introuvable / member {member_id} not found")


def find_member(conn: Connection, *, ref: str) -> MemberOut:
    """A member by id, SIREN or INSEE code, as people type it on the command line."""
    ref = ref.strip()
    condition = _member_ref_condition(ref)
    row = conn.execute(select(members).where(condition)).first()
    if row is None:
        raise NotFound(f"no member matches {ref!r} (give its id, SIREN, INSEE code or name)")
    return _member_out(conn, row)


def _member_ref_condition(ref: str) -> ColumnElement[bool]:
    # A 9-digit reference is a SIREN, a 5-character one an INSEE code (2A/2B included).
    if len(ref) == 9 and ref.isdigit():
        return members.c.siren == ref
    if len(ref) == 5:
        return members.c.insee == ref
    if ref.isdigit():
        return members.c.id == int(ref)
    return members.c.name == ref


def list_members(conn: Connection, *, scope: MemberScope) -> list[MemberOut]:
    """The members the scope may see."""
    rows = conn.execute(
        select(members)
        .where(member_clause(scope, members.c.id, aggregates=True))
        .order_by(members.c.name)
    )
    return [_member_out(conn, row) for row in rows]


def covered_communes(conn: Connection, *, member_id: int) -> list[str]:
    """INSEE codes of the communes a member covers."""
    return list(
        conn.execute(
            select(member_communes.c.commune_insee)
            .where(member_communes.c.member_id == member_id)
            .order_by(member_communes.c.commune_insee)
        ).scalars()
    )


def get_user(conn: Connection, *, user_id: int) -> UserOut:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"user {user_id} not found")
    return _user_out(row)


def list_users(conn: Connection, *, scope: MemberScope) -> list[UserOut]:
    """Users of the members the scope administers or reads in full."""
    rows = conn.execute(
        select(users).where(member_clause(scope, users.c.member_id)).order_by(users.c.email)
    )
    return [_user_out(row) for row in rows]


def _member_out(conn: Connection, row: Row[tuple[object, ...]]) -> MemberOut:
    return MemberOut(
        id=row.id,
        siren=row.siren,
        name=row.name,
        kind=MemberKind(row.kind),
        insee=row.insee,
        share_level=ShareLevel(row.share_level),
        retention_days=row.retention_days,
        communes=covered_communes(conn, member_id=row.id),
    )


def _user_out(row: Row[tuple[object, ...]]) -> UserOut:
    return UserOut(
        id=row.id,
        member_id=row.member_id,
        email=row.email,
        full_name=row.full_name,
        role=Role(row.role),
        is_active=row.is_active,
        last_login_at=row.last_login_at,
    )


def member_names(conn: Connection, *, scope: MemberScope) -> dict[int, str]:
    """Names of the members the scope may see, by id, in one query (lists and selects)."""
    rows = conn.execute(
        select(members.c.id, members.c.name)
        .where(member_clause(scope, members.c.id, aggregates=True))
        .order_by(members.c.name)
    )
    return {row.id: row.name for row in rows}
