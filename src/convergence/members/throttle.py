"""Counting failed authentications per key and making the next attempt wait longer each time.

A key names what is attacked: an account (``login:account:<e-mail>``), an address
(``login:address:<ip>``), an OCPP identity. The first ``free_failures`` failures cost nothing
(people mistype); after that each failure doubles the wait before the next attempt is even
checked, up to ``max_s``. A key left alone for ``window_s`` starts again from zero. Counts
live in the database, so every worker process sees them and a restart does not reset them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from convergence.members.tables import auth_failures


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """How many failures are free, and how the wait grows after them."""

    free_failures: int
    base_s: float = 1.0
    max_s: float = 900.0
    window_s: float = 3600.0

    def wait_after(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failures in a row."""
        beyond = failures - self.free_failures
        if beyond <= 0:
            return 0.0
        return float(min(self.base_s * 2 ** (beyond - 1), self.max_s))


def wait_s(conn: Connection, *, key: str, policy: ThrottlePolicy, now: datetime) -> float:
    """Seconds before ``key`` may try again (0: now)."""
    row = conn.execute(select(auth_failures).where(auth_failures.c.key == key)).first()
    if row is None or (now - row.last_failure_at).total_seconds() > policy.window_s:
        return 0.0
    ready: datetime = row.last_failure_at + timedelta(seconds=policy.wait_after(row.failures))
    return max(0.0, (ready - now).total_seconds())


def record_failure(conn: Connection, *, key: str, policy: ThrottlePolicy, now: datetime) -> int:
    """Count one more failure of ``key``; returns the failures in a row."""
    row = conn.execute(select(auth_failures).where(auth_failures.c.key == key)).first()
    if row is not None:
        stale = (now - row.last_failure_at).total_seconds() > policy.window_s
        failures = 1 if stale else row.failures + 1
        conn.execute(
            update(auth_failures)
            .where(auth_failures.c.key == key)
            .values(failures=failures, last_failure_at=now)
        )
        return int(failures)
    try:
        with conn.begin_nested():
            conn.execute(insert(auth_failures).values(key=key, failures=1, last_failure_at=now))
    except IntegrityError:  # another worker counted the first failure at the same moment
        return record_failure(conn, key=key, policy=policy, now=now)
    return 1


def clear(conn: Connection, *, key: str) -> None:
    """Forget the failures of ``key`` (after a success)."""
    conn.execute(delete(auth_failures).where(auth_failures.c.key == key))
