"""Login sessions kept on the server, so that they can be ended before they expire.

The browser's cookie carries only a random secret (256 bits); the server keeps its SHA-256
with the user and the expiry. Logging out revokes the session; a new password or a disabled
account revokes every session of the user. Nothing about the person travels in the cookie.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from convergence.members.credentials import token_hash
from convergence.members.queries import get_user
from convergence.members.schemas import UserOut
from convergence.members.tables import user_sessions, users

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "a session is read to build its user's scope"


def open_session(conn: Connection, *, user_id: int, now: datetime, max_age_s: int) -> str:
    """A new session of ``user_id``; returns its secret (to put in the cookie)."""
    secret = secrets.token_urlsafe(32)
    conn.execute(
        user_sessions.insert().values(
            secret_hash=token_hash(secret),
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age_s),
        )
    )
    return secret


def session_user(conn: Connection, *, secret: str, now: datetime) -> UserOut | None:
    """The active user of a live session; None when revoked, expired or unknown."""
    user_id = conn.execute(
        select(user_sessions.c.user_id)
        .join(users, users.c.id == user_sessions.c.user_id)
        .where(
            user_sessions.c.secret_hash == token_hash(secret),
            user_sessions.c.revoked_at.is_(None),
            user_sessions.c.expires_at > now,
            users.c.is_active.is_(True),
        )
    ).scalar_one_or_none()
    return None if user_id is None else get_user(conn, user_id=user_id)


def revoke_session(conn: Connection, *, secret: str, now: datetime) -> None:
    """End one session (logging out)."""
    conn.execute(
        update(user_sessions)
        .where(user_sessions.c.secret_hash == token_hash(secret))
        .where(user_sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_user_sessions(conn: Connection, *, user_id: int, now: datetime) -> int:
    """End every session of a user (new password, account disabled); returns how many."""
    result = conn.execute(
        update(user_sessions)
        .where(user_sessions.c.user_id == user_id, user_sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount)
