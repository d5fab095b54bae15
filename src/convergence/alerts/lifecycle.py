"""The life of an alert: fired → acknowledged → resolved, one open per rule and asset.

Flapping rule: once an alert of a rule on an asset is resolved, that rule does not fire again
on that asset for ``cooldown_s`` seconds (15 min by default). If the condition still holds
when the cool-down ends, the next evaluation (next batch, or next scheduled run) fires. With
the hysteresis of threshold and rate rules, a value hovering at the limit cannot open and
close alerts in a loop.

An open alert whose condition reaches a graver level (water orange → rouge) is escalated: the
same alert takes the graver severity and the new text, its history says so, and its notices
are sent again (a subscriber to critical alerts only hears of it now).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convergence.alerts.conditions import ConditionState
from convergence.alerts.kinds import AlertAction, AlertStatus, DeliveryEvent, Severity
from convergence.alerts.notifications import queue_alert_notifications
from convergence.alerts.tables import OPEN_CONDITION, alert_events, alerts
from convergence.alerts.targets import Asset, Rule

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the evaluation acts on rows it already selected for the rule's own member"

SYSTEM_ACTOR = "system"


@dataclass(frozen=True, slots=True)
class Trigger:
    """Why a rule fires: the data time, the value, a French sentence and details."""

    ts: datetime
    value: float | None
    message: str
    details: dict[str, Any] = field(default_factory=dict)
    # The severity of what was reached (a water level: rouge is critical), over the rule's.
    severity: Severity | None = None


@dataclass(slots=True)
class Outcome:
    """What an evaluation changed: alerts fired and resolved, deliveries queued."""

    fired: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    deliveries: list[int] = field(default_factory=list)

    def merge(self, other: Outcome) -> None:
        self.fired += other.fired
        self.resolved += other.resolved
        self.deliveries += other.deliveries


@dataclass(frozen=True, slots=True)
class OpenAlert:
    id: int
    member_id: int
    details: dict[str, Any]
    severity: Severity = Severity.info


def find_open(conn: Connection, *, rule_id: int, asset_id: int) -> OpenAlert | None:
    """The open (firing or acknowledged) alert of a rule on an asset, if any."""
    row = conn.execute(
        select(alerts.c.id, alerts.c.member_id, alerts.c.details, alerts.c.severity).where(
            alerts.c.rule_id == rule_id, alerts.c.asset_id == asset_id, OPEN_CONDITION
        )
    ).first()
    if row is None:
        return None
    return OpenAlert(row.id, row.member_id, dict(row.details), Severity(row.severity))


def escalate(conn: Connection, *, alert: OpenAlert, trigger: Trigger, now: datetime) -> Outcome:
    """Give an open alert the graver severity its condition reached, and tell again."""
    assert trigger.severity is not None
    conn.execute(
        update(alerts)
        .where(alerts.c.id == alert.id, OPEN_CONDITION)
        .values(
            severity=trigger.severity.value,
            trigger_ts=trigger.ts,
            value=trigger.value,
            message=trigger.message,
            details=trigger.details,
        )
    )
    _history(conn, alert.id, alert.member_id, now, AlertAction.escalated, SYSTEM_ACTOR, trigger)
    queued = queue_alert_notifications(conn, alert_id=alert.id, event=DeliveryEvent.fired, now=now)
    return Outcome(deliveries=queued)


def in_cooldown(conn: Connection, *, rule: Rule, asset_id: int, now: datetime) -> bool:
    """True while the last alert of this rule on this asset was resolved under cooldown ago."""
    if rule.cooldown_s <= 0:
        return False
    last = conn.execute(
        select(func.max(alerts.c.resolved_at)).where(
            alerts.c.rule_id == rule.id, alerts.c.asset_id == asset_id
        )
    ).scalar_one_or_none()
    return last is not None and now - last < timedelta(seconds=rule.cooldown_s)


def fire(conn: Connection, *, rule: Rule, asset: Asset, trigger: Trigger, now: datetime) -> Outcome:
    """Open an alert unless one is open or the rule is cooling down, and queue its notices."""
    if in_cooldown(conn, rule=rule, asset_id=asset.id, now=now):
        return Outcome()
    insert = pg_insert(alerts) if conn.dialect.name == "postgresql" else sqlite_insert(alerts)
    statement = (
        insert.values(
            rule_id=rule.id,
            member_id=asset.member_id,
            asset_id=asset.id,
            status=AlertStatus.firing.value,
            severity=(trigger.severity or rule.severity).value,
            opened_at=now,
            trigger_ts=trigger.ts,
            value=trigger.value,
            message=trigger.message,
            details=trigger.details,
        )
        # A concurrent evaluation that opened it first wins; this one does nothing.
        .on_conflict_do_nothing(index_elements=["rule_id", "asset_id"], index_where=OPEN_CONDITION)
        .returning(alerts.c.id)
    )
    alert_id = conn.execute(statement).scalar_one_or_none()
    if alert_id is None:
        return Outcome()
    _history(conn, alert_id, asset.member_id, now, AlertAction.fired, SYSTEM_ACTOR, trigger)
    queued = queue_alert_notifications(conn, alert_id=alert_id, event=DeliveryEvent.fired, now=now)
    return Outcome(fired=[alert_id], deliveries=queued)


def resolve(
    conn: Connection, *, alert: OpenAlert, actor: str, now: datetime, trigger: Trigger
) -> Outcome:
    """Close an open alert (automatically or by hand) and queue the end-of-alert notices."""
    changed = conn.execute(
        update(alerts)
        .where(alerts.c.id == alert.id, OPEN_CONDITION)
        .values(status=AlertStatus.resolved.value, resolved_at=now, resolved_by=actor)
    ).rowcount
    if not changed:
        return Outcome()
    _history(conn, alert.id, alert.member_id, now, AlertAction.resolved, actor, trigger)
    queued = queue_alert_notifications(
        conn, alert_id=alert.id, event=DeliveryEvent.resolved, now=now
    )
    return Outcome(resolved=[alert.id], deliveries=queued)


def settle(
    conn: Connection,
    *,
    rule: Rule,
    asset: Asset,
    state: ConditionState,
    trigger: Trigger,
    now: datetime,
) -> Outcome:
    """Resolve the open alert when the condition is clear; fire one when it holds."""
    current = find_open(conn, rule_id=rule.id, asset_id=asset.id)
    if current is not None:
        graver = trigger.severity is not None and trigger.severity.rank > current.severity.rank
        if state is ConditionState.holds and graver:
            return escalate(conn, alert=current, trigger=trigger, now=now)
        if state is not ConditionState.clear:
            return Outcome()
        return resolve(conn, alert=current, actor=SYSTEM_ACTOR, now=now, trigger=trigger)
    if state is not ConditionState.holds:
        return Outcome()
    return fire(conn, rule=rule, asset=asset, trigger=trigger, now=now)


def acknowledge(
    conn: Connection, *, alert: OpenAlert, actor: str, now: datetime, note: str
) -> bool:
    """Mark a firing alert as taken in hand; False if it was not firing."""
    changed = conn.execute(
        update(alerts)
        .where(alerts.c.id == alert.id, alerts.c.status == AlertStatus.firing.value)
        .values(status=AlertStatus.acknowledged.value, acknowledged_at=now, acknowledged_by=actor)
    ).rowcount
    if changed:
        trigger = Trigger(ts=now, value=None, message=note or "prise en compte")
        _history(conn, alert.id, alert.member_id, now, AlertAction.acknowledged, actor, trigger)
    return bool(changed)


def _history(
    conn: Connection,
    alert_id: int,
    member_id: int,
    now: datetime,
    action: AlertAction,
    actor: str,
    trigger: Trigger,
) -> None:
    conn.execute(
        alert_events.insert().values(
            alert_id=alert_id,
            member_id=member_id,
            ts=now,
            action=action.value,
            actor=actor,
            value=trigger.value,
            note=trigger.message,
        )
    )
