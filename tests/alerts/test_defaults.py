"""A new member gets the air information and alert thresholds as rules it can change, and
their alerts name the level, the value with its unit and the threshold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.alerts.defaults import install_default_rules
from convergence.alerts.queries import list_alerts
from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from tests.alerts.conftest import make_asset, user_scope
from tests.alerts.flow import ingest
from tests.support import Territory

NOW = datetime(2026, 11, 28, 15, tzinfo=UTC)


def test_a_member_created_through_the_api_gets_the_air_thresholds(
    client: TestClient, territory: Territory
) -> None:
    created = client.post(
        "/api/v1/members",
        headers=territory.operator.bearer(),
        json={"siren": "217800253", "name": "Chatou", "kind": "commune", "insee": "78146"},
    )
    assert created.status_code == 201, created.text
    member_id = created.json()["id"]
    rules = client.get(
        "/api/v1/alert-rules", headers=territory.operator.bearer(), params={"member_id": member_id}
    ).json()["items"]
    mine = [r for r in rules if r["member_id"] == member_id]
    silent = sorted(r["params"]["missed_periods"] for r in mine if r["params"]["kind"] == "silence")
    assert silent == [3, 3, 3, 3]  # air, noise, traffic, water: three periods of the model
    mine = [r for r in mine if r["params"]["kind"] == "threshold"]
    limits = sorted((r["params"]["quantity"], r["params"]["limit"], r["severity"]) for r in mine)
    assert limits == [
        ("no2", 200, "warning"),
        ("no2", 400, "critical"),
        ("o3", 180, "warning"),
        ("o3", 240, "critical"),
        ("pm10", 50, "warning"),
        ("pm10", 80, "critical"),
        ("so2", 300, "warning"),
        ("so2", 500, "critical"),
    ]
    # The member can change them like any rule.
    rule = next(r for r in mine if r["params"]["limit"] == 180)
    changed = client.patch(
        f"/api/v1/alert-rules/{rule['id']}",
        headers=territory.operator.bearer(),
        json={"enabled": False},
    )
    assert changed.status_code == 200, changed.text


def test_an_ozone_peak_opens_the_alert_threshold_rule_with_its_words(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    with engine.begin() as conn:
        install_default_rules(conn, scope=command_line_scope(), member_id=territory.versailles.id)
    station = make_asset(engine, territory.versailles, name="Station O3", domain="air")
    ingest(
        engine,
        asset_id=station,
        member_id=territory.versailles.id,
        points=[(NOW, 252.4)],
        quantity="o3",
        unit="µg/m³",
        now=NOW,
    )
    with engine.connect() as conn:
        opened = list_alerts(conn, scope=user_scope(engine, territory.versailles, Role.technician))
    messages = sorted((a.severity, a.message) for a in opened)
    assert messages == [
        ("critical", "Ozone (O₃) : 252,4 µg/m³, au-dessus du seuil d'alerte (240 µg/m³)"),
        ("warning", "Ozone (O₃) : 252,4 µg/m³, au-dessus du seuil d'information (180 µg/m³)"),
    ]


def test_pm10_opens_on_its_daily_mean_not_on_one_hour(engine: Engine, territory: Territory) -> None:
    # 24 hourly PM10 values: 20 hours at 40 µg/m³ then 4 at 160 -> hours far above 80, but the
    # mean of the readings so far (18 hours needed) is 960 / 21 = 45.7 at the first 160,
    # 1 120 / 22 = 50.91 at the second (the information threshold, 50, is passed), and never
    # reaches the alert threshold (80): 1 440 / 24 = 60 at the end.
    with engine.begin() as conn:
        install_default_rules(conn, scope=command_line_scope(), member_id=territory.versailles.id)
    station = make_asset(engine, territory.versailles, name="Station PM", domain="air")
    hours = [NOW - timedelta(hours=23 - i) for i in range(24)]
    values = [40.0] * 20 + [160.0] * 4
    for at, value in zip(hours, values, strict=True):
        ingest(
            engine,
            asset_id=station,
            member_id=territory.versailles.id,
            points=[(at, value)],
            quantity="pm10",
            unit="µg/m³",
            now=at,
        )
    with engine.connect() as conn:
        opened = list_alerts(conn, scope=user_scope(engine, territory.versailles, Role.technician))
    assert [(a.severity, a.message) for a in opened] == [
        (
            "warning",
            "Particules PM10 : 50,91 µg/m³ en moyenne sur 24 h, au-dessus du seuil "
            "d'information (50 µg/m³)",
        )
    ]
