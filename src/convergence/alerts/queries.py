"""Read side of alerts: rules, alerts with their history, subscriptions, deliveries.

Every query takes a member scope, except the ``*_unscoped`` readers used by evaluation and
delivery, which run as the platform itself on rows they just wrote.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, or_, select

from convergence.alerts.kinds import AlertStatus, DeliveryStatus, RuleKind
from convergence.alerts.schemas import (
    AlertEventOut,
    AlertOut,
    AttemptOut,
    DeliveryOut,
    RuleOut,
    SubscriptionOut,
)
from convergence.alerts.tables import (
    alert_deliveries,
    alert_events,
    alert_rules,
    alert_subscriptions,
    alerts,
    delivery_attempts,
)
from convergence.errors import NotFound
from convergence.members.scope import MemberScope, member_clause, require_scope
from convergence.registry.tables import assets

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "alert_history": "called with an alert id its caller read through get_alert(scope)",
}

MAX_LIMIT = 1000


def readable_member(scope: MemberScope, member_id: int | None) -> int:
    """The member (default: the caller's) whose alerts the scope reads in full; else NotFound."""
    scope = require_scope(scope)
    wanted = member_id or scope.member_id
    own = scope.full_member_ids | {scope.member_id}
    if not (scope.can_read and (scope.sees_all_members or wanted in own)):
        raise NotFound(f"adhérent {wanted} introuvable / member {wanted} not found")
    return wanted


def get_rule(conn: Connection, *, scope: MemberScope, rule_id: int) -> RuleOut:
    """One rule the scope may read; NotFound otherwise."""
    row = conn.execute(
        select(alert_rules).where(
            alert_rules.c.id == rule_id, member_clause(scope, alert_rules.c.member_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"règle {rule_id} introuvable / alert rule {rule_id} not found")
    return RuleOut.model_validate(row._asdict())


def select_rules(*, scope: MemberScope, kind: RuleKind | None = None) -> Select[Any]:
    """The statement of the rules the scope may read, optionally of one kind."""
    query = select(alert_rules).where(member_clause(scope, alert_rules.c.member_id))
    if kind is not None:
        query = query.where(alert_rules.c.kind == kind.value)
    return query


def rule_out(row: Row[Any]) -> RuleOut:
    return RuleOut.model_validate(row._asdict())


def list_rules(
    conn: Connection, *, scope: MemberScope, kind: RuleKind | None = None
) -> list[RuleOut]:
    """The rules the scope may read, optionally of one kind."""
    rows = conn.execute(select_rules(scope=scope, kind=kind).order_by(alert_rules.c.id))
    return [rule_out(r) for r in rows]


def _alerts_query() -> Select[Any]:
    return select(
        alerts,
        alert_rules.c.name.label("rule_name"),
        alert_rules.c.kind,
        assets.c.name.label("asset_name"),
        assets.c.commune_insee,
    ).select_from(
        alerts.join(alert_rules, alert_rules.c.id == alerts.c.rule_id).join(
            assets, assets.c.id == alerts.c.asset_id
        )
    )


def alert_out(row: Row[Any]) -> AlertOut:
    return AlertOut.model_validate(row._asdict())


def get_alert(conn: Connection, *, scope: MemberScope, alert_id: int) -> AlertOut:
    """One alert the scope may read, with its history; NotFound otherwise."""
    row = conn.execute(
        _alerts_query().where(alerts.c.id == alert_id, member_clause(scope, alerts.c.member_id))
    ).first()
    if row is None:
        raise NotFound(f"alerte {alert_id} introuvable / alert {alert_id} not found")
    return alert_out(row).model_copy(update={"history": alert_history(conn, alert_id=alert_id)})


def load_alert_unscoped(conn: Connection, *, alert_id: int) -> AlertOut:
    """One alert as the platform sees it (evaluation, notifications); no member scope."""
    row = conn.execute(_alerts_query().where(alerts.c.id == alert_id)).one()
    return alert_out(row)


def alert_history(conn: Connection, *, alert_id: int) -> list[AlertEventOut]:
    """What happened to an alert, oldest first (call after checking the alert is visible)."""
    rows = conn.execute(
        select(alert_events)
        .where(alert_events.c.alert_id == alert_id)
        .order_by(alert_events.c.ts, alert_events.c.id)
    )
    return [AlertEventOut.model_validate(r._asdict()) for r in rows]


def select_alerts(
    *,
    scope: MemberScope,
    status: AlertStatus | None = None,
    open_only: bool = False,
    commune_insee: str | None = None,
    since: datetime | None = None,
) -> Select[Any]:
    """The statement of the alerts the scope may read, filtered by status, commune and date."""
    query = _alerts_query().where(member_clause(scope, alerts.c.member_id))
    if status is not None:
        query = query.where(alerts.c.status == status.value)
    if open_only:
        query = query.where(alerts.c.status != AlertStatus.resolved.value)
    if commune_insee is not None:
        query = query.where(assets.c.commune_insee == commune_insee)
    if since is not None:
        query = query.where(alerts.c.opened_at >= since)
    return query


def list_alerts(
    conn: Connection,
    *,
    scope: MemberScope,
    status: AlertStatus | None = None,
    open_only: bool = False,
    commune_insee: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[AlertOut]:
    """Alerts the scope may read, newest first, filtered by status, commune and date."""
    query = select_alerts(
        scope=scope, status=status, open_only=open_only, commune_insee=commune_insee, since=since
    )
    rows = conn.execute(
        query.order_by(alerts.c.opened_at.desc(), alerts.c.id.desc()).limit(min(limit, MAX_LIMIT))
    )
    return [alert_out(r) for r in rows]


def get_subscription(
    conn: Connection, *, scope: MemberScope, subscription_id: int
) -> SubscriptionOut:
    """One subscription the scope may read; NotFound otherwise."""
    row = conn.execute(
        select(alert_subscriptions).where(
            alert_subscriptions.c.id == subscription_id,
            member_clause(scope, alert_subscriptions.c.member_id),
        )
    ).first()
    if row is None:
        raise NotFound(f"abonnement {subscription_id} introuvable / subscription not found")
    return SubscriptionOut.model_validate(row._asdict())


def select_subscriptions(*, scope: MemberScope) -> Select[Any]:
    """The statement of the subscriptions of the members the scope may read."""
    return select(alert_subscriptions).where(member_clause(scope, alert_subscriptions.c.member_id))


def subscription_out(row: Row[Any]) -> SubscriptionOut:
    return SubscriptionOut.model_validate(row._asdict())


def list_subscriptions(conn: Connection, *, scope: MemberScope) -> list[SubscriptionOut]:
    """Subscriptions of the members the scope may read."""
    rows = conn.execute(select_subscriptions(scope=scope).order_by(alert_subscriptions.c.id))
    return [subscription_out(r) for r in rows]


def get_delivery(conn: Connection, *, scope: MemberScope, delivery_id: int) -> DeliveryOut:
    """One delivery with its attempts; NotFound outside the scope."""
    row = conn.execute(
        select(alert_deliveries).where(
            alert_deliveries.c.id == delivery_id,
            member_clause(scope, alert_deliveries.c.member_id),
        )
    ).first()
    if row is None:
        raise NotFound(f"envoi {delivery_id} introuvable / delivery {delivery_id} not found")
    log = conn.execute(
        select(delivery_attempts)
        .where(delivery_attempts.c.delivery_id == delivery_id)
        .order_by(delivery_attempts.c.id)
    )
    attempts = [AttemptOut.model_validate(a._asdict()) for a in log]
    return DeliveryOut.model_validate(row._asdict() | {"attempt_log": attempts})


def select_deliveries(
    *, scope: MemberScope, status: DeliveryStatus | None = None, alert_id: int | None = None
) -> Select[Any]:
    """The statement of the deliveries the scope may read, by status or alert."""
    query = select(alert_deliveries).where(member_clause(scope, alert_deliveries.c.member_id))
    if status is not None:
        query = query.where(alert_deliveries.c.status == status.value)
    if alert_id is not None:
        query = query.where(alert_deliveries.c.alert_id == alert_id)
    return query


def delivery_out(row: Row[Any]) -> DeliveryOut:
    return DeliveryOut.model_validate(row._asdict())


def list_deliveries(
    conn: Connection,
    *,
    scope: MemberScope,
    status: DeliveryStatus | None = None,
    alert_id: int | None = None,
    limit: int = 100,
) -> list[DeliveryOut]:
    """Deliveries the scope may read, newest first; ``status=failed`` lists what to retry."""
    query = select_deliveries(scope=scope, status=status, alert_id=alert_id)
    rows = conn.execute(query.order_by(alert_deliveries.c.id.desc()).limit(min(limit, MAX_LIMIT)))
    return [delivery_out(r) for r in rows]


def alerts_of_period(
    conn: Connection, *, scope: MemberScope, member_id: int, start: datetime, end: datetime
) -> list[AlertOut]:
    """Alerts of a member opened, resolved or still open during [start, end), oldest first."""
    active = and_(
        alerts.c.opened_at < end,
        or_(alerts.c.resolved_at.is_(None), alerts.c.resolved_at >= start),
    )
    rows = conn.execute(
        _alerts_query()
        .where(alerts.c.member_id == member_id, member_clause(scope, alerts.c.member_id), active)
        .order_by(alerts.c.opened_at, alerts.c.id)
    )
    return [alert_out(r) for r in rows]
