"""Webhooks reach only public HTTPS addresses or hosts the operator named (finding 1 of #13).

Before: any user, a viewer included, could subscribe ``http://127.0.0.1:…``, the server posted
there when an alert fired and ``last_error`` showed the internal service's answer.
"""

from __future__ import annotations

import socket

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.alerts.config import AlertsConfig
from convergence.alerts.delivery import send_pending
from convergence.alerts.destinations import (
    WebhookDestinationRefused,
    check_webhook_url,
    resolve_destination,
)
from convergence.alerts.kinds import Channel, DeliveryStatus
from convergence.alerts.queries import get_delivery, list_deliveries
from convergence.alerts.schemas import SubscriptionCreate
from convergence.alerts.subscriptions import create_subscription
from convergence.members.roles import Role
from convergence.settings import Settings
from convergence.web.app import create_app
from tests.alerts.conftest import T0, user_scope
from tests.alerts.flow import ingest, rule
from tests.alerts.servers import WebhookReceiver, webhook_receiver
from tests.support import Territory
from tests.web.session import log_in

INTERNAL = [
    "http://127.0.0.1:8080/x",
    "https://127.0.0.1/x",
    "https://localhost:5432/",
    "https://LOCALHOST./",
    "https://[::1]/",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.1.2.3/",
    "https://192.168.0.10/",
    "https://[fd00::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://0.0.0.0/",
    "https://db.internal/",
    "http://sig.versailles.fr/hook",  # public, but not HTTPS
    "ftp://sig.versailles.fr/",
]


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_or_plain_http_addresses_are_refused(url: str) -> None:
    with pytest.raises(WebhookDestinationRefused):
        check_webhook_url(url, allowed_hosts=[])


def test_public_https_and_named_internal_hosts_are_accepted() -> None:
    check_webhook_url("https://sig.versailles.fr/hook", allowed_hosts=[])
    check_webhook_url("https://93.184.215.14/hook", allowed_hosts=[])
    check_webhook_url("http://sig.intranet.lan:8080/h", allowed_hosts=["SIG.intranet.lan"])


def test_a_name_that_resolves_inside_is_refused_at_send_time() -> None:
    name = socket.gethostname()
    resolved = {info[4][0] for info in socket.getaddrinfo(name, 443)}
    assert resolved, "this machine's own name resolves to its own addresses"
    with pytest.raises(WebhookDestinationRefused, match="internal address"):
        resolve_destination(f"https://{name}/hook", allowed_hosts=[])


def test_a_public_address_is_pinned_with_its_name_kept_for_tls() -> None:
    destination = resolve_destination("https://93.184.215.14:8443/h?x=1", allowed_hosts=[])
    assert destination.url == "https://93.184.215.14:8443/h?x=1"
    assert destination.headers == {"Host": "93.184.215.14:8443"}
    assert destination.extensions == {"sni_hostname": "93.184.215.14"}


@pytest.mark.parametrize("role", [Role.viewer, Role.elected, Role.technician])
def test_only_member_administrators_create_webhooks(
    client: TestClient, territory: Territory, role: Role
) -> None:
    log_in(client, territory.versailles.user(role))
    refused = client.post(
        "/api/v1/alert-subscriptions",
        json={"channel": "webhook", "webhook_url": "https://sig.versailles.fr/hook"},
    )
    assert refused.status_code == 403, refused.text
    assert client.get("/api/v1/alert-subscriptions").json()["items"] == []


def test_an_internal_webhook_is_refused_without_the_allow_list(
    settings: Settings, engine: Engine, territory: Territory
) -> None:
    strict = settings.model_copy(update={"webhook_allowed_hosts": []})
    with TestClient(create_app(strict, engine=engine)) as client:
        for url in ("http://127.0.0.1:9/x", "https://169.254.169.254/"):
            response = client.post(
                "/api/v1/alert-subscriptions",
                headers=territory.versailles.bearer(),
                json={"channel": "webhook", "webhook_url": url},
            )
            assert response.status_code == 422, response.text
            assert response.json()["error"]["code"] == "webhook_destination_refused"


def _hook_on(engine: Engine, territory: Territory, sensor: int, url: str) -> None:
    """A Versailles webhook to ``url`` (created while 127.0.0.1 was allowed) and one alert."""
    admin = user_scope(engine, territory.versailles, Role.member_admin)
    rule(engine, admin, name="Seuil", target_kind="asset", asset_id=sensor,
         params={"kind": "threshold", "quantity": "water_level", "limit": 3.0})  # fmt: skip
    with engine.begin() as conn:
        create_subscription(
            conn,
            scope=admin,
            data=SubscriptionCreate(channel=Channel.webhook, webhook_url=url),
            allowed_hosts=["127.0.0.1"],
        )
    ingest(engine, asset_id=sensor, member_id=territory.versailles.id, points=[(T0, 3.5)], now=T0)


def test_an_internal_address_is_refused_at_send_time_and_not_retried(
    engine: Engine,
    territory: Territory,
    river_sensor: int,
    config: AlertsConfig,
    webhook: WebhookReceiver,
) -> None:
    _hook_on(engine, territory, river_sensor, webhook.url)
    report = send_pending(engine, config=config.model_copy(update={"webhook_allowed_hosts": []}))
    assert report.failed
    assert not report.sent
    assert not report.retrying
    assert webhook.requests == []
    admin = user_scope(engine, territory.versailles, Role.member_admin)
    with engine.connect() as conn:
        [failed] = list_deliveries(conn, scope=admin, status=DeliveryStatus.failed)
    assert failed.last_error is not None
    assert "a webhook must use https://" in failed.last_error  # then its address is checked


def test_the_receiver_s_answer_is_never_shown(
    engine: Engine,
    territory: Territory,
    river_sensor: int,
    config: AlertsConfig,
    webhook: WebhookReceiver,
) -> None:
    _hook_on(engine, territory, river_sensor, webhook.url)
    webhook.statuses = [500]
    webhook.answer = b"redis_version:7.2.4 internal-service-banner"
    send_pending(engine, config=config, now=T0)
    admin = user_scope(engine, territory.versailles, Role.member_admin)
    with engine.connect() as conn:
        [delivery] = list_deliveries(conn, scope=admin)
        shown = get_delivery(conn, scope=admin, delivery_id=delivery.id)
    assert shown.last_error == "WebhookRefused: HTTP 500"
    assert all("redis" not in a.detail for a in shown.attempt_log)


def test_a_redirect_is_not_followed(
    engine: Engine,
    territory: Territory,
    river_sensor: int,
    config: AlertsConfig,
    webhook: WebhookReceiver,
) -> None:
    with webhook_receiver() as inside:
        _hook_on(engine, territory, river_sensor, webhook.url)
        webhook.statuses = [307]
        webhook.location = inside.url
        report = send_pending(engine, config=config, now=T0)
        assert report.retrying
        assert not report.sent
        assert inside.requests == []
    admin = user_scope(engine, territory.versailles, Role.member_admin)
    with engine.connect() as conn:
        [delivery] = list_deliveries(conn, scope=admin)
    assert delivery.last_error is not None
    assert "redirect not followed" in delivery.last_error
