"""Logging in: throttled per account and per address, audited, in the same time for all.

- Throttling: after a few failures, each failure of an account or of an address doubles the
  wait before the next attempt is even checked (``throttle.py``), so guessing a password at
  a useful rate is impossible while a person who mistypes twice is never bothered.
- Every failure is audited, and counted, in the caller's transaction, which commits:
  ``attempt_login`` returns None instead of raising, so nothing is rolled back.
- An unknown e-mail costs one argon2 verification against a dummy hash, like a known one,
  so the answer time does not tell whether an account exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Connection, select, update

from convergence.errors import RateLimited
from convergence.members import audit, throttle
from convergence.members.credentials import hash_password, verify_password
from convergence.members.queries import get_user
from convergence.members.schemas import UserOut
from convergence.members.tables import users
from convergence.settings import Settings

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "logging in happens before any scope exists"

# The defaults of the CONVERGENCE_LOGIN_* settings.
ACCOUNT = throttle.ThrottlePolicy(free_failures=5, base_s=2.0)
ADDRESS = throttle.ThrottlePolicy(free_failures=20, base_s=2.0)


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    """How failed logins are slowed down, per account and per address."""

    account: throttle.ThrottlePolicy = ACCOUNT
    address: throttle.ThrottlePolicy = ADDRESS

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginThrottle:
        def policy(free_failures: int) -> throttle.ThrottlePolicy:
            return throttle.ThrottlePolicy(
                free_failures,
                base_s=settings.login_throttle_base_s,
                max_s=settings.login_throttle_max_s,
                window_s=settings.auth_throttle_window_s,
            )

        return cls(
            policy(settings.login_account_free_failures),
            policy(settings.login_address_free_failures),
        )


DEFAULT_THROTTLE = LoginThrottle()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("no account has this password: it only spends the time of one")


def _keys(email: str, address: str, policies: LoginThrottle) -> dict[str, throttle.ThrottlePolicy]:
    return {
        f"login:account:{email}": policies.account,
        f"login:address:{address}": policies.address,
    }


def normalised_email(email: str) -> str:
    return email.strip().lower()[:320]


def login_wait_s(
    conn: Connection,
    *,
    email: str,
    address: str,
    now: datetime,
    policies: LoginThrottle = DEFAULT_THROTTLE,
) -> float:
    """Seconds before this account, from this address, may try again (0: now)."""
    keys = _keys(normalised_email(email), address, policies)
    return max(throttle.wait_s(conn, key=k, policy=p, now=now) for k, p in keys.items())


def throttled(conn: Connection, *, email: str, address: str, wait: float) -> RateLimited:
    """Audit an attempt refused unchecked; the error to raise once that is committed."""
    audit.record(
        conn,
        actor="anonymous",
        action="login.throttled",
        target=f"email:{normalised_email(email)}",
        details={"address": address, "wait_s": round(wait)},
    )
    return RateLimited(
        f"Trop de tentatives : réessayez dans {int(wait) + 1} secondes / too many attempts: "
        f"retry in {int(wait) + 1} s",
        retry_after=int(wait) + 1,
    )


def attempt_login(
    conn: Connection,
    *,
    email: str,
    password: str,
    address: str,
    now: datetime,
    policies: LoginThrottle = DEFAULT_THROTTLE,
) -> UserOut | None:
    """The active user with these credentials, or None (the failure audited and counted)."""
    email = normalised_email(email)
    row = conn.execute(select(users).where(users.c.email == email)).first()
    matches = verify_password(row.password_hash if row else _dummy_hash(), password)
    if row is None or not row.is_active or not matches:
        for key, policy in _keys(email, address, policies).items():
            throttle.record_failure(conn, key=key, policy=policy, now=now)
        audit.record(
            conn,
            actor=f"user:{row.id}" if row else "anonymous",
            action="login.failed",
            member_id=row.member_id if row else None,
            target=f"user:{row.id}" if row else f"email:{email}",
            details={"address": address},
        )
        return None
    throttle.clear(conn, key=f"login:account:{email}")
    conn.execute(update(users).where(users.c.id == row.id).values(last_login_at=now))
    audit.record(
        conn,
        actor=f"user:{row.id}",
        action="login",
        member_id=row.member_id,
        target=f"user:{row.id}",
        details={"address": address},
    )
    return get_user(conn, user_id=row.id)
