"""Scheduled rules: a silent sensor is reported within one period; indicator classes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from convergence.alerts.config import AlertsConfig
from convergence.alerts.kinds import AlertStatus
from convergence.alerts.queries import list_alerts
from convergence.alerts.schedule import evaluate_schedule
from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from convergence.registry import service
from convergence.registry.schemas import AssetCreate, DeviceModelCreate
from convergence.registry.service import register_device_model
from convergence.timeseries.store import NewReading, store_readings
from tests.alerts.conftest import MINUTE, T0, make_asset, user_scope
from tests.alerts.flow import ingest, rule
from tests.support import VERSAILLES_TOWN_HALL, Territory


def run_schedule(engine: Engine, at: timedelta) -> tuple[list[int], list[int]]:
    with engine.begin() as conn:
        outcome = evaluate_schedule(conn, now=T0 + at)
    return outcome.fired, outcome.resolved


def test_a_sensor_that_stops_sending_raises_a_silence_alert_within_one_period(
    engine: Engine, territory: Territory, river_sensor: int
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="Limnimètre muet",
        target_kind="domain",
        domain="water",
        params={"kind": "silence", "max_silence_s": 1800},
    )
    member = territory.versailles.id
    for minutes in range(0, 60, 10):  # one reading every 10 minutes, the last at 50
        at = T0 + minutes * MINUTE
        ingest(engine, asset_id=river_sensor, member_id=member, points=[(at, 1.2)], now=at)
    period = AlertsConfig().evaluation_period  # the scheduler runs once per period
    silent_from = T0 + 80 * MINUTE  # 30 min after the last reading
    fired_at = None
    at = T0 + 50 * MINUTE
    while fired_at is None:
        at += period
        fired, _ = run_schedule(engine, at - T0)
        fired_at = at if fired else None
    assert silent_from <= fired_at < silent_from + period
    with engine.connect() as conn:
        [alert] = list_alerts(conn, scope=technician)
    assert "aucune donnée" in alert.message
    assert "30 min" in alert.message

    ingest(engine, asset_id=river_sensor, member_id=member, points=[(at, 1.3)], now=at)
    with engine.connect() as conn:
        [alert] = list_alerts(conn, scope=technician)
    assert alert.status is AlertStatus.resolved  # data came back: the silence ended


def test_a_sensor_that_never_sent_is_not_reported_silent(
    engine: Engine, territory: Territory, river_sensor: int
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="muet",
        target_kind="asset",
        asset_id=river_sensor,
        params={"kind": "silence", "max_silence_s": 600},
    )
    assert run_schedule(engine, timedelta(days=1)) == ([], [])


def test_water_vigilance_indicator_reaches_orange_and_leaves_it_with_hysteresis(
    engine: Engine, territory: Territory, river_sensor: int
) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="Vigilance orange",
        target_kind="asset",
        asset_id=river_sensor,
        params={
            "kind": "indicator",
            "indicator": "water_vigilance",
            "min_level": "Orange",
            "thresholds": {"jaune": 2.5, "orange": 3.2, "rouge": 4.0, "hysteresis_m": 0.1},
        },
    )
    member = territory.versailles.id
    steps = [(0, 3.0, False, False), (10, 3.25, True, False), (20, 3.15, False, False),
             (30, 3.05, False, True)]  # fmt: skip
    for minutes, level, fires, resolves in steps:
        at = T0 + minutes * MINUTE
        ingest(engine, asset_id=river_sensor, member_id=member, points=[(at, level)], now=at)
        fired, resolved = run_schedule(engine, minutes * MINUTE)
        assert (bool(fired), bool(resolved)) == (fires, resolves), minutes
    with engine.connect() as conn:
        [alert] = list_alerts(conn, scope=technician)
    assert "3,25 m, au-dessus du seuil orange (3,2 m)" in alert.message
    assert alert.severity == "warning"


def test_air_index_mauvais_fires_from_the_hourly_rollups(
    engine: Engine, territory: Territory
) -> None:
    station = make_asset(engine, territory.versailles, name="Station rue de la Paroisse",
                         domain="air")  # fmt: skip
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(
        engine,
        technician,
        name="Air mauvais",
        target_kind="domain",
        domain="air",
        params={"kind": "indicator", "indicator": "air_index", "min_level": "mauvais"},
    )
    day_start = T0.replace(hour=0) - timedelta(hours=1)  # local midnight (UTC+1 in November)
    rows = [
        NewReading(
            station, territory.versailles.id, "pm10", "µg/m³", day_start + h * 60 * MINUTE, 60.0
        )
        for h in range(20)
    ]
    with engine.begin() as conn:
        store_readings(conn, rows)
    fired, _ = run_schedule(engine, timedelta(hours=13))
    assert fired
    with engine.connect() as conn:
        [alert] = list_alerts(conn, scope=technician)
    assert "Mauvais" in alert.message
    assert "non officiel" in alert.message


def test_silence_counts_the_periods_of_the_device_model(
    engine: Engine, territory: Territory
) -> None:
    # A model that reports every 15 minutes: silent after 3 periods, 45 minutes. A device of a
    # model without a stated period falls back on max_silence_s (2 hours).
    with engine.begin() as conn:
        quarter = register_device_model(
            conn,
            data=DeviceModelCreate(
                vendor="Hydro", model="L15", domain="water", expected_period_s=900
            ),
            actor="test",
        )
        unknown = register_device_model(
            conn, data=DeviceModelCreate(vendor="Hydro", model="LX", domain="water"), actor="test"
        )
    technician = user_scope(engine, territory.versailles, Role.technician)
    member = territory.versailles.id
    gauges = {}
    for model in (quarter, unknown):
        with engine.begin() as conn:
            gauges[model.model] = service.create_asset(
                conn,
                scope=command_line_scope(),
                data=AssetCreate(
                    member_id=member, name=f"Limnimètre {model.model}", kind="sensor",
                    domain="water", status="active", device_model_id=model.id,
                    lon=VERSAILLES_TOWN_HALL[0], lat=VERSAILLES_TOWN_HALL[1],
                ),
            ).id  # fmt: skip
        ingest(engine, asset_id=gauges[model.model], member_id=member, points=[(T0, 1.2)], now=T0)
    rule(
        engine,
        technician,
        name="Limnimètre muet",
        target_kind="domain",
        domain="water",
        params={"kind": "silence", "max_silence_s": 7200, "missed_periods": 3},
    )
    assert run_schedule(engine, 40 * MINUTE) == ([], [])
    fired, _ = run_schedule(engine, 50 * MINUTE)
    with engine.connect() as conn:
        [alert] = list_alerts(conn, scope=technician)
    assert fired == [alert.id]
    assert alert.asset_id == gauges["L15"]
    assert "silence toléré : 45 min" in alert.message
    fired, _ = run_schedule(engine, 125 * MINUTE)
    assert len(fired) == 1  # the model without a period, after 2 hours
