"""Append-only, hash-chained audit log of every write, login and token use."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, text

from convergence.db.types import utcnow
from convergence.members.tables import audit_log

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
) -> str:
    """SHA-256 over the previous hash and the canonical form of one entry."""
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
    return hashlib.sha256(canonical.encode()).hexdigest()


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
    query = select(audit_log).order_by(audit_log.c.id)
    with conn.execution_options(yield_per=1000).execute(query) as entries:
        for row in entries:
            broken = _check_entry(row, expected_prev)
            if broken is not None:
                return checked, broken
            expected_prev = row.hash
            checked += 1
    return checked, None


def _check_entry(row: Any, expected_prev: str) -> AuditBreak | None:
    if row.prev_hash != expected_prev:
        return AuditBreak(row.id, "prev_hash does not match the previous entry")
    recomputed = entry_hash(
        prev_hash=row.prev_hash,
        ts=row.ts,
        actor=row.actor,
        member_id=row.member_id,
        action=row.action,
        target=row.target,
        details=row.details,
    )
    if recomputed != row.hash:
        return AuditBreak(row.id, "content was modified after it was written")
    return None
