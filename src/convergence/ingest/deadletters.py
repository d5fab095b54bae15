"""The dead-letter store: every refused message, kept with its raw bytes until replayed.

A message is identified by a digest of its source, member, device and bytes: the same
message refused twice (a retry, a QoS 1 redelivery) is one dead letter seen twice.

Bounded, so that refused input cannot fill the disk: a payload longer than ``RAW_MAX_BYTES``
is kept truncated, with its full length and SHA-256 in the metadata (enough to recognise it;
it cannot be replayed); and each member and source keeps at most ``pending_quota`` pending
dead letters: beyond, a new one is only counted in ``dead_letter_overflow`` (and logged).
Both bounds are settings (``CONVERGENCE_DEAD_LETTER_*``), given by the composition root.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convergence.db.types import utcnow
from convergence.ingest.devices import dev_eui_form
from convergence.ingest.envelope import Envelope, Refusal, Source, Status
from convergence.ingest.sanitize import clean_json, clean_text
from convergence.ingest.tables import DEVICE_REF_LENGTH, dead_letter_overflow, dead_letters
from convergence.settings import Settings

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the pipeline keeps what it refused, whoever sent it (reads: ingest.queries)"

REASON_MAX = 2000
TRUNCATED = "raw_truncated"
LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeadLetterLimits:
    """How much refused input is kept: bytes of one payload, pending letters per source."""

    raw_max_bytes: int = 64 * 1024
    pending_quota: int = 10_000

    @classmethod
    def from_settings(cls, settings: Settings) -> DeadLetterLimits:
        return cls(settings.dead_letter_raw_max_bytes, settings.dead_letter_pending_quota)


DEFAULT_LIMITS = DeadLetterLimits()


def device_key(ref: str | None) -> str | None:
    """A device reference as stored: DevEUIs in one spelling, so discovered devices group."""
    if ref is None:
        return None
    return (dev_eui_form(ref) or ref)[:DEVICE_REF_LENGTH]


def digest(*, source: Source, member_id: int | None, device_ref: str | None, raw: bytes) -> str:
    """What identifies one message across retries and replays."""
    head = f"{source.value}\x00{member_id}\x00{device_ref}\x00".encode()
    return hashlib.sha256(head + raw).hexdigest()


def record(
    conn: Connection,
    *,
    envelope: Envelope,
    refusal: Refusal,
    raw: bytes,
    device_ref: str | None,
    metadata: Mapping[str, Any],
    received_again: bool = True,
    limits: DeadLetterLimits = DEFAULT_LIMITS,
) -> int | None:
    """Keep a refused message (or update the one already kept); returns its id.

    None when the member and source are over quota: the message is counted, not kept.
    """
    ref = device_key(clean_text(device_ref) if device_ref is not None else None)
    source, member_id = envelope.source, envelope.member_id
    key = digest(source=source, member_id=member_id, device_ref=ref, raw=raw)
    quota = limits.pending_quota
    if not _known(conn, key) and _over_quota(conn, source=source, member_id=member_id, quota=quota):
        _count_overflow(conn, source=source, member_id=member_id, now=utcnow(), quota=quota)
        return None
    kept, bounds = _bounded(raw, limits.raw_max_bytes)
    values = {
        "digest": key,
        "received_at": envelope.received_at,
        "last_received_at": utcnow(),
        "times_received": 1,
        "source": source.value,
        "member_id": member_id,
        "device_ref": ref,
        "stage": refusal.stage.value,
        "reason_code": refusal.code[:40],
        "reason": clean_text(refusal.reason, REASON_MAX),
        "raw": kept,
        "metadata": clean_json({**_with_device(envelope, metadata), **bounds}),
        "status": Status.pending.value,
    }
    return _upsert(conn, values, received_again=received_again)


def _bounded(raw: bytes, max_bytes: int) -> tuple[bytes, dict[str, Any]]:
    """The bytes to keep, and what says they were cut (full length and SHA-256)."""
    if len(raw) <= max_bytes:
        return raw, {}
    return raw[:max_bytes], {
        TRUNCATED: True,
        "raw_length": len(raw),
        "raw_sha256": hashlib.sha256(raw).hexdigest(),
    }


def is_truncated(metadata: Mapping[str, Any] | None) -> bool:
    """True for a dead letter whose payload was cut (it cannot be replayed)."""
    return bool((metadata or {}).get(TRUNCATED))


def _known(conn: Connection, key: str) -> bool:
    return (
        conn.execute(select(dead_letters.c.id).where(dead_letters.c.digest == key)).first()
        is not None
    )


def _over_quota(conn: Connection, *, source: Source, member_id: int | None, quota: int) -> bool:
    owner = (
        dead_letters.c.member_id.is_(None)
        if member_id is None
        else dead_letters.c.member_id == member_id
    )
    # Counting stops at the quota: the cost stays bounded however large the flood.
    pending = (
        select(dead_letters.c.id)
        .where(owner, dead_letters.c.source == source.value)
        .where(dead_letters.c.status == Status.pending.value)
        .limit(quota)
        .subquery()
    )
    count = conn.execute(select(func.count()).select_from(pending)).scalar_one()
    return bool(count >= quota)


def _count_overflow(
    conn: Connection, *, source: Source, member_id: int | None, now: datetime, quota: int
) -> None:
    key = f"{source.value}:{member_id if member_id is not None else '-'}"
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(dead_letter_overflow).values(
        key=key, source=source.value, member_id=member_id, dropped=1,
        first_dropped_at=now, last_dropped_at=now,
    )  # fmt: skip
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "dropped": dead_letter_overflow.c.dropped + 1,
                "last_dropped_at": statement.excluded.last_dropped_at,
            },
        )
    )
    LOGGER.warning("dead letters of %s over quota (%d pending): one more counted", key, quota)


def overflow_counts(conn: Connection) -> list[dict[str, Any]]:
    """Messages counted but not kept, per member and source."""
    rows = conn.execute(select(dead_letter_overflow).order_by(dead_letter_overflow.c.key))
    return [dict(r._mapping) for r in rows]


def _with_device(envelope: Envelope, metadata: Mapping[str, Any]) -> dict[str, Any]:
    # The device an envelope names by itself (an MQTT topic's) is needed to replay it.
    if envelope.device_ref is None:
        return dict(metadata)
    return {**metadata, "device": envelope.device_ref}


def _upsert(conn: Connection, values: dict[str, Any], *, received_again: bool) -> int:
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(dead_letters).values(**values)
    changes: dict[str, Any] = {
        "stage": statement.excluded.stage,
        "reason_code": statement.excluded.reason_code,
        "reason": statement.excluded.reason,
        "status": Status.pending.value,
    }
    if received_again:
        changes["last_received_at"] = statement.excluded.last_received_at
        changes["times_received"] = dead_letters.c.times_received + 1
    upsert = statement.on_conflict_do_update(index_elements=["digest"], set_=changes)
    new_id: int = conn.execute(upsert.returning(dead_letters.c.id)).scalar_one()
    return new_id


def mark(conn: Connection, *, ids: list[int], status: Status, when: datetime | None = None) -> None:
    """Set the status of dead letters (replayed ones get their replay time)."""
    if not ids:
        return
    replayed_at = (when or utcnow()) if status is Status.replayed else None
    conn.execute(
        update(dead_letters)
        .where(dead_letters.c.id.in_(ids))
        .values(status=status.value, replayed_at=replayed_at)
    )
