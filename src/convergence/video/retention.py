"""Retention: purge footage past each system's authorised period, never what is on hold.

Each destruction is a line of the access register (camera, span, what the recorder
answered). Footage still older than authorised after the purge — the recorder refused, or
it is held on the recorder's side — opens a critical alert through a ``video.retention``
event of the camera (CSI L252-5; the CNIL formal notices hit exactly this).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, select

from convergence.db.types import utcnow
from convergence.timeseries.store import NewEvent
from convergence.video import register
from convergence.video.alerting import RETENTION_EVENT, Sink
from convergence.video.connectors.base import RecorderConnector, RecorderError, Recording
from convergence.video.kinds import AccessAction, Motive, Outcome
from convergence.video.queries import camera_out, cameras_query
from convergence.video.schemas import CameraOut, PurgeReport, SystemOut
from convergence.video.tables import video_cameras, video_holds

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the retention job purges each system by its own authorisation"

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
AGENT = "system:retention"


def held_spans(conn: Connection, *, camera_id: int) -> list[tuple[datetime, datetime]]:
    """Windows of the camera under a legal hold that is still in force."""
    rows = conn.execute(
        select(video_holds.c.start, video_holds.c.end).where(
            video_holds.c.camera_asset_id == camera_id, video_holds.c.released_at.is_(None)
        )
    )
    return [(row.start, row.end) for row in rows]


def enforce(
    conn: Connection,
    *,
    system: SystemOut,
    connector: RecorderConnector,
    now: datetime | None = None,
) -> PurgeReport:
    """Purge the system's footage older than its authorised retention; say what happened."""
    now = now or utcnow()
    cutoff = now - timedelta(days=system.retention_days)
    report = PurgeReport(
        system_id=system.id, cameras=0, purged=0, kept_on_hold=0, failed=0, overdue_cameras=[]
    )
    sink = Sink()
    rows = conn.execute(cameras_query().where(video_cameras.c.system_id == system.id))
    for camera in map(camera_out, rows):
        if not camera.recorder_ref:
            continue
        report.cameras += 1
        overdue = _purge_camera(conn, system, connector, camera, cutoff, report)
        if overdue:
            report.overdue_cameras.append(camera.asset_id)
        payload = {"overdue": "true" if overdue else "false", "cutoff": cutoff.isoformat()}
        sink.add(
            events=[NewEvent(camera.asset_id, camera.member_id, now, RETENTION_EVENT, payload)]
        )
    sink.flush(conn)
    return report


def _purge_camera(
    conn: Connection,
    system: SystemOut,
    connector: RecorderConnector,
    camera: CameraOut,
    cutoff: datetime,
    report: PurgeReport,
) -> bool:
    """Purge one camera; True when footage older than authorised remains unheld."""
    assert camera.recorder_ref is not None
    holds = held_spans(conn, camera_id=camera.asset_id)
    expired = [
        r for r in connector.list_recordings(camera.recorder_ref, EPOCH, cutoff) if r.end <= cutoff
    ]
    overdue = False
    for recording in expired:
        if any(recording.overlaps(start, end) for start, end in holds):
            report.kept_on_hold += 1
            continue
        if _purge_one(conn, system, connector, camera, recording):
            report.purged += 1
        else:
            report.failed += 1
            overdue = True
    return overdue


def _purge_one(
    conn: Connection,
    system: SystemOut,
    connector: RecorderConnector,
    camera: CameraOut,
    recording: Recording,
) -> bool:
    try:
        answer, outcome = connector.purge(recording), Outcome.done
    except RecorderError as error:
        answer, outcome = error.message, Outcome.failed
    register.append(
        conn,
        register.Entry(
            member_id=camera.member_id,
            system_id=system.id,
            agent=AGENT,
            action=AccessAction.purge,
            outcome=outcome,
            motive=Motive.retention,
            camera_asset_id=camera.asset_id,
            clips=[
                {
                    "camera_asset_id": str(camera.asset_id),
                    "start": recording.start.isoformat(),
                    "end": recording.end.isoformat(),
                }
            ],
            details={
                "recording_ref": recording.ref,
                "recorder": connector.name,
                "recorder_answer": answer,
                "retention_days": system.retention_days,
            },
        ),
    )
    return outcome is Outcome.done
