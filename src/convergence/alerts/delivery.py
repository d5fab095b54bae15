"""Sending queued deliveries: claim the due ones, attempt each, retry with back-off.

Attempt n that fails waits ``base·2^(n-1)`` seconds (capped) before the next; after
``alert_retry_max_attempts`` the delivery is ``failed``, listed by the API and the CLI, and
can be queued again by hand. A delivery is claimed by pushing its due time past a lease
before it is sent, so two workers never send it at once and a worker that dies mid-send
leaves it due again when the lease ends (at-least-once: receivers deduplicate on the
delivery id header).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Row, select, update

from convergence.alerts.config import AlertsConfig
from convergence.alerts.destinations import WebhookDestinationRefused
from convergence.alerts.kinds import Channel, DeliveryStatus
from convergence.alerts.mailer import build_message, send_email
from convergence.alerts.tables import alert_deliveries, alert_subscriptions, delivery_attempts
from convergence.alerts.webhooks import post_webhook
from convergence.db.types import utcnow

BATCH_SIZE = 100


class PermanentFailure(Exception):
    """A delivery that no retry can fix (its subscription was removed)."""


@dataclass(slots=True)
class SendReport:
    """Deliveries sent, rescheduled after a failure, and given up on in one run."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def add(self, delivery_id: int, status: DeliveryStatus) -> None:
        {
            DeliveryStatus.sent: self.sent,
            DeliveryStatus.pending: self.retrying,
            DeliveryStatus.failed: self.failed,
        }[status].append(delivery_id)


def send_pending(
    engine: Engine,
    *,
    config: AlertsConfig,
    now: datetime | None = None,
    only: Sequence[int] | None = None,
) -> SendReport:
    """Attempt every delivery due at ``now`` (or only those ids), each once."""
    now = now or utcnow()
    report = SendReport()
    for row in _claim_due(engine, config=config, now=now, only=only):
        outcome = _try(engine, row, config, now)
        report.add(row.id, _record(engine, row, outcome=outcome, config=config, now=now))
    return report


@dataclass(frozen=True, slots=True)
class Attempt:
    ok: bool
    detail: str
    permanent: bool = False


def _try(engine: Engine, row: Row[Any], config: AlertsConfig, now: datetime) -> Attempt:
    try:
        return Attempt(ok=True, detail=_attempt(engine, row, config, now))
    except PermanentFailure as error:
        return Attempt(ok=False, detail=str(error), permanent=True)
    except WebhookDestinationRefused as error:  # the address is internal: no retry helps
        return Attempt(ok=False, detail=error.message, permanent=True)
    except Exception as error:  # any refusal, timeout or network error is retried
        return Attempt(ok=False, detail=f"{type(error).__name__}: {error}"[:1000])


def _lease(config: AlertsConfig) -> timedelta:
    return timedelta(seconds=2 * max(config.smtp_timeout_s, config.webhook_timeout_s) + 60)


def _claim_due(
    engine: Engine, *, config: AlertsConfig, now: datetime, only: Sequence[int] | None
) -> list[Row[Any]]:
    table = alert_deliveries
    query = select(table).where(
        table.c.status == DeliveryStatus.pending.value, table.c.next_attempt_at <= now
    )
    if only is not None:
        query = query.where(table.c.id.in_(sorted(only)))
    claimed = []
    with engine.begin() as conn:
        due = conn.execute(query.order_by(table.c.next_attempt_at, table.c.id).limit(BATCH_SIZE))
        for row in due.all():
            if _take(conn, row, until=now + _lease(config)):
                claimed.append(row)
    return claimed


def _take(conn: Connection, row: Row[Any], *, until: datetime) -> bool:
    """Push the due time past the lease, unless another worker changed the row first."""
    changed = conn.execute(
        update(alert_deliveries)
        .where(
            alert_deliveries.c.id == row.id,
            alert_deliveries.c.status == DeliveryStatus.pending.value,
            alert_deliveries.c.next_attempt_at == row.next_attempt_at,
        )
        .values(next_attempt_at=until)
    ).rowcount
    return bool(changed)


def _attempt(engine: Engine, row: Row[Any], config: AlertsConfig, now: datetime) -> str:
    if row.channel == Channel.email.value:
        text, html = _with_link(row, config)
        message = build_message(config, to=row.recipient, subject=row.subject, text=text, html=html)
        return send_email(config, message)
    secret = _webhook_secret(engine, row.subscription_id)
    return post_webhook(
        config, url=row.recipient, secret=secret, body=row.body, delivery_id=row.id, now=now
    )


def _with_link(row: Row[Any], config: AlertsConfig) -> tuple[str, str | None]:
    """The stored texts with a link to the alert (the public address is known only here)."""
    if row.alert_id is None:
        return row.body, row.html
    url = f"{config.public_url.rstrip('/')}/alertes/{row.alert_id}"
    text = f"{row.body}\n\nVoir l'alerte : {url}\n"
    html = row.html
    if html is not None:
        html = html.replace("</body>", f'<p><a href="{url}">Voir l\'alerte</a></p></body>')
    return text, html


def _webhook_secret(engine: Engine, subscription_id: int | None) -> str:
    with engine.connect() as conn:
        secret = conn.execute(
            select(alert_subscriptions.c.webhook_secret).where(
                alert_subscriptions.c.id == subscription_id
            )
        ).scalar()
    if not secret:
        raise PermanentFailure("abonnement supprimé : plus de secret pour signer ce webhook")
    return str(secret)


def _record(
    engine: Engine, row: Row[Any], *, outcome: Attempt, config: AlertsConfig, now: datetime
) -> DeliveryStatus:
    attempts = row.attempts + 1
    values: dict[str, Any] = {"attempts": attempts, "last_attempt_at": now}
    if outcome.ok:
        status, values["sent_at"], values["next_attempt_at"] = DeliveryStatus.sent, now, None
    elif outcome.permanent or attempts >= config.alert_retry_max_attempts:
        status, values["next_attempt_at"] = DeliveryStatus.failed, None
    else:
        status, values["next_attempt_at"] = DeliveryStatus.pending, now + config.backoff(attempts)
    if not outcome.ok:
        values["last_error"] = outcome.detail
    with engine.begin() as conn:
        conn.execute(
            delivery_attempts.insert().values(
                delivery_id=row.id, attempted_at=now, ok=outcome.ok, detail=outcome.detail
            )
        )
        conn.execute(
            update(alert_deliveries)
            .where(alert_deliveries.c.id == row.id)
            .values(status=status.value, **values)
        )
    return status
