"""Append-only, hash-chained audit log of every write, login and token use.

Each entry's hash is an HMAC-SHA256, keyed with a key that is not in the database
(``CONVERGENCE_AUDIT_KEY``, else derived from ``CONVERGENCE_SECRET_KEY``; the engine carries
it, see ``db/engine.py``), over the previous hash and the entry: whoever can write to the
database but not read the settings cannot edit an entry and recompute the hashes after it.
Removing the last entries leaves a valid chain, so its head is also anchored outside the
database by signed checkpoints (``audit_checkpoint.py``).

Entries written before the chain was keyed (plain SHA-256) are accepted only as the chain's
first entries, before any keyed one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text

from convergence.db.engine import AUDIT_KEY_INFO
from convergence.db.types import utcnow
from convergence.members.tables import audit_log
from convergence.settings import DEV_SECRET_KEY, derive_audit_key

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the audit log is written by every use case and verified whole by the operator"

GENESIS_HASH = "0" * 64
_PG_AUDIT_LOCK = 7_341_001  # advisory lock id serialising appends on PostgreSQL


@dataclass(frozen=True, slots=True)
class AuditBreak:
    """The first audit row whose content no longer matches the chain."""

    entry_id: int
    reason: str


def entry_hash(
    *,
    prev_hash: str,
    ts: datetime,
    actor: str,
    member_id: int | None,
    action: str,
    target: str,
    details: str,
    key: bytes | None = None,
) -> str:
    """HMAC-SHA256 with ``key`` (SHA-256 without: the first, unkeyed entries) of one entry."""
    canonical = json.dumps(
        [
            prev_hash,
            ts.isoformat(timespec="microseconds"),
            actor,
            member_id,
            action,
            target,
            details,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    if key is None:
        return hashlib.sha256(canonical.encode()).hexdigest()
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def key_of(conn: Connection) -> bytes:
    """The audit key this connection carries (the development key when it carries none)."""
    key = conn.info.get(AUDIT_KEY_INFO)
    return key if isinstance(key, bytes) else derive_audit_key(DEV_SECRET_KEY)


def record(
    conn: Connection,
    *,
    actor: str,
    action: str,
    member_id: int | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the audit log, chained to the previous one."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    prev = conn.execute(
        select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    ).scalar_one_or_none()
    # Microsecond precision survives both backends, so the hash recomputes identically.
    ts = utcnow()
    body = json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str)
    prev_hash = prev or GENESIS_HASH
    digest = entry_hash(
        prev_hash=prev_hash,
        ts=ts,
        actor=actor,
        member_id=member_id,
        action=action,
        target=target,
        details=body,
        key=key_of(conn),
    )
    conn.execute(
        audit_log.insert().values(
            ts=ts,
            actor=actor,
            member_id=member_id,
            action=action,
            target=target,
            details=body,
            prev_hash=prev_hash,
            hash=digest,
        )
    )


def verify_chain(conn: Connection) -> tuple[int, AuditBreak | None]:
    """Walk the whole log; return how many entries were checked and the first break, if any."""
    expected_prev = GENESIS_HASH
    checked = 0
    key = key_of(conn)
    legacy = True  # unkeyed entries are accepted until the first keyed one
    query = select(audit_log).order_by(audit_log.c.id)
    with conn.execution_options(yield_per=1000).execute(query) as entries:
        for row in entries:
            broken, keyed = _check_entry(row, expected_prev, key, legacy_allowed=legacy)
            if broken is not None:
                return checked, broken
            legacy = legacy and not keyed
            expected_prev = row.hash
            checked += 1
    return checked, None


def _check_entry(
    row: Any, expected_prev: str, key: bytes, *, legacy_allowed: bool
) -> tuple[AuditBreak | None, bool]:
    """The break this entry makes, if any, and whether it is keyed."""
    if row.prev_hash != expected_prev:
        return AuditBreak(row.id, "prev_hash does not match the previous entry"), False
    fields = {
        "prev_hash": row.prev_hash,
        "ts": row.ts,
        "actor": row.actor,
        "member_id": row.member_id,
        "action": row.action,
        "target": row.target,
        "details": row.details,
    }
    if hmac.compare_digest(entry_hash(**fields, key=key), row.hash):
        return None, True
    if legacy_allowed and hmac.compare_digest(entry_hash(**fields), row.hash):
        return None, False
    return AuditBreak(row.id, "content was modified after it was written (or another key)"), False
