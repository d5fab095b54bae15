"""What the IRVE exports are made of: stations from the registry, statuses from OCPP.

Static file: every charge point in the field (installed, active or faulty) of the members the
caller reads, with the station details people gave it; its position, INSEE code and update
date come from the registry, and the *aménageur* defaults to the member that owns it. Charge
points that share an ``id_station_itinerance`` (or ``id_station_local``) form one station.

Dynamic file: one row per point of charge with an itinerance id (the dynamic schema has no
"Non concerné"), its status mapped by ``status.py``; a charge point offline is ``inconnu``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from convergence.charging.irve.models import (
    NOT_IN_ROAMING,
    Developer,
    PointLiveStatus,
    PointOfCharge,
    Station,
)
from convergence.charging.queries import effective_status, is_charge_point, whole_status
from convergence.charging.status import PointStatus
from convergence.charging.tables import charge_point_connectors, charge_points
from convergence.members.scope import MemberScope, member_clause
from convergence.members.tables import members
from convergence.paris_time import PARIS
from convergence.registry.tables import assets

IN_THE_FIELD = ("installed", "active", "faulty")


def registry_stations(conn: Connection, *, scope: MemberScope) -> list[Station]:
    """The IRVE stations of the charge points the scope reads, points included."""
    rows = _charge_point_rows(conn, scope)
    points = _points(conn, [r.id for r in rows])
    stations: dict[str, Station] = {}
    for row in rows:
        station = _station(row, points.get(row.id, []))
        key = _station_key(station, row.id)
        if key in stations:
            stations[key].points.extend(station.points)
        else:
            stations[key] = station
    return list(stations.values())


def _charge_point_rows(conn: Connection, scope: MemberScope) -> list[Row[Any]]:
    query = (
        select(
            assets,
            charge_points.c.station,
            charge_points.c.updated_at.label("cp_updated_at"),
            members.c.name.label("member_name"),
            members.c.siren,
        )
        .select_from(
            assets.outerjoin(charge_points, charge_points.c.asset_id == assets.c.id).join(
                members, members.c.id == assets.c.member_id
            )
        )
        .where(
            is_charge_point(),
            assets.c.status.in_(IN_THE_FIELD),
            member_clause(scope, assets.c.member_id),
        )
        .order_by(assets.c.id)
    )
    return list(conn.execute(query))


def _points(conn: Connection, asset_ids: list[int]) -> dict[int, list[PointOfCharge]]:
    c = charge_point_connectors.c
    found: dict[int, list[PointOfCharge]] = defaultdict(list)
    if not asset_ids:
        return found
    rows = conn.execute(
        select(c.asset_id, c.pdc)
        .where(c.asset_id.in_(asset_ids), c.pdc.is_not(None))
        .order_by(c.asset_id, c.connector_id)
    )
    for row in rows:
        found[row.asset_id].append(PointOfCharge.model_validate(row.pdc))
    return found


def _station(row: Row[Any], points: list[PointOfCharge]) -> Station:
    station = Station.model_validate(row.station or {})
    updated = max(t for t in (row.updated_at, row.cp_updated_at) if t is not None)
    developer = station.developer
    if developer.name is None and developer.siren is None:
        developer = Developer(name=row.member_name, siren=row.siren)
    return station.model_copy(
        update={
            "name": station.name or row.name,
            "longitude": row.lon,
            "latitude": row.lat,
            "insee_code": row.commune_insee,
            "updated_on": updated.astimezone(PARIS).date(),
            "developer": developer,
            "points": points,
        }
    )


def _station_key(station: Station, asset_id: int) -> str:
    roaming = station.id_station_itinerance
    if roaming and roaming != NOT_IN_ROAMING:
        return f"itinerance:{roaming}"
    if station.id_station_local:
        return f"local:{station.id_station_local}"
    return f"asset:{asset_id}"


def live_statuses(conn: Connection, *, scope: MemberScope, now: datetime) -> list[PointLiveStatus]:
    """The current status of every point of charge with an itinerance id."""
    c, cp = charge_point_connectors.c, charge_points.c
    rows = conn.execute(
        select(
            charge_point_connectors,
            cp.online,
            cp.status.label("cp_status"),
            cp.last_seen_at,
        )
        .join(charge_points, cp.asset_id == c.asset_id)
        .join(assets, assets.c.id == c.asset_id)
        .where(
            c.pdc.is_not(None),
            assets.c.status.in_(IN_THE_FIELD),
            member_clause(scope, c.member_id),
        )
        .order_by(c.asset_id, c.connector_id)
    ).all()
    statuses = (_live(row, now) for row in rows)
    return [status for status in statuses if status is not None]


def _live(row: Row[Any], now: datetime) -> PointLiveStatus | None:
    point = PointOfCharge.model_validate(row.pdc)
    if not point.id_pdc_itinerance or point.id_pdc_itinerance == NOT_IN_ROAMING:
        return None
    status = effective_status(row, whole_status(row.cp_status), bool(row.online))
    # "inconnu" is what the platform can say now; a known status dates from its report.
    known = status is not PointStatus.unknown
    return PointLiveStatus(
        id_pdc_itinerance=point.id_pdc_itinerance,
        status=status,
        observed_at=(row.status_at or now) if known else now,
        sockets=point.sockets,
    )
