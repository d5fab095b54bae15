"""The access register: every view, replay, extraction, export and purge, hash-chained.

Each member (each controller) has its own chain, so the extract handed to the CNIL or the
departmental commission verifies on its own. Entries are kept three years; the oldest kept
entry anchors the chain from then on (its ``prev_hash`` is taken as given).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, delete, select, text

from convergence.db.types import utcnow
from convergence.members.scope import MemberScope, member_clause
from convergence.video.kinds import AccessAction, Motive, Outcome
from convergence.video.schemas import RegisterCheck, RegisterEntryOut
from convergence.video.tables import video_register

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the register is written by every access check and verified per member"

GENESIS_HASH = "0" * 64
KEEP_FOR = timedelta(days=3 * 365 + 1)  # three years, a leap day included
_PG_LOCK_BASE = 7_342_000  # advisory lock per member, serialising appends to its chain


@dataclass(frozen=True, slots=True)
class Entry:
    """What one register line says (the field list of the camera decrees)."""

    member_id: int
    agent: str
    action: AccessAction
    outcome: Outcome
    motive: Motive
    system_id: int | None = None
    agent_name: str = ""
    procedure_number: str = ""
    requester: str = ""
    recipient: str = ""
    camera_asset_id: int | None = None
    clips: list[dict[str, Any]] = field(default_factory=list)
    export_sha256: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def _canonical(prev_hash: str, ts: datetime, values: dict[str, Any]) -> str:
    fields = [prev_hash, ts.isoformat(timespec="microseconds")]
    fields += [values[name] for name in HASHED_FIELDS]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), default=str)


HASHED_FIELDS = (
    "member_id",
    "system_id",
    "agent",
    "agent_name",
    "action",
    "outcome",
    "motive",
    "procedure_number",
    "requester",
    "recipient",
    "camera_asset_id",
    "clips",
    "export_sha256",
    "details",
)


def entry_hash(prev_hash: str, ts: datetime, values: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(prev_hash, ts, values).encode()).hexdigest()


def append(conn: Connection, entry: Entry) -> int:
    """Write one line to the member's register, chained to its previous line; its id."""
    if conn.dialect.name == "postgresql":
        lock = _PG_LOCK_BASE + entry.member_id
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})
    prev = conn.execute(
        select(video_register.c.hash)
        .where(video_register.c.member_id == entry.member_id)
        .order_by(video_register.c.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    values = _values(entry)
    ts = utcnow()
    prev_hash = prev or GENESIS_HASH
    digest = entry_hash(prev_hash, ts, values)
    statement = video_register.insert().values(ts=ts, prev_hash=prev_hash, hash=digest, **values)
    new_id: int = conn.execute(statement.returning(video_register.c.id)).scalar_one()
    return new_id


def _values(entry: Entry) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in HASHED_FIELDS}
    # Stored as JSON text with sorted keys, so the hash recomputes from what was stored.
    values["details"] = json.dumps(entry.details, ensure_ascii=False, sort_keys=True, default=str)
    values["clips"] = json.loads(json.dumps(entry.clips, default=str))
    for name in ("action", "outcome", "motive"):
        values[name] = str(values[name])
    return values


def verify(conn: Connection, *, member_id: int) -> RegisterCheck:
    """Walk one member's register; the first line whose content or link no longer holds."""
    query = (
        select(video_register)
        .where(video_register.c.member_id == member_id)
        .order_by(video_register.c.id)
    )
    expected: str | None = None
    checked = 0
    for row in conn.execute(query):
        values = {name: getattr(row, name) for name in HASHED_FIELDS}
        if expected is not None and row.prev_hash != expected:
            return _broken(member_id, checked, row.id, "prev_hash does not match the previous line")
        if entry_hash(row.prev_hash, row.ts, values) != row.hash:
            return _broken(member_id, checked, row.id, "content was modified after it was written")
        expected = row.hash
        checked += 1
    return RegisterCheck(member_id=member_id, checked=checked, intact=True)


def _broken(member_id: int, checked: int, entry_id: int, reason: str) -> RegisterCheck:
    return RegisterCheck(
        member_id=member_id, checked=checked, intact=False, broken_entry_id=entry_id, reason=reason
    )


def expire(conn: Connection, *, now: datetime | None = None) -> int:
    """Delete lines older than three years; how many went."""
    cutoff = (now or utcnow()) - KEEP_FOR
    result = conn.execute(delete(video_register).where(video_register.c.ts < cutoff))
    return result.rowcount or 0


def select_entries(
    *,
    scope: MemberScope,
    member_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    action: AccessAction | None = None,
) -> Select[Any]:
    """The statement of the register lines the caller may read, filtered."""
    query = select(video_register).where(member_clause(scope, video_register.c.member_id))
    if member_id is not None:
        query = query.where(video_register.c.member_id == member_id)
    if since is not None:
        query = query.where(video_register.c.ts >= since)
    if until is not None:
        query = query.where(video_register.c.ts < until)
    if action is not None:
        query = query.where(video_register.c.action == action.value)
    return query


def entry_out(row: Any) -> RegisterEntryOut:
    return _entry_out(row)


def list_entries(
    conn: Connection,
    *,
    scope: MemberScope,
    member_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    action: AccessAction | None = None,
    limit: int = 1000,
) -> list[RegisterEntryOut]:
    """Register lines the caller may read, newest first."""
    query = select_entries(
        scope=scope, member_id=member_id, since=since, until=until, action=action
    )
    rows = conn.execute(query.order_by(video_register.c.id.desc()).limit(limit))
    return [_entry_out(row) for row in rows]


def _entry_out(row: Any) -> RegisterEntryOut:
    fields = {name: getattr(row, name) for name in RegisterEntryOut.model_fields}
    fields["details"] = json.loads(row.details)
    return RegisterEntryOut(**fields)
