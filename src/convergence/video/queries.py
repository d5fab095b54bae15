"""Read side of video protection: systems and cameras, within the member scope."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Row, func, select

from convergence.db.types import utcnow
from convergence.errors import NotFound
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.kinds import AssetKind
from convergence.registry.tables import assets
from convergence.video.perimeter import camera_flags, perimeter_shape
from convergence.video.schemas import CameraOut, Sign, SystemOut
from convergence.video.tables import video_cameras, video_systems

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "cameras_query": "the base query that scoped readers filter with member_clause",
}

RENEWAL_NOTICE_MONTHS = 6


def renewal_due_on(expires_on: date) -> date:
    """Six months before expiry: when the renewal file must be sent to the prefecture."""
    month = expires_on.month - RENEWAL_NOTICE_MONTHS
    year = expires_on.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(expires_on.day, _days_in_month(year, month))
    return date(year, month, day)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def five_years_after(day: date) -> date:
    """The expiry of an authorisation given on ``day`` (29 February falls to the 28th)."""
    try:
        return day.replace(year=day.year + 5)
    except ValueError:
        return day.replace(year=day.year + 5, day=28)


def _camera_counts() -> Any:
    return (
        select(video_cameras.c.system_id, func.count().label("n"))
        .group_by(video_cameras.c.system_id)
        .subquery()
    )


def system_out(row: Row[Any], cameras: int, today: date | None = None) -> SystemOut:
    today = today or utcnow().date()
    due = renewal_due_on(row.expires_on)
    return SystemOut(
        id=row.id,
        member_id=row.member_id,
        name=row.name,
        authorisation_number=row.authorisation_number,
        authorised_on=row.authorised_on,
        expires_on=row.expires_on,
        renewal_due_on=due,
        renewal_due=due <= today < row.expires_on,
        expired=row.expires_on <= today,
        purposes=row.purposes,
        retention_days=row.retention_days,
        perimeter=row.perimeter,
        signage=[Sign.model_validate(s) for s in row.signage],
        controller=row.controller,
        contact=row.contact,
        viewers=row.viewers,
        recorder=row.recorder,
        recorder_credentials_set=row.recorder_credentials is not None,
        cameras=cameras,
    )


def list_systems(
    conn: Connection, *, scope: MemberScope, member_id: int | None = None
) -> list[SystemOut]:
    counts = _camera_counts()
    query = (
        select(video_systems, func.coalesce(counts.c.n, 0).label("camera_count"))
        .outerjoin(counts, counts.c.system_id == video_systems.c.id)
        .where(member_clause(scope, video_systems.c.member_id))
        .order_by(video_systems.c.expires_on, video_systems.c.id)
    )
    if member_id is not None:
        query = query.where(video_systems.c.member_id == member_id)
    return [system_out(row, row.camera_count) for row in conn.execute(query)]


def public_systems_unscoped(conn: Connection, *, member_id: int) -> list[SystemOut]:
    """A member's systems as the public must be told of them (CSI L251-1 ff.): no scope, the
    law makes them public; the caller shows only what the public page lists."""
    query = select(video_systems).where(video_systems.c.member_id == member_id)
    return [system_out(row, 0) for row in conn.execute(query.order_by(video_systems.c.name))]


def get_system(conn: Connection, *, scope: MemberScope, system_id: int) -> SystemOut:
    for system in _systems_where(conn, scope, system_id):
        return system
    raise NotFound(f"système {system_id} introuvable / video system {system_id} not found")


def _systems_where(conn: Connection, scope: MemberScope, system_id: int) -> list[SystemOut]:
    row = conn.execute(
        select(video_systems).where(
            video_systems.c.id == system_id, member_clause(scope, video_systems.c.member_id)
        )
    ).first()
    if row is None:
        return []
    count = conn.execute(
        select(func.count()).where(video_cameras.c.system_id == system_id)
    ).scalar_one()
    return [system_out(row, count)]


def cameras_query() -> Any:
    return (
        select(
            assets.c.id.label("asset_id"),
            assets.c.member_id,
            assets.c.name,
            assets.c.commune_insee,
            assets.c.lon,
            assets.c.lat,
            video_cameras.c.system_id,
            video_cameras.c.recorder_ref,
            video_cameras.c.host,
            video_cameras.c.onvif_port,
            video_cameras.c.rtsp_url,
            func.coalesce(video_cameras.c.vv_authorised, False).label("vv_authorised"),
            video_cameras.c.credentials.is_not(None).label("credentials_set"),
            video_systems.c.perimeter,
        )
        .select_from(assets)
        .outerjoin(video_cameras, video_cameras.c.asset_id == assets.c.id)
        .outerjoin(video_systems, video_systems.c.id == video_cameras.c.system_id)
        .where(assets.c.kind == AssetKind.camera.value, assets.c.status != "retired")
        .order_by(assets.c.name, assets.c.id)
    )


def camera_out(row: Row[Any]) -> CameraOut:
    flags = camera_flags(
        system_id=row.system_id,
        lon=row.lon,
        lat=row.lat,
        perimeter=perimeter_shape(row.perimeter),
    )
    fields = {k: getattr(row, k) for k in CameraOut.model_fields if k != "flags"}
    return CameraOut(**fields, flags=flags)


def list_cameras(
    conn: Connection,
    *,
    scope: MemberScope,
    system_id: int | None = None,
    flagged: bool = False,
) -> list[CameraOut]:
    """Cameras of the registry with their system; ``flagged`` keeps those needing attention."""
    query = cameras_query().where(member_clause(scope, assets.c.member_id))
    if system_id is not None:
        query = query.where(video_cameras.c.system_id == system_id)
    cameras = [camera_out(row) for row in conn.execute(query)]
    return [c for c in cameras if c.flags] if flagged else cameras


def get_camera(conn: Connection, *, scope: MemberScope, asset_id: int) -> CameraOut:
    row = conn.execute(
        cameras_query().where(assets.c.id == asset_id, member_clause(scope, assets.c.member_id))
    ).first()
    if row is None:
        raise NotFound(f"caméra {asset_id} introuvable / camera {asset_id} not found")
    return camera_out(row)


def camera_unscoped(conn: Connection, *, asset_id: int) -> CameraOut | None:
    """A camera whatever the caller's member: habilitations decide who sees it, not the scope."""
    row = conn.execute(cameras_query().where(assets.c.id == asset_id)).first()
    return None if row is None else camera_out(row)


def system_unscoped(conn: Connection, *, system_id: int) -> SystemOut | None:
    """A system whatever the caller's member: the camera's own, read to check its purposes."""
    row = conn.execute(select(video_systems).where(video_systems.c.id == system_id)).first()
    return None if row is None else system_out(row, 0)
