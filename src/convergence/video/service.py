"""Use cases of systems and authorisations: declare a system, link cameras to it."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import Conflict, InvalidInput, NotFound
from convergence.members import audit
from convergence.members.scope import MemberScope, require_admin, require_write
from convergence.video.alerting import install_default_rules
from convergence.video.connectors.base import RecorderConnector
from convergence.video.connectors.factory import check_recorder, connector_for
from convergence.video.credentials import Credentials, Sealer, split_address, split_reference
from convergence.video.perimeter import check_perimeter
from convergence.video.queries import five_years_after, get_camera, get_system
from convergence.video.schemas import CameraLink, CameraOut, SystemCreate, SystemOut, SystemUpdate
from convergence.video.tables import video_cameras, video_systems


def create_system(
    conn: Connection, *, scope: MemberScope, data: SystemCreate, sealer: Sealer | None = None
) -> SystemOut:
    """Declare a system covered by one prefectoral authorisation (admins of its member);
    its recorder's credentials are sealed with ``sealer``."""
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
        **_recorder_values(data.recorder, data.recorder_user, data.recorder_password, sealer),
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
    conn: Connection,
    *,
    scope: MemberScope,
    system_id: int,
    data: SystemUpdate,
    sealer: Sealer | None = None,
) -> SystemOut:
    system = get_system(conn, scope=scope, system_id=system_id)
    require_write(require_admin(scope), system.member_id)
    changes: dict[str, Any] = data.model_dump(
        exclude_unset=True, mode="json", exclude={"recorder_user", "recorder_password"}
    )
    if "perimeter" in changes:
        check_perimeter(changes["perimeter"])
    if {"recorder", "recorder_user", "recorder_password"} & data.model_fields_set:
        reference = data.recorder if "recorder" in data.model_fields_set else system.recorder
        values = _recorder_values(reference, data.recorder_user, data.recorder_password, sealer)
        clearing = data.recorder_user == "" and not (
            data.recorder_password and data.recorder_password.get_secret_value()
        )
        if clearing:
            values["recorder_credentials"] = None
        elif values["recorder_credentials"] is None:
            values.pop("recorder_credentials")  # a new address alone keeps the sealed ones
        changes |= values
    if changes:
        conn.execute(
            update(video_systems)
            .where(video_systems.c.id == system_id)
            .values(**changes, updated_at=utcnow())
        )
        shown = {k: v for k, v in changes.items() if k != "recorder_credentials"}
        if "recorder_credentials" in changes:
            shown["recorder_credentials"] = "changed"  # never the credentials themselves
        _audit(conn, scope, "video.system.update", system_id, system.member_id, shown)
    return get_system(conn, scope=scope, system_id=system_id)


def link_camera(
    conn: Connection,
    *,
    scope: MemberScope,
    asset_id: int,
    data: CameraLink,
    sealer: Sealer | None = None,
) -> CameraOut:
    """Attach a registry camera to a system of the same member, with its recorder reference;
    its ONVIF/RTSP credentials are sealed with ``sealer``."""
    camera = get_camera(conn, scope=scope, asset_id=asset_id)
    require_write(scope, camera.member_id)
    if data.system_id is not None:
        system = get_system(conn, scope=scope, system_id=data.system_id)
        if system.member_id != camera.member_id:
            raise NotFound(f"système {data.system_id} introuvable / video system not found")
    values = data.model_dump(exclude={"username", "password"})
    rtsp_url, found = split_address(data.rtsp_url) if data.rtsp_url else (None, None)
    given = _given(data.username, data.password) or found
    values |= {"rtsp_url": rtsp_url, "credentials": _seal(sealer, given)}
    values |= {"member_id": camera.member_id, "updated_at": utcnow()}
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(video_cameras).values(asset_id=asset_id, **values)
    # Never shown back, so never sent back: a link without credentials keeps the sealed ones.
    kept = {k: v for k, v in values.items() if k != "credentials" or given is not None}
    conn.execute(statement.on_conflict_do_update(index_elements=["asset_id"], set_=kept))
    shown = {k: v for k, v in values.items() if k not in ("credentials", "updated_at")}
    shown["credentials_set"] = given is not None
    _audit(conn, scope, "video.camera.link", asset_id, camera.member_id, shown)
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


def _given(user: str | None, password: SecretStr | None) -> Credentials | None:
    if user is None and password is None:
        return None
    return Credentials(user=user or "", password=password.get_secret_value() if password else "")


def _seal(sealer: Sealer | None, credentials: Credentials | None) -> str | None:
    if credentials is None:
        return None
    if sealer is None:  # fail closed: credentials are never stored unsealed
        raise InvalidInput("credentials need the platform's sealing key / identifiants refusés")
    return sealer.seal(credentials)


def _recorder_values(
    reference: str | None, user: str | None, password: SecretStr | None, sealer: Sealer | None
) -> dict[str, Any]:
    """``recorder`` without credentials, and ``recorder_credentials`` sealed."""
    clean, found = split_reference(check_recorder(reference))
    return {
        "recorder": clean,
        "recorder_credentials": _seal(sealer, _given(user, password) or found),
    }


def recorder_connector(
    conn: Connection, *, scope: MemberScope, system_id: int, sealer: Sealer
) -> RecorderConnector:
    """The connector to a system's recorder, with its credentials opened from the database."""
    system = get_system(conn, scope=scope, system_id=system_id)
    if system.recorder is None:
        raise InvalidInput(
            f"aucun enregistreur déclaré pour le système {system.id} / no recorder declared "
            "for this system: set its `recorder` (e.g. zoneminder:http://nvr:8080/zm)"
        )
    sealed = conn.execute(
        select(video_systems.c.recorder_credentials).where(video_systems.c.id == system.id)
    ).scalar()
    return connector_for(system.recorder, sealer.open(sealed) if sealed else None)
