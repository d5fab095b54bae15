"""Use cases of systems and authorisations: declare a system, link cameras to it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import Conflict, InvalidInput, NotFound
from convergence.members import audit
from convergence.members.scope import MemberScope, require_admin, require_write
from convergence.video.alerting import install_default_rules
from convergence.video.connectors.factory import check_recorder
from convergence.video.perimeter import check_perimeter
from convergence.video.queries import five_years_after, get_camera, get_system
from convergence.video.schemas import CameraLink, CameraOut, SystemCreate, SystemOut, SystemUpdate
from convergence.video.tables import video_cameras, video_systems


def create_system(conn: Connection, *, scope: MemberScope, data: SystemCreate) -> SystemOut:
    """Declare a system covered by one prefectoral authorisation (admins of its member)."""
    member_id = data.member_id or scope.member_id
    require_write(require_admin(scope), member_id)
    _check_number_free(conn, member_id, data.authorisation_number)
    expires_on = data.expires_on or five_years_after(data.authorised_on)
    if expires_on <= data.authorised_on:
        raise InvalidInput(
            "l'expiration suit l'autorisation / expires_on must follow authorised_on"
        )
    now = utcnow()
    system_id = insert_one(
        conn,
        video_systems,
        member_id=member_id,
        name=data.name,
        authorisation_number=data.authorisation_number,
        authorised_on=data.authorised_on,
        expires_on=expires_on,
        purposes=[p.value for p in data.purposes],
        retention_days=data.retention_days,
        perimeter=check_perimeter(data.perimeter),
        signage=[s.model_dump() for s in data.signage],
        controller=data.controller,
        contact=data.contact,
        viewers=data.viewers,
        recorder=check_recorder(data.recorder),
        created_at=now,
        updated_at=now,
    )
    install_default_rules(conn, scope=scope, member_id=member_id)
    _audit(
        conn,
        scope,
        "video.system.create",
        system_id,
        member_id,
        {"number": data.authorisation_number},
    )
    return get_system(conn, scope=scope, system_id=system_id)


def _check_number_free(conn: Connection, member_id: int, number: str) -> None:
    taken = select(video_systems.c.id).where(
        video_systems.c.member_id == member_id, video_systems.c.authorisation_number == number
    )
    if conn.execute(taken).first() is not None:
        raise Conflict(
            f"l'autorisation {number} est déjà déclarée / authorisation {number} is already "
            "declared for this member: change that system instead"
        )


def update_system(
    conn: Connection, *, scope: MemberScope, system_id: int, data: SystemUpdate
) -> SystemOut:
    system = get_system(conn, scope=scope, system_id=system_id)
    require_write(require_admin(scope), system.member_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True, mode="json")
    if "perimeter" in changes:
        check_perimeter(changes["perimeter"])
    if "recorder" in changes:
        check_recorder(changes["recorder"])
    if changes:
        conn.execute(
            update(video_systems)
            .where(video_systems.c.id == system_id)
            .values(**changes, updated_at=utcnow())
        )
        _audit(conn, scope, "video.system.update", system_id, system.member_id, changes)
    return get_system(conn, scope=scope, system_id=system_id)


def link_camera(
    conn: Connection, *, scope: MemberScope, asset_id: int, data: CameraLink
) -> CameraOut:
    """Attach a registry camera to a system of the same member, with its recorder reference."""
    camera = get_camera(conn, scope=scope, asset_id=asset_id)
    require_write(scope, camera.member_id)
    if data.system_id is not None:
        system = get_system(conn, scope=scope, system_id=data.system_id)
        if system.member_id != camera.member_id:
            raise NotFound(f"système {data.system_id} introuvable / video system not found")
    values = data.model_dump() | {"member_id": camera.member_id, "updated_at": utcnow()}
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(video_cameras).values(asset_id=asset_id, **values)
    conn.execute(statement.on_conflict_do_update(index_elements=["asset_id"], set_=values))
    _audit(conn, scope, "video.camera.link", asset_id, camera.member_id, data.model_dump())
    return get_camera(conn, scope=scope, asset_id=asset_id)


def _audit(
    conn: Connection,
    scope: MemberScope,
    action: str,
    target_id: int,
    member_id: int,
    details: dict[str, Any],
) -> None:
    audit.record(
        conn,
        actor=scope.actor,
        action=action,
        member_id=member_id,
        target=str(target_id),
        details=details,
    )
