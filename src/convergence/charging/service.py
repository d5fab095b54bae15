"""Use cases of the central system for people: passwords, IRVE station details.

What charge points themselves send is stored by ``recording`` and ``transactions``; remote
commands go through ``commands`` and the running ``central`` system.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from convergence.charging.credentials import (
    check_authorization_key,
    hash_authorization_key,
    new_authorization_key,
)
from convergence.charging.metering import ensure_connectors
from convergence.charging.ocpp.observations import ChargePointRef
from convergence.charging.queries import charge_point_asset, get_charge_point, is_charge_point
from convergence.charging.recording import ensure_charge_point
from convergence.charging.schemas import ChargePointOut, PasswordSetOut, StationSetup
from convergence.charging.tables import charge_point_connectors, charge_points
from convergence.db.types import utcnow
from convergence.errors import NotFound
from convergence.members import audit
from convergence.members.scope import MemberScope, member_clause, require_write
from convergence.registry.tables import assets


def set_password(
    conn: Connection, *, scope: MemberScope, asset_id: int, password: str | None = None
) -> PasswordSetOut:
    """Set the charge point's HTTP Basic password (a random one when none is given)."""
    asset = charge_point_asset(conn, scope=scope, asset_id=asset_id)
    require_write(scope, asset.member_id)
    key = check_authorization_key(password) if password else new_authorization_key()
    ref = ChargePointRef(asset.id, asset.member_id, asset.ocpp_id)
    ensure_charge_point(conn, ref)
    now = utcnow()
    conn.execute(
        update(charge_points)
        .where(charge_points.c.asset_id == asset.id)
        .values(password_hash=hash_authorization_key(key), password_set_at=now, updated_at=now)
    )
    _audit(conn, scope, "charging.password", ref, generated=password is None)
    return PasswordSetOut(
        asset_id=asset.id, ocpp_id=asset.ocpp_id, password=None if password else key, set_at=now
    )


def asset_id_of(conn: Connection, *, scope: MemberScope, ocpp_id: str) -> int:
    """The asset id of a charge point named by its OCPP id, within the scope."""
    found: int | None = conn.execute(
        select(assets.c.id).where(
            assets.c.ocpp_id == ocpp_id, is_charge_point(), member_clause(scope, assets.c.member_id)
        )
    ).scalar()
    if found is None:
        raise NotFound(f"borne {ocpp_id!r} introuvable / no charge point with ocpp_id {ocpp_id!r}")
    return found


def configure_station(
    conn: Connection, *, scope: MemberScope, asset_id: int, setup: StationSetup
) -> ChargePointOut:
    """Set the IRVE station details and points of charge (replacing the previous ones)."""
    asset = charge_point_asset(conn, scope=scope, asset_id=asset_id)
    require_write(scope, asset.member_id)
    ref = ChargePointRef(asset.id, asset.member_id, asset.ocpp_id)
    ensure_charge_point(conn, ref)
    now = utcnow()
    station = setup.station.model_dump(mode="json", exclude={"points"})
    conn.execute(
        update(charge_points)
        .where(charge_points.c.asset_id == asset.id)
        .values(station=station, updated_at=now)
    )
    _set_points(conn, ref, setup)
    _audit(conn, scope, "charging.station", ref, points=len(setup.connectors))
    return get_charge_point(conn, scope=scope, asset_id=asset.id)


def _set_points(conn: Connection, ref: ChargePointRef, setup: StationSetup) -> None:
    """The connectors given become points of charge; the others are no longer points."""
    ensure_connectors(conn, ref, [c.connector_id for c in setup.connectors])
    c = charge_point_connectors.c
    conn.execute(
        update(charge_point_connectors)
        .where(c.asset_id == ref.asset_id)
        .values(pdc=None, updated_at=utcnow())
    )
    for connector in setup.connectors:
        pdc = connector.model_dump(mode="json", exclude={"connector_id"})
        conn.execute(
            update(charge_point_connectors)
            .where(c.asset_id == ref.asset_id, c.connector_id == connector.connector_id)
            .values(pdc=pdc)
        )


def _audit(
    conn: Connection, scope: MemberScope, action: str, ref: ChargePointRef, **details: Any
) -> None:
    audit.record(
        conn,
        actor=scope.actor,
        action=action,
        member_id=ref.member_id,
        target=f"asset:{ref.asset_id}",
        details={"ocpp_id": ref.ocpp_id, **details},
    )
