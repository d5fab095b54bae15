"""Judicial requisitions: intake, extraction through the recorder, hashing, hand-over, closure.

Intake places a legal hold on the requested cameras and window, so the retention purge never
destroys footage a procedure needs; closure lifts it. Every extraction and hand-over is a
line of the access register carrying the SHA-256 of the file.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, select, update

from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import Conflict, InvalidInput, NotFound
from convergence.members.scope import MemberScope, member_clause, require_write
from convergence.video import register
from convergence.video.access import AccessDecision, decide
from convergence.video.connectors.base import RecorderConnector
from convergence.video.kinds import AccessAction, Motive, Outcome, RequisitionStatus
from convergence.video.queries import get_camera, get_system
from convergence.video.schemas import AccessIn, ExportOut, RequisitionCreate, RequisitionOut
from convergence.video.tables import video_exports, video_holds, video_requisitions

DEFAULT_DELAY = timedelta(days=2)  # answer to an OPJ within 48 hours unless told otherwise


def create_requisition(
    conn: Connection, *, scope: MemberScope, data: RequisitionCreate
) -> RequisitionOut:
    """Record a requisition and put its cameras' window on legal hold."""
    system = get_system(conn, scope=scope, system_id=data.system_id)
    require_write(scope, system.member_id)
    for camera_id in data.cameras:
        if get_camera(conn, scope=scope, asset_id=camera_id).system_id != system.id:
            raise InvalidInput(
                f"la caméra {camera_id} n'appartient pas au système {system.id} / camera "
                f"{camera_id} is not part of video system {system.id}"
            )
    now = utcnow()
    requisition_id = insert_one(
        conn,
        video_requisitions,
        member_id=system.member_id,
        system_id=system.id,
        opj_name=data.opj_name,
        opj_service=data.opj_service,
        procedure_number=data.procedure_number,
        cameras=data.cameras,
        window_start=data.window_start,
        window_end=data.window_end,
        received_at=now,
        due_at=data.due_at or now + DEFAULT_DELAY,
        status=RequisitionStatus.open.value,
        created_by=scope.actor,
    )
    for camera_id in data.cameras:
        _hold(conn, scope, system.member_id, requisition_id, camera_id, data)
    return get_requisition(conn, scope=scope, requisition_id=requisition_id)


def _hold(
    conn: Connection,
    scope: MemberScope,
    member_id: int,
    requisition_id: int,
    camera_id: int,
    data: RequisitionCreate,
) -> None:
    insert_one(
        conn,
        video_holds,
        member_id=member_id,
        camera_asset_id=camera_id,
        start=data.window_start,
        end=data.window_end,
        requisition_id=requisition_id,
        created_at=utcnow(),
    )
    register.append(
        conn,
        register.Entry(
            member_id=member_id,
            system_id=data.system_id,
            agent=scope.actor,
            action=AccessAction.legal_hold,
            outcome=Outcome.done,
            motive=Motive.judicial,
            procedure_number=data.procedure_number,
            requester=f"{data.opj_name}, {data.opj_service}",
            camera_asset_id=camera_id,
            clips=[_clip(camera_id, data.window_start, data.window_end)],
        ),
    )


def _clip(camera_id: int, start: datetime, end: datetime) -> dict[str, str]:
    return {"camera_asset_id": str(camera_id), "start": start.isoformat(), "end": end.isoformat()}


def _judicial_entry(
    requisition: Any,
    *,
    agent: str,
    action: AccessAction,
    clip: tuple[int, datetime, datetime],
    sha256: str,
    details: dict[str, Any],
    recipient: str = "",
) -> register.Entry:
    """The register line of a file extracted or handed over for a requisition (its row or
    its ``RequisitionOut``: both carry the OPJ and the procedure)."""
    camera_id, start, end = clip
    return register.Entry(
        member_id=requisition.member_id,
        system_id=requisition.system_id,
        agent=agent,
        action=action,
        outcome=Outcome.done,
        motive=Motive.judicial,
        procedure_number=requisition.procedure_number,
        requester=f"{requisition.opj_name}, {requisition.opj_service}",
        recipient=recipient,
        camera_asset_id=camera_id,
        clips=[_clip(camera_id, start, end)],
        export_sha256=sha256,
        details=details,
    )


def _row(conn: Connection, scope: MemberScope, requisition_id: int) -> Row[Any]:
    row = conn.execute(
        select(video_requisitions).where(
            video_requisitions.c.id == requisition_id,
            member_clause(scope, video_requisitions.c.member_id),
        )
    ).first()
    if row is None:
        raise NotFound(f"réquisition {requisition_id} introuvable / requisition not found")
    return row


def get_requisition(conn: Connection, *, scope: MemberScope, requisition_id: int) -> RequisitionOut:
    return _out(conn, _row(conn, scope, requisition_id))


def _out(conn: Connection, row: Row[Any]) -> RequisitionOut:
    exports = conn.execute(
        select(video_exports)
        .where(video_exports.c.requisition_id == row.id)
        .order_by(video_exports.c.id)
    )
    fields = {
        name: getattr(row, name) for name in RequisitionOut.model_fields if name in row._fields
    }
    open_ = row.status != RequisitionStatus.closed.value
    return RequisitionOut(
        **fields,
        overdue=open_ and row.status == RequisitionStatus.open.value and row.due_at < utcnow(),
        exports=[ExportOut.model_validate(e, from_attributes=True) for e in exports],
    )


def list_requisitions(
    conn: Connection, *, scope: MemberScope, open_only: bool = False
) -> list[RequisitionOut]:
    query = (
        select(video_requisitions)
        .where(member_clause(scope, video_requisitions.c.member_id))
        .order_by(video_requisitions.c.due_at, video_requisitions.c.id)
    )
    if open_only:
        query = query.where(video_requisitions.c.status != RequisitionStatus.closed.value)
    return [_out(conn, row) for row in conn.execute(query)]


def extract(
    conn: Connection,
    *,
    scope: MemberScope,
    requisition_id: int,
    connector: RecorderConnector,
    store: Path,
) -> tuple[RequisitionOut | None, AccessDecision | None]:
    """Export the requested footage, hash it, keep the files; the refusal if not habilitated.

    Each camera is checked against the caller's habilitation at that moment; a refusal
    stops the extraction and is in the register.
    """
    row = _row(conn, scope, requisition_id)
    require_write(scope, row.member_id)
    if row.status == RequisitionStatus.closed.value:
        raise Conflict("réquisition clôturée / requisition is closed")
    for camera_id in row.cameras:
        decision = _check(conn, scope, row, camera_id)
        if not decision.granted:
            return None, decision
        _extract_camera(conn, scope, row, camera_id, connector, store)
    _set(conn, requisition_id, status=RequisitionStatus.extracted.value)
    return get_requisition(conn, scope=scope, requisition_id=requisition_id), None


def _check(conn: Connection, scope: MemberScope, row: Row[Any], camera_id: int) -> AccessDecision:
    data = AccessIn(
        camera_asset_id=camera_id,
        action=AccessAction.extraction,
        motive=Motive.judicial,
        procedure_number=row.procedure_number,
        requester=f"{row.opj_name}, {row.opj_service}",
        start=row.window_start,
        end=row.window_end,
    )
    return decide(conn, scope=scope, data=data)


def _extract_camera(
    conn: Connection,
    scope: MemberScope,
    row: Row[Any],
    camera_id: int,
    connector: RecorderConnector,
    store: Path,
) -> None:
    camera = get_camera(conn, scope=scope, asset_id=camera_id)
    if not camera.recorder_ref:
        raise InvalidInput(
            f"la caméra {camera_id} n'a pas de référence d'enregistreur / no recorder_ref"
        )
    folder = store / f"requisition-{row.id}"
    folder.mkdir(parents=True, exist_ok=True)
    for recording in connector.list_recordings(
        camera.recorder_ref, row.window_start, row.window_end
    ):
        clip = connector.export_clip(recording)
        digest = hashlib.sha256(clip.content).hexdigest()
        file_name = f"camera-{camera_id}-{clip.file_name}"
        (folder / file_name).write_bytes(clip.content)
        insert_one(
            conn,
            video_exports,
            member_id=row.member_id,
            requisition_id=row.id,
            camera_asset_id=camera_id,
            recording_ref=recording.ref,
            start=recording.start,
            end=recording.end,
            file_name=file_name,
            size_bytes=len(clip.content),
            sha256=digest,
            created_at=utcnow(),
        )
        register.append(
            conn,
            _judicial_entry(
                row,
                agent=scope.actor,
                action=AccessAction.extraction,
                clip=(camera_id, recording.start, recording.end),
                sha256=digest,
                details={"file_name": file_name, "recording_ref": recording.ref},
            ),
        )


def hand_over(
    conn: Connection, *, scope: MemberScope, requisition_id: int, recipient: str
) -> RequisitionOut:
    """Record the hand-over of the extracted files to ``recipient``, one line per file."""
    requisition = get_requisition(conn, scope=scope, requisition_id=requisition_id)
    require_write(scope, requisition.member_id)
    if not requisition.exports:
        raise Conflict("rien à remettre : extrayez d'abord / nothing to hand over: extract first")
    for export in requisition.exports:
        register.append(
            conn,
            _judicial_entry(
                requisition,
                agent=scope.actor,
                action=AccessAction.export,
                clip=(export.camera_asset_id, export.start, export.end),
                sha256=export.sha256,
                details={"file_name": export.file_name},
                recipient=recipient,
            ),
        )
    _set(
        conn,
        requisition_id,
        status=RequisitionStatus.handed_over.value,
        handed_over_to=recipient,
        handed_over_at=utcnow(),
    )
    return get_requisition(conn, scope=scope, requisition_id=requisition_id)


def close(conn: Connection, *, scope: MemberScope, requisition_id: int) -> RequisitionOut:
    """Close the requisition and lift its legal holds."""
    requisition = get_requisition(conn, scope=scope, requisition_id=requisition_id)
    require_write(scope, requisition.member_id)
    now = utcnow()
    conn.execute(
        update(video_holds)
        .where(video_holds.c.requisition_id == requisition_id, video_holds.c.released_at.is_(None))
        .values(released_at=now)
    )
    register.append(
        conn,
        register.Entry(
            member_id=requisition.member_id,
            system_id=requisition.system_id,
            agent=scope.actor,
            action=AccessAction.hold_release,
            outcome=Outcome.done,
            motive=Motive.judicial,
            procedure_number=requisition.procedure_number,
        ),
    )
    _set(conn, requisition_id, status=RequisitionStatus.closed.value, closed_at=now)
    return get_requisition(conn, scope=scope, requisition_id=requisition_id)


def _set(conn: Connection, requisition_id: int, **values: Any) -> None:
    conn.execute(
        update(video_requisitions).where(video_requisitions.c.id == requisition_id).values(**values)
    )
