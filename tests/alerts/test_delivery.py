"""A failing webhook is retried with exponential back-off, then shown as failed and retryable."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import Engine

from convergence.alerts.config import AlertsConfig
from convergence.alerts.delivery import send_pending
from convergence.alerts.kinds import Channel, DeliveryStatus
from convergence.alerts.queries import get_delivery, list_deliveries
from convergence.alerts.schemas import SubscriptionCreate
from convergence.alerts.subscriptions import create_subscription, requeue_delivery
from convergence.members.roles import Role
from tests.alerts.conftest import MINUTE, T0, user_scope
from tests.alerts.flow import ingest, rule
from tests.alerts.servers import WebhookReceiver
from tests.support import Territory


def test_a_failed_webhook_is_retried_with_back_off_and_visible(
    engine: Engine,
    territory: Territory,
    river_sensor: int,
    config: AlertsConfig,
    webhook: WebhookReceiver,
) -> None:
    admin = user_scope(engine, territory.versailles, Role.member_admin)
    rule(
        engine,
        admin,
        name="Seuil",
        target_kind="asset",
        asset_id=river_sensor,
        params={"kind": "threshold", "quantity": "water_level", "limit": 3.0},
    )
    with engine.begin() as conn:
        create_subscription(
            conn, scope=admin,
            data=SubscriptionCreate(channel=Channel.webhook, webhook_url=webhook.url),
            allowed_hosts=["127.0.0.1"],
        )  # fmt: skip
    webhook.statuses = [500, 503, 502, 500]
    member = territory.versailles.id
    ingest(engine, asset_id=river_sensor, member_id=member, points=[(T0, 3.5)], now=T0)

    def attempt(after: timedelta) -> list[int]:
        report = send_pending(engine, config=config, now=T0 + after)
        return report.sent + report.retrying + report.failed

    assert len(attempt(timedelta(0))) == 1  # attempt 1 fails: next in 30 s
    assert attempt(timedelta(seconds=29)) == []  # not due yet
    assert len(attempt(timedelta(seconds=30))) == 1  # attempt 2 fails: next in 60 s more
    assert attempt(timedelta(seconds=89)) == []
    assert len(attempt(timedelta(seconds=90))) == 1  # attempt 3 of 3 fails: given up
    assert attempt(timedelta(hours=1)) == []
    assert len(webhook.requests) == 3
    with engine.connect() as conn:
        [failed] = list_deliveries(conn, scope=admin, status=DeliveryStatus.failed)
        shown = get_delivery(conn, scope=admin, delivery_id=failed.id)
    assert shown.attempts == 3
    assert shown.last_error is not None
    assert "HTTP 502" in shown.last_error
    assert [a.ok for a in shown.attempt_log] == [False, False, False]
    times = [a.attempted_at for a in shown.attempt_log]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert gaps == [timedelta(seconds=30), timedelta(seconds=60)]

    later = T0 + 2 * 60 * MINUTE
    with engine.begin() as conn:
        requeued = requeue_delivery(conn, scope=admin, delivery_id=failed.id, now=later)
    assert requeued.status is DeliveryStatus.pending
    webhook.statuses = []  # the receiver is repaired
    report = send_pending(engine, config=config, now=later)
    assert report.sent == [failed.id]
    assert len(webhook.requests) == 4
    assert webhook.requests[3].headers["X-Convergence-Delivery"] == str(failed.id)


def test_an_unreachable_smtp_server_is_a_retried_failure(
    engine: Engine, territory: Territory, river_sensor: int
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="Seuil",
        target_kind="asset",
        asset_id=river_sensor,
        params={"kind": "threshold", "quantity": "water_level", "limit": 3.0},
    )
    with engine.begin() as conn:
        create_subscription(conn, scope=technician, data=SubscriptionCreate(channel=Channel.email))
    ingest(engine, asset_id=river_sensor, member_id=territory.versailles.id,
           points=[(T0, 3.5)], now=T0)  # fmt: skip
    closed = AlertsConfig(smtp_host="127.0.0.1", smtp_port=1, smtp_timeout_s=2)
    report = send_pending(engine, config=closed, now=T0)
    assert len(report.retrying) == 1
    with engine.connect() as conn:
        [pending] = list_deliveries(conn, scope=technician)
    assert pending.status is DeliveryStatus.pending
    assert pending.next_attempt_at == T0 + closed.backoff(1)
