"""Signed checkpoints of the audit chain's head, kept outside the database.

A valid chain can still be cut short: deleting the last entries leaves the earlier ones
intact. A checkpoint records the head (last id, its hash, how many entries up to it),
signed with HMAC-SHA256 under the audit key, in a file of the data directory
(``audit-checkpoint.json``, 0600) and in each backup's manifest. ``convergence audit
verify`` checks the chain, then that the checkpointed head is still there, unchanged, with
as many entries before it; then it moves the checkpoint to the current head.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, func, select

from convergence.errors import IntegrityBroken
from convergence.members.audit import AuditBreak
from convergence.members.tables import audit_log

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the checkpoint signs the head of the whole audit chain, for the operator"

FILE_NAME = "audit-checkpoint.json"


class Checkpoint(BaseModel):
    """The audit chain's head at one moment, signed."""

    head_id: int
    head_hash: str
    entries: int
    signature: str = ""

    def payload(self) -> bytes:
        return json.dumps([self.head_id, self.head_hash, self.entries]).encode()


def sign(checkpoint: Checkpoint, key: bytes) -> Checkpoint:
    """The checkpoint with its HMAC-SHA256 signature."""
    signature = hmac.new(key, checkpoint.payload(), hashlib.sha256).hexdigest()
    return checkpoint.model_copy(update={"signature": signature})


def take(conn: Connection, *, key: bytes) -> Checkpoint | None:
    """A signed checkpoint of the current head (None for an empty log)."""
    head = conn.execute(
        select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    ).first()
    if head is None:
        return None
    entries = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    return sign(Checkpoint(head_id=head.id, head_hash=head.hash, entries=entries), key)


def checkpoint_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def write(path: Path, checkpoint: Checkpoint) -> None:
    """Write the checkpoint file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(checkpoint.model_dump_json(indent=2) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    partial.replace(path)


def read(path: Path, *, key: bytes) -> Checkpoint | None:
    """The checkpoint of this file (None when there is none); refuses a forged one."""
    if not path.exists():
        return None
    found = Checkpoint.model_validate_json(path.read_text(encoding="utf-8"))
    return checked(found.model_dump(), key=key)


def checked(data: dict[str, Any], *, key: bytes) -> Checkpoint:
    """A checkpoint whose signature is right under ``key``; IntegrityBroken otherwise."""
    found = Checkpoint.model_validate(data)
    expected = sign(found, key).signature
    if not hmac.compare_digest(expected, found.signature):
        raise IntegrityBroken(
            "point d'ancrage du journal d'audit falsifié ou signé d'une autre clé / the audit "
            "checkpoint's signature is wrong (forged, or another CONVERGENCE_AUDIT_KEY)"
        )
    return found


def check(conn: Connection, checkpoint: Checkpoint) -> AuditBreak | None:
    """Whether the chain still holds the checkpointed head, unchanged and not cut short."""
    head_hash = conn.execute(
        select(audit_log.c.hash).where(audit_log.c.id == checkpoint.head_id)
    ).scalar_one_or_none()
    if head_hash is None:
        return AuditBreak(
            checkpoint.head_id, "entries were removed: the checkpointed head is gone (truncated)"
        )
    if not hmac.compare_digest(head_hash, checkpoint.head_hash):
        return AuditBreak(
            checkpoint.head_id, "the chain was rewritten: the checkpointed head has another hash"
        )
    before = conn.execute(
        select(func.count()).select_from(audit_log).where(audit_log.c.id <= checkpoint.head_id)
    ).scalar_one()
    if before != checkpoint.entries:
        return AuditBreak(
            checkpoint.head_id,
            f"{checkpoint.entries - before} entries before the checkpointed head are missing",
        )
    return None
