"""The dead-letter store: every refused message, kept with its raw bytes until replayed.

A message is identified by a digest of its source, member, device and bytes: the same
message refused twice (a retry, a QoS 1 redelivery) is one dead letter seen twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convergence.db.types import utcnow
from convergence.ingest.devices import dev_eui_form
from convergence.ingest.envelope import Envelope, Refusal, Source, Status
from convergence.ingest.sanitize import clean_json, clean_text
from convergence.ingest.tables import DEVICE_REF_LENGTH, dead_letters

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the pipeline keeps what it refused, whoever sent it (reads: ingest.queries)"

REASON_MAX = 2000


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
) -> int:
    """Keep a refused message (or update the one already kept); returns its id."""
    ref = device_key(clean_text(device_ref) if device_ref is not None else None)
    source, member_id = envelope.source, envelope.member_id
    values = {
        "digest": digest(source=source, member_id=member_id, device_ref=ref, raw=raw),
        "received_at": envelope.received_at,
        "last_received_at": utcnow(),
        "times_received": 1,
        "source": source.value,
        "member_id": member_id,
        "device_ref": ref,
        "stage": refusal.stage.value,
        "reason_code": refusal.code[:40],
        "reason": clean_text(refusal.reason, REASON_MAX),
        "raw": raw,
        "metadata": clean_json(_with_device(envelope, metadata)),
        "status": Status.pending.value,
    }
    return _upsert(conn, values, received_again=received_again)


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
