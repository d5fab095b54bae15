"""API tokens: random secrets shown once, stored hashed, scoped, revocable."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, Row, bindparam, or_, select, update

from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import NotAuthenticated, NotFound
from convergence.members import audit
from convergence.members.credentials import new_token_secret, token_display_prefix, token_hash
from convergence.members.roles import TokenScope
from convergence.members.schemas import TokenCreate, TokenCreated, TokenOut
from convergence.members.scope import MemberScope, member_clause, require_admin, require_write
from convergence.members.tables import api_tokens, users

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "tokens are created and checked before any scope exists"

TOKEN_USE_AUDIT_INTERVAL = timedelta(minutes=1)
# Built once, as every API request looks its token up: SQLAlchemy builds and keys a statement
# made per call anew, which costs twice what running it does.
_BY_SECRET_HASH = select(api_tokens).where(api_tokens.c.secret_hash == bindparam("secret_hash"))


def create_token(
    conn: Connection, *, member_id: int, data: TokenCreate, actor: str
) -> TokenCreated:
    """Issue a token for ``member_id``; the secret is in the result and nowhere else."""
    secret = new_token_secret()
    token_id = insert_one(
        conn,
        api_tokens,
        member_id=member_id,
        name=data.name,
        prefix=token_display_prefix(secret),
        secret_hash=token_hash(secret),
        scopes=sorted(s.value for s in data.scopes),
        integration_id=data.integration_id,
        created_by=actor,
        created_at=utcnow(),
    )
    audit.record(
        conn,
        actor=actor,
        action="token.create",
        member_id=member_id,
        target=f"token:{token_id}",
        details={"name": data.name, "scopes": data.scopes},
    )
    return TokenCreated(**get_token(conn, token_id=token_id).model_dump(), secret=secret)


def create_token_scoped(
    conn: Connection, *, scope: MemberScope, member_id: int, data: TokenCreate
) -> TokenCreated:
    """Issue a token on behalf of a caller allowed to administer ``member_id``."""
    require_admin(scope)
    require_write(scope, member_id)
    return create_token(conn, member_id=member_id, data=data, actor=scope.actor)


def revoke_token(conn: Connection, *, scope: MemberScope, token_id: int) -> TokenOut:
    """Revoke a token of a member the caller administers."""
    token = get_token(conn, token_id=token_id)
    if not conn.execute(
        select(api_tokens.c.id).where(
            api_tokens.c.id == token_id, member_clause(scope, api_tokens.c.member_id)
        )
    ).first():
        raise NotFound(f"token {token_id} not found")
    require_write(scope, token.member_id)
    conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit.record(
        conn,
        actor=scope.actor,
        action="token.revoke",
        member_id=token.member_id,
        target=f"token:{token_id}",
    )
    return get_token(conn, token_id=token_id)


def list_tokens(conn: Connection, *, scope: MemberScope) -> list[TokenOut]:
    """Tokens of the members the scope may see (never their secrets)."""
    rows = conn.execute(
        select(api_tokens)
        .where(member_clause(scope, api_tokens.c.member_id))
        .order_by(api_tokens.c.id)
    ).all()
    active = _creators_active(conn, [row.created_by for row in rows])
    return [
        _token_out(row).model_copy(update={"creator_active": active.get(row.created_by)})
        for row in rows
    ]


def _creators_active(conn: Connection, actors: list[str]) -> dict[str, bool]:
    """For each ``user:<id>`` creator: is that person still an active user?"""
    ids = {int(a[5:]) for a in actors if a.startswith("user:") and a[5:].isdigit()}
    rows = conn.execute(select(users.c.id, users.c.is_active).where(users.c.id.in_(sorted(ids))))
    found = {row.id: row.is_active for row in rows}
    return {f"user:{i}": bool(found.get(i, False)) for i in ids}


def get_token(conn: Connection, *, token_id: int) -> TokenOut:
    row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
    if row is None:
        raise NotFound(f"token {token_id} not found")
    return _token_out(row)


def use_token(conn: Connection, *, secret: str) -> TokenOut:
    """The live token matching ``secret``; records its use. NotAuthenticated otherwise."""
    token = find_token(conn, secret=secret)
    if use_is_due(token):
        record_use(conn, token=token)
    return token


def find_token(conn: Connection, *, secret: str) -> TokenOut:
    """The live token matching ``secret``, read only; NotAuthenticated otherwise."""
    row = conn.execute(_BY_SECRET_HASH, {"secret_hash": token_hash(secret)}).first()
    if row is None or row.revoked_at is not None:
        raise NotAuthenticated(
            "jeton invalide ou révoqué / invalid or revoked token "
            "(send `Authorization: Bearer <token>`)"
        )
    return _token_out(row)


def use_is_due(token: TokenOut) -> bool:
    """True when the token's use is to be recorded (at most once a minute)."""
    return token.last_used_at is None or utcnow() - token.last_used_at >= TOKEN_USE_AUDIT_INTERVAL


def record_use(conn: Connection, *, token: TokenOut) -> None:
    """Record a use of ``token`` in its row and the audit log, once a minute at most.

    Uses are recorded once per minute per token: an ingest client posting ten batches a
    second would otherwise serialise every request on the audit chain. The update says
    whether this request is the one that records it, so concurrent requests audit it once.
    """
    now = utcnow()
    stale = or_(
        api_tokens.c.last_used_at.is_(None),
        api_tokens.c.last_used_at <= now - TOKEN_USE_AUDIT_INTERVAL,
    )
    updated = conn.execute(
        update(api_tokens).where(api_tokens.c.id == token.id, stale).values(last_used_at=now)
    )
    if updated.rowcount != 1:
        return
    audit.record(
        conn,
        actor=f"token:{token.id}",
        action="token.use",
        member_id=token.member_id,
        target=f"token:{token.id}",
    )


def _token_out(row: Row[tuple[object, ...]]) -> TokenOut:
    return TokenOut(
        id=row.id,
        member_id=row.member_id,
        name=row.name,
        prefix=row.prefix,
        scopes=[TokenScope(s) for s in row.scopes],
        integration_id=row.integration_id,
        created_by=row.created_by,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )
