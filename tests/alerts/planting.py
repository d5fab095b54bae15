"""Versailles' alert data for the isolation walk of tests/web/test_isolation.py.

``plant_alerts`` creates, with marker strings, a rule, an alert it fired, a webhook
subscription and the delivery queued for it; ``alert_params`` gives their ids to the walk.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from convergence.alerts.evaluation import evaluate_batch
from convergence.alerts.tables import alert_deliveries, alert_rules, alert_subscriptions, alerts
from convergence.db.types import utcnow
from convergence.timeseries.store import NewReading, store_readings
from tests.support import Territory


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    return engine


def plant_alerts(client: TestClient, territory: Territory, asset_id: int, marker: str) -> None:
    """A Versailles rule on the planted asset, its alert, a subscription and a delivery."""
    headers = territory.versailles.bearer()
    response = client.post(
        "/api/v1/alert-rules",
        headers=headers,
        json={
            "name": f"{marker} règle",
            "target_kind": "asset",
            "asset_id": asset_id,
            "params": {"kind": "threshold", "quantity": "pm10", "limit": 50},
        },
    )
    assert response.status_code == 201, response.text
    response = client.post(
        "/api/v1/alert-subscriptions",
        headers=headers,
        json={"channel": "webhook", "webhook_url": f"http://127.0.0.1:9/{marker}"},
    )
    assert response.status_code == 201, response.text
    reading = NewReading(asset_id, territory.versailles.id, "pm10", "µg/m³", utcnow(), 80.0)
    with _engine(client).begin() as conn:
        fired = evaluate_batch(conn, stored=store_readings(conn, [reading]).inserted)
    assert fired.fired
    assert fired.deliveries


def alert_params(client: TestClient) -> dict[str, int]:
    """Ids of the planted rule, alert, subscription and delivery (0 when none)."""
    tables = {
        "rule_id": alert_rules,
        "alert_id": alerts,
        "subscription_id": alert_subscriptions,
        "delivery_id": alert_deliveries,
    }
    with _engine(client).connect() as conn:
        return {
            name: conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
            for name, table in tables.items()
        }
