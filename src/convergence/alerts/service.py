"""Use cases of alert rules and alerts: create, change, remove rules; acknowledge, resolve."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from convergence.alerts.kinds import OPEN_STATUSES, AlertStatus, TargetKind
from convergence.alerts.lifecycle import OpenAlert, Trigger, acknowledge, resolve
from convergence.alerts.queries import get_alert, get_rule
from convergence.alerts.schemas import AlertOut, RuleCreate, RuleOut, RuleUpdate
from convergence.alerts.tables import alert_rules
from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import Conflict, InvalidInput
from convergence.members import audit
from convergence.members.scope import MemberScope, require_write
from convergence.members.tables import member_communes
from convergence.registry.tables import assets, device_models

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "check_target": "called by create_rule and update_rule after require_write(scope)",
}


def create_rule(conn: Connection, *, scope: MemberScope, data: RuleCreate) -> RuleOut:
    """Create a rule watching equipment of one member (the caller's, or any for the operator)."""
    member_id = data.member_id or scope.member_id
    require_write(scope, member_id)
    check_target(conn, member_id=member_id, data=data)
    now = utcnow()
    values = data.model_dump(mode="json", exclude={"member_id"})
    rule_id = insert_one(
        conn,
        alert_rules,
        **values,
        member_id=member_id,
        kind=data.params.kind.value,
        created_by=scope.actor,
        created_at=now,
        updated_at=now,
    )
    _audit(conn, scope, "alert_rule.create", member_id, f"alert_rule:{rule_id}", name=data.name)
    return get_rule(conn, scope=scope, rule_id=rule_id)


def check_target(conn: Connection, *, member_id: int, data: RuleCreate) -> None:
    """InvalidInput unless the rule's target exists and belongs to (or is covered by) the member."""
    if data.target_kind is TargetKind.asset:
        found = select(assets.c.id).where(
            assets.c.id == data.asset_id, assets.c.member_id == member_id
        )
    elif data.target_kind is TargetKind.device_model:
        found = select(device_models.c.id).where(device_models.c.id == data.device_model_id)
    elif data.target_kind is TargetKind.commune:
        found = select(member_communes.c.member_id).where(
            member_communes.c.member_id == member_id,
            member_communes.c.commune_insee == data.commune_insee,
        )
    else:
        return
    if conn.execute(found).first() is None:
        raise InvalidInput(
            f"cible introuvable pour cet adhérent / the {data.target_kind} target does not exist "
            "or does not belong to the rule's member"
        )


def update_rule(conn: Connection, *, scope: MemberScope, rule_id: int, data: RuleUpdate) -> RuleOut:
    """Change some fields of a rule; a new kind of parameters is refused."""
    current = get_rule(conn, scope=scope, rule_id=rule_id)
    require_write(scope, current.member_id)
    changes: dict[str, Any] = data.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    if data.params is not None and data.params.kind != current.kind:
        raise InvalidInput("a rule keeps its kind / une règle garde son type: create another one")
    if changes:
        conn.execute(
            update(alert_rules)
            .where(alert_rules.c.id == rule_id)
            .values(**changes, updated_at=utcnow())
        )
        _audit(conn, scope, "alert_rule.update", current.member_id, f"alert_rule:{rule_id}")
    return get_rule(conn, scope=scope, rule_id=rule_id)


def delete_rule(conn: Connection, *, scope: MemberScope, rule_id: int) -> None:
    """Remove a rule with its alerts and their history."""
    current = get_rule(conn, scope=scope, rule_id=rule_id)
    require_write(scope, current.member_id)
    conn.execute(delete(alert_rules).where(alert_rules.c.id == rule_id))
    _audit(conn, scope, "alert_rule.delete", current.member_id, f"alert_rule:{rule_id}")


def acknowledge_alert(
    conn: Connection,
    *,
    scope: MemberScope,
    alert_id: int,
    note: str = "",
    now: datetime | None = None,
) -> AlertOut:
    """Take a firing alert in hand; it stays open until the condition clears."""
    alert = get_alert(conn, scope=scope, alert_id=alert_id)
    require_write(scope, alert.member_id)
    if alert.status is not AlertStatus.firing:
        raise Conflict(f"l'alerte est {alert.status.value} / only a firing alert is acknowledged")
    acknowledge(
        conn,
        alert=OpenAlert(alert.id, alert.member_id, {}),
        actor=scope.actor,
        now=now or utcnow(),
        note=note,
    )
    _audit(conn, scope, "alert.acknowledge", alert.member_id, f"alert:{alert_id}")
    return get_alert(conn, scope=scope, alert_id=alert_id)


def resolve_alert(
    conn: Connection,
    *,
    scope: MemberScope,
    alert_id: int,
    note: str = "",
    now: datetime | None = None,
) -> AlertOut:
    """Close an open alert by hand; the rule's cool-down then applies as after any resolution."""
    alert = get_alert(conn, scope=scope, alert_id=alert_id)
    require_write(scope, alert.member_id)
    if alert.status not in OPEN_STATUSES:
        raise Conflict("l'alerte est déjà levée / the alert is already resolved")
    now = now or utcnow()
    trigger = Trigger(ts=now, value=None, message=note or "levée à la main")
    resolve(
        conn,
        alert=OpenAlert(alert.id, alert.member_id, {}),
        actor=scope.actor,
        now=now,
        trigger=trigger,
    )
    _audit(conn, scope, "alert.resolve", alert.member_id, f"alert:{alert_id}")
    return get_alert(conn, scope=scope, alert_id=alert_id)


def _audit(
    conn: Connection, scope: MemberScope, action: str, member_id: int, target: str, **details: Any
) -> None:
    audit.record(
        conn,
        actor=scope.actor,
        action=action,
        member_id=member_id,
        target=target,
        details=details,
    )
