"""Authenticating a charge point's handshake: one answer, one cost, and throttled guessing.

Every refusal says the same ``401 unauthorized`` (``docs/ocpp.md``), whether the identity
is unknown, the credentials are missing or the password is wrong; and each costs one PBKDF2
verification (against a dummy hash for an unknown identity), so neither the answer nor its
time tells which identities exist. Failures are counted per address and, for registered
identities only, per identity (a random identity is not one row more); past a few, each
failure doubles the wait before the next attempt of that address or identity is checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Connection

from convergence.charging.credentials import hash_authorization_key, verify_authorization_key
from convergence.members import throttle

REFUSED = "unauthorized"
# The defaults of the CONVERGENCE_OCPP_AUTH_* settings.
IDENTITY = throttle.ThrottlePolicy(free_failures=5, base_s=1.0, max_s=300.0)
ADDRESS = throttle.ThrottlePolicy(free_failures=20, base_s=1.0, max_s=300.0)


@dataclass(frozen=True, slots=True)
class HandshakeThrottle:
    """How failed handshakes are slowed down, per registered identity and per address."""

    identity: throttle.ThrottlePolicy = IDENTITY
    address: throttle.ThrottlePolicy = ADDRESS


DEFAULT_THROTTLE = HandshakeThrottle()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_authorization_key("no-charge-point-has-this-key")


def key_matches(stored: str | None, key: str | None) -> bool:
    """Verify ``key``, spending the same time when there is nothing to verify it against."""
    matches = verify_authorization_key(stored or _dummy_hash(), key or "")
    return matches and stored is not None and key is not None


def _address_key(address: str | None) -> str:
    return f"ocpp:address:{address or 'unknown'}"


def _identity_key(ocpp_id: str) -> str:
    return f"ocpp:identity:{ocpp_id[:300]}"


def wait_s(
    conn: Connection,
    *,
    ocpp_id: str,
    address: str | None,
    now: datetime,
    policies: HandshakeThrottle = DEFAULT_THROTTLE,
) -> float:
    """Seconds before this identity, from this address, may try again (0: now)."""
    return max(
        throttle.wait_s(conn, key=_address_key(address), policy=policies.address, now=now),
        throttle.wait_s(conn, key=_identity_key(ocpp_id), policy=policies.identity, now=now),
    )


def count_failure(
    conn: Connection,
    *,
    ocpp_id: str,
    address: str | None,
    registered: bool,
    now: datetime,
    policies: HandshakeThrottle = DEFAULT_THROTTLE,
) -> None:
    """One more failed handshake of this address (and identity, when it is registered)."""
    throttle.record_failure(conn, key=_address_key(address), policy=policies.address, now=now)
    if registered:
        key = _identity_key(ocpp_id)
        throttle.record_failure(conn, key=key, policy=policies.identity, now=now)


def clear_identity(conn: Connection, *, ocpp_id: str) -> None:
    """The identity authenticated: its failures are forgotten."""
    throttle.clear(conn, key=_identity_key(ocpp_id))
