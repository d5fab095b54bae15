"""What people read of video protection: camera availability, systems due, requisitions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, func, select

from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.schemas import MeasureOut, measure_out
from convergence.members.scope import MemberScope
from convergence.timeseries.tables import events
from convergence.video.alerting import STREAM_EVENT
from convergence.video.queries import list_cameras, list_systems
from convergence.video.requisitions import list_requisitions
from convergence.video.schemas import CameraOut, RequisitionOut, SystemOut

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "camera states for camera ids a scoped query returned"

STALE_AFTER = timedelta(hours=1)  # a health result older than this says nothing of now
# The share is a fact when at least three cameras in four were checked within the hour (the
# 75 % of the air and noise daily rules): fewer, and the cameras not checked could as well
# all be down.
REQUIRED_CHECKED = 0.75
AVAILABILITY_RULE = (
    "caméras en service lors de leur dernière vérification (dans l'heure), parmi les caméras "
    "vérifiées ; au moins 75 % des caméras vérifiées"
)


@dataclass(frozen=True, slots=True)
class Availability:
    """Cameras whose last health check (within the hour) found them up, out of those checked."""

    cameras: int
    checked: int
    up: int

    @property
    def share(self) -> float | None:
        return None if not self.checked else self.up / self.checked

    @property
    def measure(self) -> MeasureOut:
        """The share in %, resting on the cameras checked within the hour out of all."""
        done = Completeness(self.checked, self.cameras, REQUIRED_CHECKED, "caméras vérifiées")
        value = None if self.share is None else 100.0 * self.share
        return measure_out(Measure(value, Unit.PERCENT, AVAILABILITY_RULE, done))


def latest_states(conn: Connection, *, camera_ids: list[int], since: datetime) -> dict[int, str]:
    """The state of each camera's latest ``video.stream`` event since ``since``."""
    if not camera_ids:
        return {}
    latest = (
        select(events.c.asset_id, func.max(events.c.ts).label("ts"))
        .where(
            events.c.asset_id.in_(camera_ids),
            events.c.kind == STREAM_EVENT,
            events.c.ts >= since,
        )
        .group_by(events.c.asset_id)
        .subquery()
    )
    rows = conn.execute(
        select(events.c.asset_id, events.c.payload)
        .join(
            latest,
            (latest.c.asset_id == events.c.asset_id) & (latest.c.ts == events.c.ts),
        )
        .where(events.c.kind == STREAM_EVENT)
    )
    return {row.asset_id: str(row.payload.get("state", "")) for row in rows}


def availability(
    conn: Connection, *, scope: MemberScope, commune: str | None, now: datetime
) -> Availability:
    cameras = _cameras(conn, scope, commune)
    states = latest_states(conn, camera_ids=[c.asset_id for c in cameras], since=now - STALE_AFTER)
    return Availability(len(cameras), len(states), sum(s == "up" for s in states.values()))


def _cameras(conn: Connection, scope: MemberScope, commune: str | None) -> list[CameraOut]:
    cameras = list_cameras(conn, scope=scope)
    return [c for c in cameras if commune is None or c.commune_insee == commune]


@dataclass(frozen=True, slots=True)
class Overview:
    systems: list[SystemOut]
    flagged: list[CameraOut]
    requisitions: list[RequisitionOut]
    availability: Availability

    @property
    def renewals_due(self) -> list[SystemOut]:
        return [s for s in self.systems if s.renewal_due or s.expired]


def overview(conn: Connection, *, scope: MemberScope, now: datetime) -> Overview:
    """The systems, the cameras needing attention and the open requisitions the caller sees."""
    return Overview(
        systems=list_systems(conn, scope=scope),
        flagged=list_cameras(conn, scope=scope, flagged=True),
        requisitions=list_requisitions(conn, scope=scope, open_only=True),
        availability=availability(conn, scope=scope, commune=None, now=now),
    )


def systems_of_commune(
    conn: Connection, *, scope: MemberScope, commune: str, today: date
) -> list[SystemOut]:
    """Systems with at least one camera in the commune."""
    ids = {c.system_id for c in _cameras(conn, scope, commune) if c.system_id is not None}
    return [s for s in list_systems(conn, scope=scope) if s.id in ids]
