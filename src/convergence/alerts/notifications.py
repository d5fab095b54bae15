"""Which subscribers hear of an alert, and the deliveries queued for them (the outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, or_, select

from convergence.alerts.kinds import Cadence, Channel, DeliveryEvent, DeliveryStatus, Severity
from convergence.alerts.messages import alert_email, webhook_body
from convergence.alerts.queries import load_alert_unscoped
from convergence.alerts.schemas import AlertOut
from convergence.alerts.tables import alert_deliveries, alert_subscriptions
from convergence.db.inserts import insert_one
from convergence.members.tables import users
from convergence.registry.tables import assets

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "deliveries are queued for the subscribers of the alert's own member"


def matching_subscriptions(conn: Connection, *, alert: AlertOut) -> list[Row[Any]]:
    """Immediate subscriptions of the alert's member whose filters and severity it meets."""
    subs = alert_subscriptions.c
    asset_domain = select(assets.c.domain).where(assets.c.id == alert.asset_id).scalar_subquery()
    rows = conn.execute(
        select(alert_subscriptions, users.c.email, users.c.is_active)
        .select_from(alert_subscriptions.outerjoin(users, users.c.id == subs.user_id))
        .where(
            subs.member_id == alert.member_id,
            subs.cadence == Cadence.immediate.value,
            or_(subs.rule_id.is_(None), subs.rule_id == alert.rule_id),
            or_(subs.commune_insee.is_(None), subs.commune_insee == alert.commune_insee),
            or_(subs.domain.is_(None), subs.domain == asset_domain),
        )
        .order_by(subs.id)
    ).all()
    return [r for r in rows if Severity(r.min_severity).rank <= alert.severity.rank]


def queue_alert_notifications(
    conn: Connection, *, alert_id: int, event: DeliveryEvent, now: datetime
) -> list[int]:
    """Queue one delivery per matching subscriber; returns the delivery ids."""
    alert = load_alert_unscoped(conn, alert_id=alert_id)
    queued = []
    for sub in matching_subscriptions(conn, alert=alert):
        if sub.channel == Channel.email.value and (sub.email is None or not sub.is_active):
            continue
        queued.append(_queue_one(conn, alert=alert, sub=sub, event=event, now=now))
    return queued


def _queue_one(
    conn: Connection, *, alert: AlertOut, sub: Row[Any], event: DeliveryEvent, now: datetime
) -> int:
    if sub.channel == Channel.webhook.value:
        subject = f"alert.{event.value} #{alert.id}"
        body, html, recipient = webhook_body(alert, event), None, sub.webhook_url
    else:
        content = alert_email(alert, event)
        subject, body, html, recipient = content.subject, content.text, content.html, sub.email
    return queue_delivery(
        conn,
        member_id=alert.member_id,
        alert_id=alert.id,
        subscription_id=sub.id,
        channel=Channel(sub.channel),
        event=event,
        recipient=recipient,
        subject=subject,
        body=body,
        html=html,
        now=now,
    )


def queue_delivery(
    conn: Connection,
    *,
    member_id: int,
    alert_id: int | None,
    subscription_id: int | None,
    channel: Channel,
    event: DeliveryEvent,
    recipient: str,
    subject: str,
    body: str,
    html: str | None,
    now: datetime,
) -> int:
    """Write one pending delivery, due at once; returns its id."""
    return insert_one(
        conn,
        alert_deliveries,
        member_id=member_id,
        alert_id=alert_id,
        subscription_id=subscription_id,
        channel=channel.value,
        event=event.value,
        recipient=recipient,
        subject=subject[:400],
        body=body,
        html=html,
        status=DeliveryStatus.pending.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
