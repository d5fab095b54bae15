"""Use cases of members and users: create, configure, authenticate."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import Conflict, InvalidInput, NotFound
from convergence.members import audit
from convergence.members.credentials import hash_password
from convergence.members.login_sessions import revoke_user_sessions
from convergence.members.queries import get_member, get_user
from convergence.members.roles import MemberKind, Role
from convergence.members.schemas import MemberCreate, MemberOut, MemberSettings, UserCreate, UserOut
from convergence.members.scope import MemberScope, require_admin
from convergence.members.tables import api_tokens, member_communes, members, users
from convergence.territory.reference import load_territory

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "disable_user": "users are disabled by the operator from the command line",
    "create_member": "members are created by the operator from the command line",
    "create_user": "users are created by the operator or a member administrator",
    "set_password": "a user's password, set from the command line or by the user",
}


def create_member(conn: Connection, *, data: MemberCreate, actor: str) -> MemberOut:
    """Create a member and the set of communes it covers."""
    if conn.execute(select(members.c.id).where(members.c.siren == data.siren)).first():
        raise Conflict(f"un adhérent avec le SIREN {data.siren} existe déjà / member exists")
    covered = _covered_communes(data)
    member_id = insert_one(
        conn,
        members,
        siren=data.siren,
        name=data.name,
        kind=data.kind.value,
        insee=data.insee,
        share_level=data.share_level.value,
        retention_days=data.retention_days,
        created_at=utcnow(),
    )
    if covered:
        conn.execute(
            insert(member_communes),
            [{"member_id": member_id, "commune_insee": code} for code in sorted(covered)],
        )
    audit.record(
        conn,
        actor=actor,
        action="member.create",
        member_id=member_id,
        target=f"member:{member_id}",
        details={"siren": data.siren, "name": data.name},
    )
    return get_member(conn, member_id=member_id)


def _covered_communes(data: MemberCreate) -> set[str]:
    territory = load_territory()
    if data.communes is not None:
        for code in data.communes:
            territory.commune(code)  # raises NotFound with the unknown code
        return set(data.communes)
    if data.kind is MemberKind.commune:
        if not data.insee:
            raise InvalidInput("a commune member needs its INSEE code (field `insee`)")
        return {territory.commune(data.insee).insee}
    if data.kind is MemberKind.epci:
        return {c.insee for c in territory.communes_of_epci(data.siren)}
    if data.kind is MemberKind.departement:
        return {c.insee for c in territory.communes_of_departement(_departement_code(data))}
    return set()


def _departement_code(data: MemberCreate) -> str:
    for code, siren in DEPARTEMENT_SIRENS.items():
        if siren == data.siren:
            return code
    raise InvalidInput(
        f"SIREN {data.siren} is not a département of the territory; known: "
        + ", ".join(f"{c} = {s}" for c, s in DEPARTEMENT_SIRENS.items())
    )


# SIREN of the two départements (Conseil départemental), used to derive their communes.
DEPARTEMENT_SIRENS = {"78": "227806460", "92": "229200506"}


def update_member_settings(
    conn: Connection, *, scope: MemberScope, member_id: int, data: MemberSettings
) -> MemberOut:
    """Change what a member shares with the EPCI/département covering it, or its retention."""
    require_admin(scope)
    if not scope.sees_all_members and member_id != scope.member_id:
        raise NotFound(f"member {member_id} not found")
    # Fields sent, even as null: a null retention returns to CONVERGENCE_RETENTION_DAYS_DEFAULT.
    values = data.model_dump(exclude_unset=True, mode="json")
    if values.get("share_level", "") is None:
        del values["share_level"]  # a share level always has a value: null changes nothing
    if values:
        conn.execute(update(members).where(members.c.id == member_id).values(**values))
        audit.record(
            conn,
            actor=scope.actor,
            action="member.update",
            member_id=member_id,
            target=f"member:{member_id}",
            details=values,
        )
    return get_member(conn, member_id=member_id)


def create_user(conn: Connection, *, member_id: int, data: UserCreate, actor: str) -> UserOut:
    """Create a user of ``member_id`` with an argon2-hashed password."""
    member = get_member(conn, member_id=member_id)
    if data.role is Role.operator_admin and member.kind is not MemberKind.operator:
        raise InvalidInput("the operator_admin role belongs to users of the operator member")
    email = data.email.lower()
    if conn.execute(select(users.c.id).where(users.c.email == email)).first():
        raise Conflict(f"un utilisateur {email} existe déjà / user exists")
    user_id = insert_one(
        conn,
        users,
        member_id=member_id,
        email=email,
        full_name=data.full_name,
        role=data.role.value,
        password_hash=hash_password(data.password),
        is_active=True,
        created_at=utcnow(),
    )
    audit.record(
        conn,
        actor=actor,
        action="user.create",
        member_id=member_id,
        target=f"user:{user_id}",
        details={"email": email, "role": data.role.value},
    )
    return get_user(conn, user_id=user_id)


def set_password(conn: Connection, *, email: str, password: str, actor: str) -> None:
    """Replace a user's password."""
    if len(password) < 12:
        raise InvalidInput("a password needs 12 characters at least")
    row = conn.execute(
        select(users.c.id, users.c.member_id).where(users.c.email == email.lower())
    ).first()
    if row is None:
        raise NotFound(f"no user with e-mail {email}")
    conn.execute(
        update(users).where(users.c.id == row.id).values(password_hash=hash_password(password))
    )
    # A new password ends every session: whoever knew the old one is logged out.
    revoke_user_sessions(conn, user_id=row.id, now=utcnow())
    audit.record(
        conn,
        actor=actor,
        action="user.set_password",
        member_id=row.member_id,
        target=f"user:{row.id}",
    )


def disable_user(conn: Connection, *, email: str, actor: str) -> list[str]:
    """Disable a user and end their sessions; returns the names of the live tokens they made.

    Tokens are the member's, not the person's, so they keep working: they are listed here
    and flagged in token lists (``creator_active``) so that an administrator reviews them.
    """
    row = conn.execute(
        select(users.c.id, users.c.member_id).where(users.c.email == email.strip().lower())
    ).first()
    if row is None:
        raise NotFound(f"no user with e-mail {email}")
    conn.execute(update(users).where(users.c.id == row.id).values(is_active=False))
    revoke_user_sessions(conn, user_id=row.id, now=utcnow())
    audit.record(
        conn, actor=actor, action="user.disable", member_id=row.member_id, target=f"user:{row.id}"
    )
    live = conn.execute(
        select(api_tokens.c.name).where(
            api_tokens.c.created_by == f"user:{row.id}", api_tokens.c.revoked_at.is_(None)
        )
    )
    return list(live.scalars())
