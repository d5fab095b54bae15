"""The alerts API: rules by writers, scoped reads, acknowledge and resolve, deliveries retry."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.alerts.config import AlertsConfig
from convergence.alerts.delivery import send_pending
from convergence.members.roles import Role
from tests.alerts.conftest import T0
from tests.alerts.flow import ingest
from tests.alerts.servers import WebhookReceiver
from tests.support import Territory
from tests.web.session import log_in

RULE = {
    "name": "Crue — seuil orange",
    "target_kind": "domain",
    "domain": "water",
    "severity": "critical",
    "params": {"kind": "threshold", "quantity": "water_level", "limit": 3.2, "hysteresis": 0.1},
}


def test_another_commune_sees_none_of_versailles_rules_and_alerts(
    client: TestClient, engine: Engine, territory: Territory, river_sensor: int
) -> None:
    versailles = territory.versailles.bearer()
    created = client.post("/api/v1/alert-rules", headers=versailles, json=RULE)
    assert created.status_code == 201, created.text
    assert created.json()["kind"] == "threshold"
    ingest(engine, asset_id=river_sensor, member_id=territory.versailles.id,
           points=[(T0, 3.5)], now=T0)  # fmt: skip
    assert len(client.get("/api/v1/alerts", headers=versailles).json()["items"]) == 1
    for other in (territory.boulogne, territory.epci):
        assert client.get("/api/v1/alert-rules", headers=other.bearer()).json()["items"] == []
        assert client.get("/api/v1/alerts", headers=other.bearer()).json()["items"] == []
        assert client.get("/api/v1/alert-deliveries", headers=other.bearer()).json()["items"] == []
    operator = client.get("/api/v1/alerts", headers=territory.operator.bearer())
    assert len(operator.json()["items"]) == 1  # the operator's explicit all-members scope


def test_writers_manage_rules_and_alerts_elected_officials_read(
    client: TestClient, engine: Engine, territory: Territory, river_sensor: int
) -> None:
    csrf = log_in(client, territory.versailles.user(Role.elected))
    refused = client.post("/api/v1/alert-rules", json=RULE, headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 403
    client.cookies.clear()
    csrf = log_in(client, territory.versailles.user(Role.technician))
    headers = {"X-CSRF-Token": csrf}
    rule = client.post("/api/v1/alert-rules", json=RULE, headers=headers).json()
    changed = client.patch(f"/api/v1/alert-rules/{rule['id']}", json={"cooldown_s": 60},
                           headers=headers)  # fmt: skip
    assert changed.json()["cooldown_s"] == 60
    wrong_kind = client.patch(
        f"/api/v1/alert-rules/{rule['id']}",
        json={"params": {"kind": "silence", "max_silence_s": 600}},
        headers=headers,
    )
    assert wrong_kind.status_code == 422
    ingest(engine, asset_id=river_sensor, member_id=territory.versailles.id,
           points=[(T0, 3.5)], now=T0)  # fmt: skip
    [alert] = client.get("/api/v1/alerts?open=true").json()["items"]
    acked = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", json={"note": "vu"},
                        headers=headers)  # fmt: skip
    assert acked.json()["status"] == "acknowledged"
    again = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=headers)
    assert again.status_code == 409
    resolved = client.post(f"/api/v1/alerts/{alert['id']}/resolve", headers=headers).json()
    assert resolved["status"] == "resolved"
    assert [h["action"] for h in resolved["history"]] == ["fired", "acknowledged", "resolved"]
    assert client.get("/api/v1/alerts?open=true").json()["items"] == []
    assert client.delete(f"/api/v1/alert-rules/{rule['id']}", headers=headers).status_code == 204


def test_a_failed_delivery_is_listed_and_retried_through_the_api(
    client: TestClient,
    engine: Engine,
    territory: Territory,
    river_sensor: int,
    webhook: WebhookReceiver,
) -> None:
    headers = territory.versailles.bearer()
    client.post("/api/v1/alert-rules", headers=headers, json=RULE)
    subscription = client.post(
        "/api/v1/alert-subscriptions",
        headers=headers,
        json={"channel": "webhook", "webhook_url": webhook.url, "min_severity": "warning"},
    ).json()
    assert subscription["webhook_secret"].startswith("whsec_")
    assert "webhook_secret" not in client.get("/api/v1/alert-subscriptions", headers=headers).text
    ingest(engine, asset_id=river_sensor, member_id=territory.versailles.id,
           points=[(T0, 3.5)], now=T0)  # fmt: skip
    webhook.statuses = [500]
    send_pending(
        engine,
        config=AlertsConfig(alert_retry_max_attempts=1, webhook_allowed_hosts=["127.0.0.1"]),
        now=T0,
    )
    [failed] = client.get("/api/v1/alert-deliveries?status=failed", headers=headers).json()["items"]
    assert failed["last_error"].startswith("WebhookRefused: HTTP 500")
    retried = client.post(f"/api/v1/alert-deliveries/{failed['id']}/retry", headers=headers)
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "sent"
    assert [a["ok"] for a in retried.json()["attempt_log"]] == [False, True]


def test_the_digest_endpoint_speaks_french(
    client: TestClient, engine: Engine, territory: Territory, river_sensor: int
) -> None:
    headers = territory.versailles.bearer()
    client.post("/api/v1/alert-rules", headers=headers, json=RULE)
    ingest(engine, asset_id=river_sensor, member_id=territory.versailles.id,
           points=[(T0, 3.5)], now=T0)  # fmt: skip
    digest = client.get("/api/v1/alert-digest?day=2026-11-28", headers=headers).json()
    assert digest["subject"] == "[Convergence] Alertes du 28 novembre 2026 — Versailles"
    assert "Alertes toujours en cours : 1" in digest["text"]
