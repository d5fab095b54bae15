"""Replaying dead letters through the pipeline, by hand or when a device gets registered."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Row, and_, or_, select

from convergence.ingest import deadletters
from convergence.ingest.envelope import UNKNOWN_DEVICE, Envelope, Source, Status
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.prepared import Prepared
from convergence.ingest.queries import get_dead_letter
from convergence.ingest.schemas import ReplayReport
from convergence.ingest.tables import dead_letters
from convergence.members.scope import MemberScope, require_operator, require_write
from convergence.registry.events import Registered, RegistryListener
from convergence.registry.tables import assets
from convergence.timeseries.committed import defer

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "replay": "replays the ids its callers chose (replay_one checks the scope)",
    "prepare_replay": "decodes the ids its callers chose (the catch-up, the command)",
    "store_replay": "stores what prepare_replay decoded for those callers",
    "replay_for_device": "the registration of the member's own device",
    "replay_for_member": "the import of the member's own equipment",
}

logger = logging.getLogger(__name__)


def envelope_of(row: Row[Any]) -> Envelope:
    """The envelope a dead letter was made from."""
    metadata = dict(row.metadata or {})
    device = metadata.get("device")
    return Envelope(
        source=Source(row.source),
        raw=row.raw,
        received_at=row.received_at,
        member_id=row.member_id,
        device_ref=device if isinstance(device, str) else None,
        metadata=metadata,
    )


def replay(conn: Connection, *, pipeline: Pipeline, ids: Sequence[int]) -> ReplayReport:
    """Run dead letters through the pipeline again; those taken in are marked replayed.

    Run it in a transaction of ``Runtime.begin()``, whose reactors are told what it stored.
    """
    return store_replay(conn, pipeline=pipeline, prepared=prepare_replay(conn, pipeline, ids))


@dataclass(slots=True)
class PreparedReplay:
    """Dead letters read and decoded again, waiting for the transaction that stores them."""

    rows: list[Row[Any]]
    truncated: list[int]
    batch: Prepared | None


def prepare_replay(
    source: Connection | Engine, pipeline: Pipeline, ids: Sequence[int]
) -> PreparedReplay:
    """Read the letters and decode them; given an engine, with no transaction open while the
    codecs run (the catch-up, the command). Replaying twice stores nothing twice."""
    if isinstance(source, Engine):
        with source.connect() as conn:
            rows = _replayable(conn, ids)
    else:
        rows = _replayable(source, ids)
    # A truncated payload cannot be taken in: it stays refused, without a second dead letter.
    truncated = [r.id for r in rows if deadletters.is_truncated(r.metadata)]
    rows = [r for r in rows if not deadletters.is_truncated(r.metadata)]
    envelopes = [envelope_of(r) for r in rows]
    batch = pipeline.prepare(source, envelopes, replaying=True) if rows else None
    return PreparedReplay(rows, truncated, batch)


def store_replay(conn: Connection, *, pipeline: Pipeline, prepared: PreparedReplay) -> ReplayReport:
    """Store what ``prepare_replay`` decoded, in the caller's transaction; mark the letters."""
    report = ReplayReport()
    report.still_refused.extend(prepared.truncated)
    if prepared.batch is None:
        return report
    result = pipeline.store(conn, prepared.batch)
    defer(conn, result.committed)  # the reactors hear of it once the caller commits
    for row, outcome in zip(prepared.rows, result.outcomes, strict=True):
        again = {rejection.dead_letter_id for rejection in outcome.rejections}
        (report.still_refused if row.id in again else report.replayed).append(row.id)
        report.stored += outcome.stored
        report.duplicates += outcome.duplicates
    deadletters.mark(conn, ids=report.replayed, status=Status.replayed)
    return report


def _replayable(conn: Connection, ids: Sequence[int]) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(dead_letters)
            .where(dead_letters.c.id.in_(sorted(set(ids))))
            .where(dead_letters.c.status != Status.replayed.value)
            .order_by(dead_letters.c.id)
        ).all()
    )


def replay_one(
    conn: Connection, *, scope: MemberScope, pipeline: Pipeline, dead_letter_id: int
) -> ReplayReport:
    """Replay a dead letter the caller may change (the operator's, when it has no member)."""
    _require_change(conn, scope=scope, dead_letter_id=dead_letter_id)
    return replay(conn, pipeline=pipeline, ids=[dead_letter_id])


def discard(conn: Connection, *, scope: MemberScope, dead_letter_id: int) -> None:
    """Give up on a dead letter (it stays in the store, marked discarded)."""
    _require_change(conn, scope=scope, dead_letter_id=dead_letter_id)
    deadletters.mark(conn, ids=[dead_letter_id], status=Status.discarded)


def _require_change(conn: Connection, *, scope: MemberScope, dead_letter_id: int) -> None:
    letter = get_dead_letter(conn, scope=scope, dead_letter_id=dead_letter_id)
    if letter.member_id is None:
        require_operator(scope)
    else:
        require_write(scope, letter.member_id)


def replay_for_device(
    conn: Connection,
    *,
    member_id: int,
    dev_eui: str | None = None,
    serial: str | None = None,
    ocpp_id: str | None = None,
    asset_id: int | None = None,
    pipeline: Pipeline,
) -> ReplayReport:
    """Replay what a device sent before it was registered; called after an asset is created."""
    names = (dev_eui, serial, ocpp_id, str(asset_id) if asset_id else None)
    own = {deadletters.device_key(r) for r in names if r}
    platform_wide = {deadletters.device_key(r) for r in (dev_eui, ocpp_id) if r}
    condition = or_(
        and_(dead_letters.c.member_id == member_id, dead_letters.c.device_ref.in_(own)),
        and_(dead_letters.c.member_id.is_(None), dead_letters.c.device_ref.in_(platform_wide)),
    )
    return _replay_waiting(conn, condition, pipeline)


def replay_for_member(conn: Connection, *, member_id: int, pipeline: Pipeline) -> ReplayReport:
    """Replay every message of a member's unknown devices (after an import of equipment)."""
    registered = select(assets.c.dev_eui).where(
        assets.c.member_id == member_id, assets.c.dev_eui.is_not(None)
    )
    condition = or_(
        dead_letters.c.member_id == member_id,
        and_(dead_letters.c.member_id.is_(None), dead_letters.c.device_ref.in_(registered)),
    )
    return _replay_waiting(conn, condition, pipeline)


def _replay_waiting(
    conn: Connection, condition: ColumnElement[bool], pipeline: Pipeline
) -> ReplayReport:
    ids = list(
        conn.execute(
            select(dead_letters.c.id).where(
                dead_letters.c.status == Status.pending.value,
                dead_letters.c.reason_code == UNKNOWN_DEVICE,
                condition,
            )
        ).scalars()
    )
    if not ids:
        return ReplayReport()
    try:
        # A savepoint: registering equipment must succeed even if its backlog cannot be replayed.
        with conn.begin_nested():
            return replay(conn, pipeline=pipeline, ids=ids)
    except Exception:
        logger.exception("replay of %d dead letters failed; they stay pending", len(ids))
        return ReplayReport(still_refused=ids)


def backlog_replayer(pipeline: Pipeline) -> RegistryListener:
    """The registry listener that replays what newly registered equipment sent before."""

    def listener(conn: Connection, registered: Registered) -> None:
        if registered.asset_id is None:
            replay_for_member(conn, member_id=registered.member_id, pipeline=pipeline)
            return
        replay_for_device(
            conn,
            member_id=registered.member_id,
            asset_id=registered.asset_id,
            dev_eui=registered.dev_eui,
            serial=registered.serial,
            ocpp_id=registered.ocpp_id,
            pipeline=pipeline,
        )

    return listener
