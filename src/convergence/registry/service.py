"""Use cases of the registry: equipment, device models, initiatives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, or_, select, update

from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import Conflict, InvalidInput, PermissionDenied
from convergence.members import audit
from convergence.members.scope import MemberScope, require_operator, require_write
from convergence.registry.events import Registered, RegistryListener, announce
from convergence.registry.placement import commune_of_position
from convergence.registry.queries import (
    get_asset,
    get_device_model,
    get_initiative,
)
from convergence.registry.schemas import (
    AssetCreate,
    AssetOut,
    AssetUpdate,
    DeviceModelCreate,
    DeviceModelOut,
    DeviceModelUpdate,
    FieldMapping,
    InitiativeCreate,
    InitiativeOut,
    asset_values,
)
from convergence.registry.tables import assets, device_models, initiatives

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "check_identifiers_free": "unique across members; the answer never names the owner",
}


def create_asset(
    conn: Connection,
    *,
    scope: MemberScope,
    data: AssetCreate,
    listeners: Sequence[RegistryListener] = (),
) -> AssetOut:
    """Register a piece of equipment; its commune is resolved from its position."""
    member_id = data.member_id or scope.member_id
    require_write(scope, member_id)
    check_references(conn, scope=scope, member_id=member_id, data=data.model_dump())
    check_identifiers_free(conn, dev_eui=data.dev_eui, ocpp_id=data.ocpp_id)
    now = utcnow()
    values = asset_values(data) | {
        "member_id": member_id,
        "commune_insee": commune_of_position(conn, member_id=member_id, lon=data.lon, lat=data.lat),
        "created_at": now,
        "updated_at": now,
    }
    asset_id = insert_one(conn, assets, **values)
    audit.record(
        conn,
        actor=scope.actor,
        action="asset.create",
        member_id=member_id,
        target=f"asset:{asset_id}",
        details={"name": data.name},
    )
    registered = Registered(member_id, asset_id, data.dev_eui, data.serial, data.ocpp_id)
    announce(conn, listeners, registered)
    return get_asset(conn, scope=scope, asset_id=asset_id)


def update_asset(
    conn: Connection, *, scope: MemberScope, asset_id: int, data: AssetUpdate
) -> AssetOut:
    """Change some fields of an asset; a new position is checked and resolved again."""
    current = get_asset(conn, scope=scope, asset_id=asset_id)
    require_write(scope, current.member_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True, mode="python")
    check_references(conn, scope=scope, member_id=current.member_id, data=changes)
    if "lon" in changes or "lat" in changes:
        changes["commune_insee"] = commune_of_position(
            conn, member_id=current.member_id, lon=changes.get("lon"), lat=changes.get("lat")
        )
    if "status" in changes and changes["status"] is not None:
        changes["status"] = str(changes["status"])
    if changes:
        conn.execute(
            update(assets).where(assets.c.id == asset_id).values(**changes, updated_at=utcnow())
        )
        audit.record(
            conn,
            actor=scope.actor,
            action="asset.update",
            member_id=current.member_id,
            target=f"asset:{asset_id}",
            details={k: str(v) for k, v in changes.items()},
        )
    return get_asset(conn, scope=scope, asset_id=asset_id)


def delete_asset(conn: Connection, *, scope: MemberScope, asset_id: int) -> None:
    """Remove an asset from the registry."""
    current = get_asset(conn, scope=scope, asset_id=asset_id)
    require_write(scope, current.member_id)
    conn.execute(delete(assets).where(assets.c.id == asset_id))
    audit.record(
        conn,
        actor=scope.actor,
        action="asset.delete",
        member_id=current.member_id,
        target=f"asset:{asset_id}",
        details={"name": current.name},
    )


def check_identifiers_free(conn: Connection, *, dev_eui: str | None, ocpp_id: str | None) -> None:
    """Conflict when a DevEUI or OCPP id is already registered (by any member)."""
    conditions = []
    if dev_eui:
        conditions.append(assets.c.dev_eui == dev_eui)
    if ocpp_id:
        conditions.append(assets.c.ocpp_id == ocpp_id)
    if conditions and conn.execute(select(assets.c.id).where(or_(*conditions))).first():
        # Said without naming the owner: the other member's registry stays private.
        raise Conflict(
            "cet identifiant (DevEUI ou OCPP) est déjà enregistré / this DevEUI or OCPP id is "
            "already registered; ask the operator if the device moved between members",
            dev_eui=dev_eui,
            ocpp_id=ocpp_id,
        )


def check_references(
    conn: Connection, *, scope: MemberScope, member_id: int, data: dict[str, Any]
) -> None:
    """The device model exists and the initiative belongs to the same member."""
    if data.get("device_model_id") is not None:
        get_device_model(conn, device_model_id=data["device_model_id"])
    if data.get("initiative_id") is not None:
        initiative = get_initiative(conn, scope=scope, initiative_id=data["initiative_id"])
        if initiative.member_id != member_id:
            raise InvalidInput("the initiative belongs to another member")


def create_device_model(
    conn: Connection, *, scope: MemberScope, data: DeviceModelCreate
) -> DeviceModelOut:
    """Add a model to the shared catalogue (operator only)."""
    require_operator(scope)
    return register_device_model(conn, data=data, actor=scope.actor)


def register_device_model(
    conn: Connection, *, data: DeviceModelCreate, actor: str
) -> DeviceModelOut:
    """Add a model to the shared catalogue (CLI, demo, and the operator's API)."""
    exists = conn.execute(
        select(device_models.c.id).where(
            device_models.c.vendor == data.vendor, device_models.c.model == data.model
        )
    ).first()
    if exists:
        raise Conflict(f"device model {data.vendor} {data.model} already exists")
    model_id = insert_one(
        conn,
        device_models,
        vendor=data.vendor,
        model=data.model,
        domain=str(data.domain),
        codec=data.codec,
        field_map={k: v.model_dump(exclude_defaults=True) for k, v in data.field_map.items()},
        quality_rules=(
            None
            if data.quality_rules is None
            else {k: v.model_dump(exclude_none=True) for k, v in data.quality_rules.items()}
        ),
        expected_period_s=data.expected_period_s,
        created_at=utcnow(),
    )
    audit.record(
        conn,
        actor=actor,
        action="device_model.create",
        target=f"device_model:{model_id}",
        details={"vendor": data.vendor},
    )
    return get_device_model(conn, device_model_id=model_id)


def update_device_model(
    conn: Connection,
    *,
    scope: MemberScope,
    device_model_id: int,
    data: DeviceModelUpdate,
) -> DeviceModelOut:
    """Change a model's codec, field map or expected period (operator only); the caller
    replays what waited."""
    require_operator(scope)
    get_device_model(conn, device_model_id=device_model_id)
    changes: dict[str, Any] = {}
    if "codec" in data.model_fields_set:
        changes["codec"] = data.codec
    if "expected_period_s" in data.model_fields_set:
        changes["expected_period_s"] = data.expected_period_s
    if data.field_map is not None:
        changes["field_map"] = {
            k: v.model_dump(exclude_defaults=True) for k, v in data.field_map.items()
        }
    if changes:
        conn.execute(
            update(device_models).where(device_models.c.id == device_model_id).values(**changes)
        )
        audit.record(
            conn,
            actor=scope.actor,
            action="device_model.update",
            target=f"device_model:{device_model_id}",
            details={k: str(v) for k, v in changes.items()},
        )
    return get_device_model(conn, device_model_id=device_model_id)


def map_field(
    conn: Connection,
    *,
    scope: MemberScope,
    device_model_id: int,
    field: str,
    mapping: FieldMapping,
) -> DeviceModelOut:
    """Map one decoded field of a model to a quantity, or ignore it; the rest of the map stays.

    The catalogue is shared: the operator's staff who may write decide (the caller replays).
    """
    require_operator(scope)
    if not scope.can_write:
        raise PermissionDenied("votre rôle permet de consulter / your role is read-only")
    model = get_device_model(conn, device_model_id=device_model_id)
    field_map = {**model.field_map, field: mapping}
    data = DeviceModelUpdate(field_map=field_map)
    return update_device_model(conn, scope=scope, device_model_id=device_model_id, data=data)


def create_initiative(
    conn: Connection, *, scope: MemberScope, data: InitiativeCreate
) -> InitiativeOut:
    """Record a member's project."""
    member_id = data.member_id or scope.member_id
    require_write(scope, member_id)
    now = utcnow()
    values = data.model_dump(mode="python", exclude={"member_id"})
    values.update(
        domain=str(data.domain),
        status=str(data.status),
        network=str(data.network) if data.network else None,
    )
    initiative_id = insert_one(
        conn, initiatives, **values, member_id=member_id, created_at=now, updated_at=now
    )
    audit.record(
        conn,
        actor=scope.actor,
        action="initiative.create",
        member_id=member_id,
        target=f"initiative:{initiative_id}",
        details={"name": data.name},
    )
    return get_initiative(conn, scope=scope, initiative_id=initiative_id)
