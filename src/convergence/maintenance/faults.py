"""Tickets from alerts: read the alerts' history and open, update, reopen or restore tickets.

The alerts package knows nothing of maintenance. Its history (``alert_events``) is an
append-only journal; this module reads it from where it stopped (``maintenance_cursors``) and
turns the alerts that mean « the equipment is at fault » into tickets. Alerts about the
measured world (a pollution threshold, a flood level) are not equipment faults and open none.

A charge point ``Faulted`` or ``Unavailable`` (the default rules « Borne en défaut » and
« Borne indisponible ») is one problem, ``charge_point_fault``: it does not serve, and its
ticket keeps the OCPP ``errorCode`` and ``vendorErrorCode`` of the status.

Restoration is verified by telemetry: a charge point's ticket is restored when its latest
status notification shows neither fault nor unavailability (back to ``Available``), at the
time the charge point gave; an alert ended by hand without that proof leaves the ticket open,
with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, select, update

from convergence.alerts.kinds import AlertAction, RuleKind
from convergence.alerts.tables import alert_events, alert_rules, alerts
from convergence.maintenance.kinds import Origin, Problem, TicketAction
from convergence.maintenance.tables import OPEN_TICKET_CONDITION, cursors, tickets
from convergence.maintenance.tickets import (
    SYSTEM_ACTOR,
    Fault,
    Opened,
    history,
    open_or_update,
    restore,
)
from convergence.registry.kinds import AssetKind
from convergence.registry.tables import assets
from convergence.timeseries.tables import events

CURSOR = "alert_events"
BATCH = 500
OCPP_PROBLEMS = {
    "ocpp.status": Problem.charge_point_fault,
    "ocpp.connection": Problem.heartbeat_lost,
    "ocpp.session": Problem.sessions_failing,
}
TITLES = {
    Problem.charge_point_fault: "Borne en défaut",
    Problem.heartbeat_lost: "Borne injoignable (plus de signal de vie)",
    Problem.sessions_failing: "Échecs de charge répétés",
    Problem.camera_down: "Caméra hors service",
    Problem.sensor_silent: "Capteur muet",
    Problem.sensor_faulty: "Capteur en défaut",
}
UNAVAILABLE_TITLE = "Borne indisponible"
NOT_SERVING = frozenset({"Faulted", "Unavailable"})
OUT_OF_SERVICE_FLAGS = ("charge_point_faulted", "charge_point_unavailable")


@dataclass(slots=True)
class SyncOutcome:
    """What one pass over the alerts' history changed."""

    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)
    restored: list[int] = field(default_factory=list)
    read: int = 0  # history lines applied by this pass
    deliveries: list[int] = field(default_factory=list)  # contractor e-mails queued
    reminders: list[int] = field(default_factory=list)  # inspection reminders queued

    def note(self, result: Opened) -> None:
        {
            TicketAction.opened: self.opened,
            TicketAction.updated: self.updated,
            TicketAction.reopened: self.reopened,
        }[result.action].append(result.ticket_id)


def sync_tickets(conn: Connection, *, reopen_window: timedelta) -> SyncOutcome:
    """Apply the alerts' history written since the last pass; one pass, at most ``BATCH`` lines."""
    start = _cursor(conn)
    rows = conn.execute(_history_query(start)).all()
    outcome = SyncOutcome()
    if not rows or not _claim(conn, start, rows[-1].event_id):
        return outcome  # nothing new, or another process applied these lines
    outcome.read = len(rows)
    for row in rows:
        problem = classify(row)
        if problem is None:
            continue
        if row.action == AlertAction.fired.value:
            outcome.note(
                open_or_update(conn, fault=_fault(row, problem), reopen_window=reopen_window)
            )
        elif row.action == AlertAction.resolved.value:
            restored = _restore(conn, row, problem)
            if restored is not None:
                outcome.restored.append(restored)
    return outcome


def classify(row: Row[Any]) -> Problem | None:
    """The equipment problem an alert means, or None when it is about the measured world."""
    camera = row.asset_kind == AssetKind.camera.value
    if row.rule_kind == RuleKind.silence.value:
        return Problem.camera_down if camera else Problem.sensor_silent
    if row.rule_kind != RuleKind.event.value:
        return None  # thresholds, rates, indicators: the world, not the device
    event_kind = (row.params or {}).get("event_kind", "")
    if event_kind in OCPP_PROBLEMS:
        return OCPP_PROBLEMS[event_kind]
    return Problem.camera_down if camera else Problem.sensor_faulty


def _history_query(start: int) -> Any:
    return (
        select(
            alert_events.c.id.label("event_id"),
            alert_events.c.action,
            alert_events.c.ts,
            alerts.c.id.label("alert_id"),
            alerts.c.asset_id,
            alerts.c.member_id,
            alerts.c.trigger_ts,
            alerts.c.message,
            alerts.c.details,
            alert_rules.c.kind.label("rule_kind"),
            alert_rules.c.params,
            assets.c.kind.label("asset_kind"),
            assets.c.name.label("asset_name"),
        )
        .join(alerts, alerts.c.id == alert_events.c.alert_id)
        .join(alert_rules, alert_rules.c.id == alerts.c.rule_id)
        .join(assets, assets.c.id == alerts.c.asset_id)
        .where(alert_events.c.id > start)
        .order_by(alert_events.c.id)
        .limit(BATCH)
    )


def _cursor(conn: Connection) -> int:
    last = conn.execute(select(cursors.c.last_id).where(cursors.c.name == CURSOR)).scalar()
    if last is None:
        conn.execute(cursors.insert().values(name=CURSOR, last_id=0))
        return 0
    return int(last)


def _claim(conn: Connection, start: int, end: int) -> bool:
    # Compare-and-set: on PostgreSQL a concurrent pass waits on the row lock, then finds the
    # cursor moved and applies nothing; the lines are applied once.
    moved = conn.execute(
        update(cursors)
        .where(cursors.c.name == CURSOR, cursors.c.last_id == start)
        .values(last_id=end)
    ).rowcount
    return bool(moved)


def _fault(row: Row[Any], problem: Problem) -> Fault:
    payload = dict((row.details or {}).get("payload") or {})
    error_code = payload.get("error_code")
    title = TITLES[problem]
    if problem is Problem.charge_point_fault and payload.get("status") == "Unavailable":
        title = UNAVAILABLE_TITLE
    return Fault(
        asset_id=row.asset_id,
        member_id=row.member_id,
        problem=problem,
        ts=row.trigger_ts,
        title=f"{title} — {row.asset_name}",
        description=row.message,
        origin=Origin.alert,
        error_code=None if error_code in (None, "NoError") else str(error_code)[:100],
        vendor_error_code=_text(payload.get("vendor_error_code")),
        alert_id=row.alert_id,
    )


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)[:100]


def _restore(conn: Connection, row: Row[Any], problem: Problem) -> int | None:
    ticket = conn.execute(
        select(tickets.c.id, tickets.c.last_fault_at).where(
            tickets.c.asset_id == row.asset_id,
            tickets.c.problem == problem.value,
            OPEN_TICKET_CONDITION,
        )
    ).first()
    if ticket is None:
        return None
    if problem is not Problem.charge_point_fault:
        note = f"rétabli : {row.message}"
        restore(conn, ticket_id=ticket.id, ts=row.ts, verified=True, actor=SYSTEM_ACTOR, note=note)
        return int(ticket.id)
    back = _back_in_service(conn, asset_id=row.asset_id, since=ticket.last_fault_at)
    if back is None:
        note = (
            "alerte levée sans statut « Available » reçu de la borne : rétablissement non vérifié"
        )
        history(
            conn, ticket.id, row.member_id, row.ts, TicketAction.not_verified, SYSTEM_ACTOR, note
        )
        return None
    note = "la borne signale de nouveau « Available » (rétablissement vérifié par télémétrie)"
    restore(conn, ticket_id=ticket.id, ts=back, verified=True, actor=SYSTEM_ACTOR, note=note)
    return int(ticket.id)


def _back_in_service(conn: Connection, *, asset_id: int, since: datetime) -> datetime | None:
    """When the charge point's latest status shows it serving again, if it does."""
    latest = conn.execute(
        select(events.c.ts, events.c.payload)
        .where(events.c.asset_id == asset_id, events.c.kind == "ocpp.status", events.c.ts >= since)
        .order_by(events.c.ts.desc())
        .limit(1)
    ).first()
    if latest is None:
        return None
    payload = latest.payload or {}
    flagged = any(payload.get(flag) == "true" for flag in OUT_OF_SERVICE_FLAGS)
    if flagged or payload.get("status") in NOT_SERVING:
        return None
    ts: datetime = latest.ts
    return ts
