"""Use cases of subscriptions (who is told, how) and of failed deliveries (retry)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Connection, delete, update

from convergence.alerts.destinations import check_webhook_url
from convergence.alerts.kinds import Channel, DeliveryStatus
from convergence.alerts.queries import get_delivery, get_rule, get_subscription, readable_member
from convergence.alerts.schemas import (
    DeliveryOut,
    SubscriptionCreate,
    SubscriptionCreated,
)
from convergence.alerts.signing import new_secret
from convergence.alerts.tables import alert_deliveries, alert_subscriptions
from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import InvalidInput, PermissionDenied
from convergence.members import audit
from convergence.members.scope import MemberScope, require_write


def user_id_of(scope: MemberScope) -> int | None:
    """The user behind a session scope (``user:12``); None for a token."""
    kind, _, number = scope.actor.partition(":")
    return int(number) if kind == "user" and number.isdigit() else None


def _check_subscriber(
    conn: Connection,
    *,
    scope: MemberScope,
    data: SubscriptionCreate,
    allowed_hosts: Collection[str],
) -> tuple[int, int | None]:
    """The member followed and the subscribing user; refuses what the caller may not do."""
    member_id = readable_member(scope, data.member_id)
    user_id = user_id_of(scope)
    if user_id is None and data.channel is Channel.email:
        raise PermissionDenied(
            "un jeton ne reçoit pas d'e-mail ; un webhook demande un jeton admin / tokens "
            "subscribe webhooks only, with the admin scope"
        )
    if data.channel is Channel.webhook:
        _check_webhook(scope, member_id, data.webhook_url or "", allowed_hosts)
    rule = get_rule(conn, scope=scope, rule_id=data.rule_id) if data.rule_id else None
    if rule is not None and rule.member_id != member_id:
        raise InvalidInput("the rule belongs to another member than the subscription")
    return member_id, user_id


def _check_webhook(
    scope: MemberScope, member_id: int, url: str, allowed_hosts: Collection[str]
) -> None:
    """A webhook makes the server call out: its administrators only, to allowed places."""
    if not scope.can_administer:
        raise PermissionDenied(
            "seul un administrateur de l'adhérent crée un webhook / only a member "
            "administrator (or a token with the admin scope) creates a webhook"
        )
    require_write(scope, member_id)
    check_webhook_url(url, allowed_hosts=allowed_hosts)


def create_subscription(
    conn: Connection,
    *,
    scope: MemberScope,
    data: SubscriptionCreate,
    allowed_hosts: Collection[str] = (),
) -> SubscriptionCreated:
    """Subscribe the caller (e-mail or webhook), or a member-level webhook for an admin token.

    ``allowed_hosts`` are the internal hosts a webhook may reach
    (``CONVERGENCE_WEBHOOK_ALLOWED_HOSTS``); any other must be public HTTPS.
    """
    member_id, user_id = _check_subscriber(
        conn, scope=scope, data=data, allowed_hosts=allowed_hosts
    )
    secret = new_secret() if data.channel is Channel.webhook else None
    values = data.model_dump(mode="json", exclude={"member_id"})
    subscription_id = insert_one(
        conn,
        alert_subscriptions,
        **values,
        member_id=member_id,
        user_id=user_id,
        webhook_secret=secret,
        created_by=scope.actor,
        created_at=utcnow(),
    )
    audit.record(
        conn,
        actor=scope.actor,
        action="alert_subscription.create",
        member_id=member_id,
        target=f"alert_subscription:{subscription_id}",
        details={"channel": data.channel.value},
    )
    created = get_subscription(conn, scope=scope, subscription_id=subscription_id)
    return SubscriptionCreated(**created.model_dump(), webhook_secret=secret)


def delete_subscription(conn: Connection, *, scope: MemberScope, subscription_id: int) -> None:
    """Remove one's own subscription, or any of the member as one of its administrators."""
    current = get_subscription(conn, scope=scope, subscription_id=subscription_id)
    if current.user_id is None or current.user_id != user_id_of(scope):
        if not scope.can_administer:
            raise PermissionDenied("seul l'abonné ou un administrateur / subscriber or admin only")
        require_write(scope, current.member_id)
    conn.execute(delete(alert_subscriptions).where(alert_subscriptions.c.id == subscription_id))
    audit.record(
        conn,
        actor=scope.actor,
        action="alert_subscription.delete",
        member_id=current.member_id,
        target=f"alert_subscription:{subscription_id}",
    )


def requeue_delivery(
    conn: Connection, *, scope: MemberScope, delivery_id: int, now: datetime | None = None
) -> DeliveryOut:
    """Queue a failed delivery again, due at once, with a fresh budget of attempts."""
    current = get_delivery(conn, scope=scope, delivery_id=delivery_id)
    require_write(scope, current.member_id)
    if current.status is DeliveryStatus.sent:
        raise InvalidInput("cet envoi a déjà abouti / this delivery was already sent")
    conn.execute(
        update(alert_deliveries)
        .where(alert_deliveries.c.id == delivery_id)
        .values(status=DeliveryStatus.pending.value, attempts=0, next_attempt_at=now or utcnow())
    )
    audit.record(
        conn,
        actor=scope.actor,
        action="alert_delivery.retry",
        member_id=current.member_id,
        target=f"alert_delivery:{delivery_id}",
    )
    return get_delivery(conn, scope=scope, delivery_id=delivery_id)
