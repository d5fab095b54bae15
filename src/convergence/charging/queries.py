"""Read side of the central system; every query of member-owned rows takes a member scope.

The one exception is ``identify_unscoped``: a charge point opening its WebSocket names itself
before anyone is logged in, and proves who it is with its password right after.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, or_, select

from convergence.charging.irve.models import PointOfCharge, Station
from convergence.charging.kinds import EventKind
from convergence.charging.ocpp.observations import ChargePointRef
from convergence.charging.schemas import (
    ChargePointOut,
    CommandOut,
    ConnectorOut,
    SessionFilters,
    SessionOut,
    StatusEventOut,
)
from convergence.charging.status import PointStatus, status_from_ocpp16, with_charge_point_status
from convergence.charging.tables import (
    charge_point_connectors,
    charge_points,
    charging_commands,
    charging_sessions,
)
from convergence.errors import InvalidInput, NotFound
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets
from convergence.timeseries.tables import events

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "is_charge_point": "whether an asset id is a charge point, for the central system",
}


def is_charge_point() -> ColumnElement[bool]:
    """Assets the central system supervises: charge points, and anything with an OCPP id."""
    return or_(assets.c.kind == "charge_point", assets.c.ocpp_id.is_not(None))


@dataclass(frozen=True, slots=True)
class Identified:
    """A registered charge point, as its WebSocket handshake needs it."""

    ref: ChargePointRef
    password_hash: str | None


def identify_unscoped(conn: Connection, *, ocpp_id: str) -> Identified | None:
    """The registered charge point with this OCPP id (platform-wide unique), if any."""
    row = conn.execute(
        select(assets.c.id, assets.c.member_id, assets.c.ocpp_id, charge_points.c.password_hash)
        .select_from(assets.outerjoin(charge_points, charge_points.c.asset_id == assets.c.id))
        .where(assets.c.ocpp_id == ocpp_id)
    ).first()
    if row is None:
        return None
    return Identified(ChargePointRef(row.id, row.member_id, row.ocpp_id), row.password_hash)


def charge_point_asset(conn: Connection, *, scope: MemberScope, asset_id: int) -> Row[Any]:
    """The asset of a charge point the scope reads; NotFound otherwise."""
    row = conn.execute(
        select(assets).where(
            assets.c.id == asset_id, is_charge_point(), member_clause(scope, assets.c.member_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"borne {asset_id} introuvable / charge point {asset_id} not found")
    if row.ocpp_id is None:
        raise InvalidInput("la borne n'a pas d'identifiant OCPP / the asset has no ocpp_id")
    return row


def _charge_point_query(scope: MemberScope) -> Any:
    return (
        select(assets, charge_points.c.password_hash, *_state_columns())
        .select_from(assets.outerjoin(charge_points, charge_points.c.asset_id == assets.c.id))
        .where(is_charge_point(), member_clause(scope, assets.c.member_id))
    )


def _state_columns() -> list[Any]:
    cp = charge_points.c
    names = ("protocol", "vendor", "model", "firmware_version", "registration", "connected",
             "online", "last_seen_at", "last_boot_at", "station")  # fmt: skip
    return [cp[name] for name in names] + [cp.status.label("cp_status")]


def list_charge_points(
    conn: Connection, *, scope: MemberScope, commune: str | None = None
) -> list[ChargePointOut]:
    """The charge points the scope reads, with the live status of their connectors."""
    query = _charge_point_query(scope)
    if commune is not None:
        query = query.where(assets.c.commune_insee == commune)
    rows = conn.execute(query.order_by(assets.c.id)).all()
    connectors = _connectors(conn, [r.id for r in rows])
    return [_charge_point_out(r, connectors.get(r.id, [])) for r in rows]


def get_charge_point(conn: Connection, *, scope: MemberScope, asset_id: int) -> ChargePointOut:
    """One charge point the scope reads; NotFound otherwise."""
    row = conn.execute(_charge_point_query(scope).where(assets.c.id == asset_id)).first()
    if row is None:
        raise NotFound(f"borne {asset_id} introuvable / charge point {asset_id} not found")
    return _charge_point_out(row, _connectors(conn, [asset_id]).get(asset_id, []))


def _connectors(conn: Connection, asset_ids: list[int]) -> dict[int, list[Row[Any]]]:
    found: dict[int, list[Row[Any]]] = defaultdict(list)
    c = charge_point_connectors.c
    for start in range(0, len(asset_ids), 500):
        chunk = asset_ids[start : start + 500]
        for row in conn.execute(
            select(charge_point_connectors)
            .where(c.asset_id.in_(chunk))
            .order_by(c.asset_id, c.connector_id)
        ):
            found[row.asset_id].append(row)
    return found


def _charge_point_out(row: Row[Any], connectors: list[Row[Any]]) -> ChargePointOut:
    whole = whole_status(row.cp_status)
    return ChargePointOut(
        asset_id=row.id,
        member_id=row.member_id,
        name=row.name,
        ocpp_id=row.ocpp_id or "",
        commune_insee=row.commune_insee,
        password_set=row.password_hash is not None,
        protocol=row.protocol,
        vendor=row.vendor,
        model=row.model,
        firmware_version=row.firmware_version,
        registration=row.registration,
        connected=bool(row.connected),
        online=bool(row.online),
        last_seen_at=row.last_seen_at,
        last_boot_at=row.last_boot_at,
        status=row.cp_status,
        connectors=[_connector_out(c, whole, bool(row.online)) for c in connectors],
        station=Station.model_validate(row.station) if row.station else None,
    )


def whole_status(status: str | None) -> PointStatus | None:
    """The platform status of a whole charge point (1.6 connector 0), if known."""
    try:
        return status_from_ocpp16(status) if status else None
    except InvalidInput:
        return None


def effective_status(row: Row[Any], whole: PointStatus | None, online: bool) -> PointStatus:
    """A connector's status with the whole charge point's applied, unknown when offline."""
    point = PointStatus(row.point_status) if row.point_status else PointStatus.unknown
    return with_charge_point_status(point, whole) if online else PointStatus.unknown


def _connector_out(row: Row[Any], whole: PointStatus | None, online: bool) -> ConnectorOut:
    return ConnectorOut(
        connector_id=row.connector_id,
        status=row.status,
        point_status=effective_status(row, whole, online),
        error_code=row.error_code,
        status_at=row.status_at,
        register_wh=row.register_wh,
        power_w=row.power_w,
        pdc=PointOfCharge.model_validate(row.pdc) if row.pdc else None,
    )


def select_sessions(*, scope: MemberScope, filters: SessionFilters) -> Select[Any]:
    """The statement of the charging sessions the scope reads, filtered."""
    s = charging_sessions.c
    query = select(charging_sessions).where(member_clause(scope, s.member_id))
    if filters.asset_id is not None:
        query = query.where(s.asset_id == filters.asset_id)
    if filters.status is not None:
        query = query.where(s.status == filters.status.value)
    if filters.since is not None:
        query = query.where(s.started_at >= filters.since)
    if filters.until is not None:
        query = query.where(s.started_at < filters.until)
    return query


def session_out(row: Row[Any]) -> SessionOut:
    return SessionOut.model_validate(row._asdict())


def select_status_events(
    conn: Connection, *, scope: MemberScope, asset_id: int, since: datetime | None = None
) -> Select[Any]:
    """The statement of a charge point's status, connection and session events.

    NotFound when the scope does not read that charge point.
    """
    charge_point_asset(conn, scope=scope, asset_id=asset_id)
    kinds = [kind.value for kind in EventKind]
    query = select(events.c.id, events.c.ts, events.c.kind, events.c.payload).where(
        events.c.asset_id == asset_id,
        events.c.kind.in_(kinds),
        member_clause(scope, events.c.member_id),
    )
    if since is not None:
        query = query.where(events.c.ts >= since)
    return query


def status_event_out(row: Row[Any]) -> StatusEventOut:
    return StatusEventOut(ts=row.ts, kind=row.kind, payload=row.payload)


def command_out(row: Row[Any]) -> CommandOut:
    return CommandOut.model_validate(row._asdict())


def get_command(conn: Connection, *, scope: MemberScope, command_id: int) -> CommandOut:
    """One entry of the command log; NotFound outside the scope."""
    row = conn.execute(
        select(charging_commands).where(
            charging_commands.c.id == command_id,
            member_clause(scope, charging_commands.c.member_id),
        )
    ).first()
    if row is None:
        raise NotFound(f"commande {command_id} introuvable / command {command_id} not found")
    return command_out(row)


def select_commands(conn: Connection, *, scope: MemberScope, asset_id: int) -> Select[Any]:
    """The statement of a charge point's command log; NotFound outside the scope."""
    charge_point_asset(conn, scope=scope, asset_id=asset_id)
    c = charging_commands.c
    return select(charging_commands).where(
        c.asset_id == asset_id, member_clause(scope, c.member_id)
    )
