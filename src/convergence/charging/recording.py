"""Storing what charge points report outside transactions: boots, statuses, liveness.

Each function runs in the caller's transaction and gathers its events in the caller's
``Sink``, stored through the time-series store (and fed to alert rules) when it is flushed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, false, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convergence.charging.alerting import FALSE, TRUE, Sink, charging_event, connection_event
from convergence.charging.config import CentralConfig
from convergence.charging.kinds import ConnectionState, EventKind, Protocol, Registration
from convergence.charging.metering import ensure_connectors
from convergence.charging.ocpp.observations import BootInfo, ChargePointRef, StatusReport
from convergence.charging.status import PointStatus
from convergence.charging.tables import charge_point_connectors, charge_points
from convergence.db.types import utcnow
from convergence.registry.tables import assets

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the central system writes for an authenticated charge point"

_TEXT = 50  # length of the identity columns


def ensure_charge_point(conn: Connection, ref: ChargePointRef) -> None:
    """Create the charge point's row if it has none yet."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    values = {
        "asset_id": ref.asset_id,
        "member_id": ref.member_id,
        "online": False,
        "connected": False,
        "failed_in_row": 0,
        "updated_at": utcnow(),
    }
    conn.execute(insert(charge_points).values(**values).on_conflict_do_nothing())


def record_boot(
    conn: Connection,
    sink: Sink,
    *,
    ref: ChargePointRef,
    info: BootInfo,
    interval_s: int,
    now: datetime,
) -> Registration:
    """Keep what the charge point says of itself; retired equipment is rejected."""
    ensure_charge_point(conn, ref)
    status = conn.execute(select(assets.c.status).where(assets.c.id == ref.asset_id)).scalar()
    registration = Registration.rejected if status == "retired" else Registration.accepted
    identity = _identity(info)
    conn.execute(
        update(charge_points)
        .where(charge_points.c.asset_id == ref.asset_id)
        .values(
            **{k: v[:_TEXT] if v else None for k, v in identity.items()},
            protocol=info.protocol.value,
            registration=registration.value,
            heartbeat_interval_s=interval_s,
            last_boot_at=now,
            updated_at=now,
        )
    )
    sink.add(events=[charging_event(ref, EventKind.boot, now, _boot_payload(info, registration))])
    return registration


def _boot_payload(info: BootInfo, registration: Registration) -> dict[str, Any]:
    payload: dict[str, Any] = {k: v for k, v in _identity(info).items() if v}
    payload |= {"protocol": info.protocol.value, "registration": registration.value}
    if info.reason:
        payload["reason"] = info.reason
    return payload


def _identity(info: BootInfo) -> dict[str, str | None]:
    return {
        "vendor": info.vendor,
        "model": info.model,
        "serial_number": info.serial_number,
        "firmware_version": info.firmware_version,
    }


def record_status(
    conn: Connection, sink: Sink, *, ref: ChargePointRef, report: StatusReport
) -> None:
    """Keep a connector's status (connector 0: the whole charge point) and its event."""
    if report.connector_id == 0:
        _set_charge_point_status(conn, ref, report)
    elif not _set_connector_status(conn, ref, report):
        ensure_connectors(conn, ref, [report.connector_id])  # first heard of: made once
        _set_connector_status(conn, ref, report)
    payload: dict[str, Any] = {
        "connector_id": report.connector_id,
        "status": report.status,
        "point_status": report.point_status.value,
        "error_code": report.error_code or "NoError",
        **_out_of_service(conn, ref),
        **report.detail,
    }
    event = charging_event(
        ref, EventKind.status, report.ts, payload, connector_id=report.connector_id
    )
    sink.add(events=[event])


def _set_charge_point_status(conn: Connection, ref: ChargePointRef, report: StatusReport) -> None:
    cp = charge_points.c
    conn.execute(
        update(charge_points)
        .where(cp.asset_id == ref.asset_id, or_(cp.status_at.is_(None), cp.status_at <= report.ts))
        .values(status=report.status, status_at=report.ts, updated_at=utcnow())
    )


# Statements of every status notification, built once (see metering.py).
_c = charge_point_connectors.c
_WHEN = bindparam("ts", type_=_c.status_at.type)
# A status older than the one kept (a cached message sent late) is history only.
_SET_CONNECTOR_STATUS = (
    update(charge_point_connectors)
    .where(
        _c.asset_id == bindparam("aid"),
        _c.connector_id == bindparam("cid"),
        or_(_c.status_at.is_(None), _c.status_at <= _WHEN),
    )
    .values(
        status=bindparam("status"),
        point_status=bindparam("point_status"),
        error_code=bindparam("error_code"),
        status_at=_WHEN,
        updated_at=bindparam("now", type_=_c.updated_at.type),
    )
)
_ANY_FAULT = select(
    charge_points.c.status,
    select(_c.connector_id)
    .where(_c.asset_id == bindparam("aid"), _c.point_status == PointStatus.faulted.value)
    .exists(),
    select(_c.connector_id)
    .where(_c.asset_id == bindparam("aid"), _c.point_status == PointStatus.unavailable.value)
    .exists(),
).where(charge_points.c.asset_id == bindparam("aid"))


def _set_connector_status(conn: Connection, ref: ChargePointRef, report: StatusReport) -> bool:
    """Whether the connector's status was changed (a newer one, or no row, leaves it)."""
    params = {
        "aid": ref.asset_id,
        "cid": report.connector_id,
        "ts": report.ts,
        "status": report.status,
        "point_status": report.point_status.value,
        "error_code": report.error_code,
        "now": utcnow(),
    }
    return bool(conn.execute(_SET_CONNECTOR_STATUS, params).rowcount)


def _out_of_service(conn: Connection, ref: ChargePointRef) -> dict[str, str]:
    """Whether a connector, or the whole charge point, is Faulted, and whether one is
    Unavailable (one query): the two flags the default alert rules match."""
    found = conn.execute(_ANY_FAULT, {"aid": ref.asset_id}).first()
    faulted = found is not None and (found[0] == "Faulted" or bool(found[1]))
    unavailable = found is not None and (found[0] == "Unavailable" or bool(found[2]))
    return {
        "charge_point_faulted": TRUE if faulted else FALSE,
        "charge_point_unavailable": TRUE if unavailable else FALSE,
    }


def record_connection(
    conn: Connection, sink: Sink, *, ref: ChargePointRef, protocol: Protocol, now: datetime
) -> None:
    """The charge point's WebSocket is open: it is online (again)."""
    ensure_charge_point(conn, ref)
    was_online = conn.execute(
        select(charge_points.c.online).where(charge_points.c.asset_id == ref.asset_id)
    ).scalar()
    conn.execute(
        update(charge_points)
        .where(charge_points.c.asset_id == ref.asset_id)
        .values(
            protocol=protocol.value,
            online=True,
            connected=True,
            connected_at=now,
            last_seen_at=now,
            updated_at=now,
        )
    )
    if not was_online:
        sink.add(events=[connection_event(ref, ConnectionState.online, now, "connected")])


def record_disconnection(conn: Connection, *, ref: ChargePointRef, now: datetime) -> None:
    """The WebSocket closed; the charge point goes offline only once silent long enough."""
    conn.execute(
        update(charge_points)
        .where(charge_points.c.asset_id == ref.asset_id)
        .values(connected=False, disconnected_at=now, updated_at=now)
    )


def flush_presence(
    conn: Connection, sink: Sink, *, seen: Mapping[ChargePointRef, datetime]
) -> None:
    """Write when each charge point was last heard; those marked offline are online again."""
    if not seen:
        return
    cp = charge_points.c
    when = bindparam("seen_at", type_=charge_points.c.last_seen_at.type)
    conn.execute(
        update(charge_points)
        .where(
            cp.asset_id == bindparam("aid"), or_(cp.last_seen_at.is_(None), cp.last_seen_at < when)
        )
        .values(last_seen_at=when),
        [{"aid": ref.asset_id, "seen_at": ts} for ref, ts in seen.items()],
    )
    _back_online(conn, sink, seen)


def _back_online(conn: Connection, sink: Sink, seen: Mapping[ChargePointRef, datetime]) -> None:
    """Charge points heard again after being reported offline."""
    cp = charge_points.c
    by_id = {ref.asset_id: ref for ref in seen}
    query = select(cp.asset_id).where(cp.asset_id.in_(sorted(by_id)), cp.online == false())
    back = conn.execute(query).scalars().all()
    if not back:
        return
    conn.execute(
        update(charge_points).where(cp.asset_id.in_(back)).values(online=True, connected=True)
    )
    events = [
        connection_event(by_id[a], ConnectionState.online, seen[by_id[a]], "heard") for a in back
    ]
    sink.add(events=events)


def sweep_offline(
    conn: Connection, sink: Sink, *, config: CentralConfig, now: datetime
) -> list[int]:
    """Charge points silent for too many heartbeat intervals go offline; their asset ids.

    Every process holding connections sweeps: a charge point is reported by the one sweep
    that turns it offline (the update is conditional), never twice.
    """
    cp = charge_points.c
    rows = conn.execute(
        select(
            cp.asset_id, cp.member_id, cp.last_seen_at, cp.heartbeat_interval_s, assets.c.ocpp_id
        )
        .join(assets, assets.c.id == cp.asset_id)
        .where(cp.online == true())
    ).all()
    events = []
    for row in rows:
        interval = row.heartbeat_interval_s or config.heartbeat_interval_s
        limit = timedelta(seconds=interval * config.offline_after_intervals)
        if row.last_seen_at is not None and now - row.last_seen_at <= limit:
            continue
        if not _turned_offline(conn, row.asset_id, now):
            continue  # another sweep did, or the charge point was heard meanwhile
        ref = ChargePointRef(row.asset_id, row.member_id, row.ocpp_id or "")
        since = row.last_seen_at + limit if row.last_seen_at is not None else now
        events.append(connection_event(ref, ConnectionState.offline, since, "silent"))
    sink.add(events=events)
    return [e.asset_id for e in events]


def _turned_offline(conn: Connection, asset_id: int, now: datetime) -> bool:
    cp = charge_points.c
    return bool(
        conn.execute(
            update(charge_points)
            .where(cp.asset_id == asset_id, cp.online == true())
            .values(online=False, connected=False, updated_at=now)
        ).rowcount
    )


def record_data_transfer(
    conn: Connection,
    sink: Sink,
    *,
    ref: ChargePointRef,
    vendor_id: str,
    message_id: str | None,
    now: datetime,
) -> None:
    """Keep a trace of a vendor extension message (its data is not interpreted)."""
    payload = {"vendor_id": vendor_id[:255], "message_id": (message_id or "")[:50]}
    sink.add(events=[charging_event(ref, EventKind.data_transfer, now, payload)])
