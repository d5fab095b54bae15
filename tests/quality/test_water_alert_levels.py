"""Water vigilance alerts name the level reached, its severity, the value and the threshold,
and a glitch set aside by the qualify stage opens none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

from convergence.alerts.queries import list_alerts
from convergence.alerts.schedule import evaluate_schedule
from convergence.members.roles import Role
from tests.alerts.conftest import user_scope
from tests.alerts.flow import rule
from tests.ingest.conftest import register
from tests.quality.conftest import Send
from tests.support import Territory

T0 = datetime(2026, 11, 28, 8, tzinfo=UTC)
THRESHOLDS = {"jaune": 4.42, "orange": 4.92, "rouge": 5.92, "hysteresis_m": 0.1}


def _vigilance(engine: Engine, territory: Territory, asset_id: int) -> None:
    rule(
        engine,
        user_scope(engine, territory.boulogne, Role.technician),
        name="Crue",
        target_kind="asset",
        asset_id=asset_id,
        params={
            "kind": "indicator",
            "indicator": "water_vigilance",
            "min_level": "jaune",
            "thresholds": THRESHOLDS,
        },
    )


def _schedule(engine: Engine, at: datetime) -> list[int]:
    with engine.begin() as conn:
        return evaluate_schedule(conn, now=at).fired


def test_a_red_level_is_critical_and_says_value_and_threshold(
    engine: Engine, territory: Territory, send: Send
) -> None:
    gauge = register(engine, territory.boulogne.id, name="Seine", serial="SEINE-1", boulogne=True)
    _vigilance(engine, territory, gauge)
    rising = [(T0 + timedelta(minutes=30 * i), 5.2 + 0.2 * i) for i in range(6)]  # to 6,2 m
    send(territory.boulogne.id, "SEINE-1", "water_level", rising[:-1])
    assert _schedule(engine, T0 + timedelta(hours=3))
    with engine.connect() as conn:
        [alert] = list_alerts(conn, scope=user_scope(engine, territory.boulogne, Role.technician))
    assert alert.severity == "critical"
    assert "6 m, au-dessus du seuil rouge (5,92 m)" in alert.message


def test_a_glitch_set_aside_opens_no_vigilance(
    engine: Engine, territory: Territory, send: Send
) -> None:
    gauge = register(engine, territory.boulogne.id, name="Seine", serial="SEINE-2", boulogne=True)
    _vigilance(engine, territory, gauge)
    levels = [2.0, 2.05, 2.1, 16.98]  # the last is a glitch of the sensor
    send(
        territory.boulogne.id,
        "SEINE-2",
        "water_level",
        [(T0 + timedelta(minutes=10 * i), v) for i, v in enumerate(levels)],
    )
    assert _schedule(engine, T0 + timedelta(hours=1)) == []


def test_an_open_orange_alert_becomes_critical_when_red_is_reached(
    engine: Engine, territory: Territory, send: Send
) -> None:
    gauge = register(engine, territory.boulogne.id, name="Seine", serial="SEINE-3", boulogne=True)
    _vigilance(engine, territory, gauge)
    send(territory.boulogne.id, "SEINE-3", "water_level", [(T0, 5.1)])  # orange (4,92)
    [opened] = _schedule(engine, T0 + timedelta(minutes=5))
    scope = user_scope(engine, territory.boulogne, Role.technician)
    with engine.connect() as conn:
        [alert] = list_alerts(conn, scope=scope)
    assert (alert.severity, alert.id) == ("warning", opened)
    send(territory.boulogne.id, "SEINE-3", "water_level", [(T0 + timedelta(minutes=30), 6.34)])
    assert _schedule(engine, T0 + timedelta(minutes=35)) == []  # no second alert
    with engine.connect() as conn:
        [alert] = list_alerts(conn, scope=scope)
        history = (
            conn.execute(
                text("SELECT action FROM alert_events WHERE alert_id = :id ORDER BY id"),
                {"id": opened},
            )
            .scalars()
            .all()
        )
    assert (alert.id, alert.severity) == (opened, "critical")
    assert "6,34 m, au-dessus du seuil rouge (5,92 m)" in alert.message
    assert history == ["fired", "escalated"]
