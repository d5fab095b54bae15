"""Charging sessions: opened, metered and closed from transaction messages, idempotently.

Charge points resend transaction messages they got no answer to, and send cached ones after
an outage: the same start gives the same session, a second stop changes nothing, and a
meter value older than the last one read stays out of the index (``metering``).

A session **fails** when the id tag was refused at start, when it stopped for an abnormal
reason (emergency stop, power loss, fault, reset…), or when it delivered no energy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, select, update

from convergence.charging.alerting import FALSE, TRUE, Sink, charging_event
from convergence.charging.config import CentralConfig
from convergence.charging.kinds import EventKind, Protocol, SessionFailure, SessionStatus
from convergence.charging.metering import meter_readings, power_stops
from convergence.charging.ocpp.observations import (
    ChargePointRef,
    MeterSample,
    TransactionEnd,
    TransactionStart,
)
from convergence.charging.tables import charge_points, charging_sessions
from convergence.db.inserts import insert_one
from convergence.db.types import utcnow

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the central system writes for an authenticated charge point"

# OCPP 1.6 Reason and 2.0.1 ReasonEnumType values that mean the driver did not get a normal end.
ABNORMAL_STOP_REASONS = frozenset(
    {
        "EmergencyStop",
        "PowerLoss",
        "PowerQuality",
        "GroundFault",
        "OvercurrentFault",
        "Other",
        "Reboot",
        "HardReset",
        "SoftReset",
        "ImmediateReset",
        "DeAuthorized",
        "Timeout",
    }
)
s = charging_sessions.c
# Built once: it runs for every meter value of every transaction.
_ADVANCE = (
    update(charging_sessions)
    .where(s.asset_id == bindparam("aid"), s.transaction_ref == bindparam("ref"))
    .values(
        meter_last_wh=bindparam("last"),
        meter_start_wh=func.coalesce(s.meter_start_wh, bindparam("first")),
        updated_at=bindparam("now", type_=charging_sessions.c.updated_at.type),
    )
)


def find_session(conn: Connection, *, ref: ChargePointRef, transaction_ref: str) -> Row[Any] | None:
    """The session of a transaction of this charge point."""
    return conn.execute(
        select(charging_sessions).where(
            s.asset_id == ref.asset_id, s.transaction_ref == transaction_ref
        )
    ).first()


def open_session(
    conn: Connection,
    sink: Sink,
    *,
    ref: ChargePointRef,
    start: TransactionStart,
    protocol: Protocol,
) -> int:
    """The session of a starting transaction (the same one for a resent start); its id."""
    existing = _same_start(conn, ref, start)
    if existing is not None:
        return existing
    _abandon_active(conn, ref, start.connector_id, start.ts)
    session_id = _insert(conn, ref, start, protocol)
    if start.transaction_ref is None:  # 1.6: the central system names the transaction
        conn.execute(
            update(charging_sessions)
            .where(s.id == session_id)
            .values(transaction_ref=str(session_id))
        )
    samples = [*_register(start.ts, start.meter_start_wh), *start.samples]
    sink.add(readings=meter_readings(conn, ref, start.connector_id, samples))
    return session_id


def _insert(
    conn: Connection, ref: ChargePointRef, start: TransactionStart, protocol: Protocol
) -> int:
    return insert_one(
        conn,
        charging_sessions,
        asset_id=ref.asset_id,
        member_id=ref.member_id,
        connector_id=start.connector_id,
        protocol=protocol.value,
        transaction_ref=start.transaction_ref,
        id_tag_hash=start.id_tag_hash,
        started_at=start.ts,
        meter_start_wh=start.meter_start_wh,
        meter_last_wh=start.meter_start_wh,
        status=(SessionStatus.active if start.id_tag_accepted else SessionStatus.failed).value,
        failure=None if start.id_tag_accepted else SessionFailure.id_tag_refused.value,
        updated_at=utcnow(),
    )


def _same_start(conn: Connection, ref: ChargePointRef, start: TransactionStart) -> int | None:
    if start.transaction_ref is not None:
        row = find_session(conn, ref=ref, transaction_ref=start.transaction_ref)
        return None if row is None else int(row.id)
    found: int | None = conn.execute(
        select(s.id).where(
            s.asset_id == ref.asset_id,
            s.connector_id == start.connector_id,
            s.started_at == start.ts,
            s.meter_start_wh == start.meter_start_wh,
        )
    ).scalar()
    return found


def _abandon_active(conn: Connection, ref: ChargePointRef, connector_id: int, at: datetime) -> None:
    """A new transaction on a connector ends the one whose stop never came."""
    conn.execute(
        update(charging_sessions)
        .where(
            s.asset_id == ref.asset_id,
            s.connector_id == connector_id,
            s.status == SessionStatus.active.value,
            s.started_at < at,
        )
        .values(
            status=SessionStatus.failed.value,
            failure=SessionFailure.no_stop_received.value,
            stopped_at=at,
            updated_at=utcnow(),
        )
    )


def record_meter_values(
    conn: Connection,
    sink: Sink,
    *,
    ref: ChargePointRef,
    connector_id: int,
    samples: Sequence[MeterSample],
    transaction_ref: str | None = None,
) -> None:
    """Meter values of a connector (and of its transaction, when named)."""
    if not samples:
        return
    if connector_id <= 0 and transaction_ref is not None:  # 2.0.1 without an EVSE: its session's
        session = find_session(conn, ref=ref, transaction_ref=transaction_ref)
        connector_id = session.connector_id if session is not None else 0
    sink.add(readings=meter_readings(conn, ref, connector_id, samples))
    if transaction_ref is not None:
        _advance(conn, ref, transaction_ref, samples)


def _advance(
    conn: Connection, ref: ChargePointRef, transaction_ref: str, samples: Sequence[MeterSample]
) -> None:
    """The session's last register (and its first, when the start did not give one)."""
    registers = [x for x in sorted(samples, key=lambda x: x.ts) if x.energy_wh is not None]
    if not registers:
        return
    params = {
        "aid": ref.asset_id,
        "ref": transaction_ref,
        "last": registers[-1].energy_wh,
        "first": registers[0].energy_wh,
        "now": utcnow(),
    }
    conn.execute(_ADVANCE, params)


def close_session(
    conn: Connection,
    sink: Sink,
    *,
    ref: ChargePointRef,
    end: TransactionEnd,
    config: CentralConfig,
) -> int | None:
    """End the transaction's session (a second stop changes nothing); its id, if known."""
    session = find_session(conn, ref=ref, transaction_ref=end.transaction_ref)
    connector_id = session.connector_id if session is not None else end.connector_id
    samples = [*end.samples, *_register(end.ts, end.meter_stop_wh)]
    readings = meter_readings(conn, ref, connector_id, samples) if connector_id else []
    if session is None or session.stopped_at is not None:
        sink.add(readings=readings)
        return None if session is None else int(session.id)
    energy, failure = _finish(conn, session, end)
    readings += power_stops(conn, ref, session.connector_id, end.ts)
    event = _session_event(conn, ref, session, end, energy, failure, config)
    sink.add(readings=readings, events=[event])
    return int(session.id)


def _finish(
    conn: Connection, session: Row[Any], end: TransactionEnd
) -> tuple[float | None, SessionFailure | None]:
    """Record the session's end; the energy it delivered and why it failed, if it did."""
    stop_wh = _stop_register(session, end)
    start_wh = session.meter_start_wh
    energy = stop_wh - start_wh if stop_wh is not None and start_wh is not None else None
    failure = failure_of(session.failure, end.reason, energy)
    status = SessionStatus.failed if failure else SessionStatus.completed
    conn.execute(
        update(charging_sessions)
        .where(s.id == session.id)
        .values(
            stopped_at=end.ts,
            meter_stop_wh=stop_wh,
            meter_last_wh=stop_wh,
            energy_wh=energy if energy is not None and energy >= 0 else None,
            stop_reason=end.reason[:30],
            status=status.value,
            failure=failure.value if failure else None,
            updated_at=utcnow(),
        )
    )
    return energy, failure


def _stop_register(session: Row[Any], end: TransactionEnd) -> float | None:
    if end.meter_stop_wh is not None:
        return end.meter_stop_wh
    registers = [x for x in sorted(end.samples, key=lambda x: x.ts) if x.energy_wh is not None]
    last: float | None = registers[-1].energy_wh if registers else session.meter_last_wh
    return last


def failure_of(known: str | None, reason: str, energy_wh: float | None) -> SessionFailure | None:
    """Why a session that ends this way failed, or None when it completed."""
    if known:
        return SessionFailure(known)
    if reason in ABNORMAL_STOP_REASONS:
        return SessionFailure.abnormal_stop
    if energy_wh is None or energy_wh <= 0:
        return SessionFailure.no_energy
    return None


def _session_event(
    conn: Connection,
    ref: ChargePointRef,
    session: Row[Any],
    end: TransactionEnd,
    energy: float | None,
    failure: SessionFailure | None,
    config: CentralConfig,
) -> Any:
    in_row = _count_failures(conn, ref, failed=failure is not None)
    payload = {
        "connector_id": session.connector_id,
        "session_id": session.id,
        "outcome": (SessionStatus.failed if failure else SessionStatus.completed).value,
        "failure": failure.value if failure else "",
        "stop_reason": end.reason,
        "energy_wh": energy if energy is not None else "",
        "failed_in_row": in_row,
        "repeated_failures": TRUE if in_row >= config.failed_sessions_alert else FALSE,
    }
    return charging_event(
        ref, EventKind.session, end.ts, payload, connector_id=session.connector_id
    )


def _count_failures(conn: Connection, ref: ChargePointRef, *, failed: bool) -> int:
    cp = charge_points.c
    value = (cp.failed_in_row + 1) if failed else 0
    conn.execute(
        update(charge_points).where(cp.asset_id == ref.asset_id).values(failed_in_row=value)
    )
    count: int = conn.execute(
        select(cp.failed_in_row).where(cp.asset_id == ref.asset_id)
    ).scalar_one()
    return count


def _register(ts: datetime, energy_wh: float | None) -> list[MeterSample]:
    return [] if energy_wh is None else [MeterSample(ts=ts, energy_wh=energy_wh)]
