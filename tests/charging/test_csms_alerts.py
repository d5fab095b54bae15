"""Charging alerts through the alerts package: fault, offline, repeated failed sessions."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine

from convergence.alerts.defaults import install_line_rules
from convergence.alerts.queries import list_alerts
from convergence.alerts.schemas import AlertOut
from convergence.members.scope import command_line_scope
from convergence.simulation.chargepoint_config import (
    ChargeSession,
    Fault,
    OcppVersion,
    ScenarioStep,
)
from convergence.simulation.chargepoint_fleet import run_simulator
from tests.charging.conftest import (
    LiveServer,
    eventually,
    profile,
    register_charge_point,
    run,
    wait_until,
)
from tests.support import MemberFixture, Territory


def alerts_named(engine: Engine, name: str) -> list[AlertOut]:
    with engine.connect() as conn:
        return [a for a in list_alerts(conn, scope=command_line_scope()) if a.rule_name == name]


def with_rules(engine: Engine, member: MemberFixture) -> None:
    with engine.begin() as conn:
        rules = install_line_rules(
            conn, scope=command_line_scope(), member_id=member.id, line="charging"
        )
        assert len(rules) == 4  # fault, unavailable, offline, failing sessions
        assert (
            install_line_rules(
                conn, scope=command_line_scope(), member_id=member.id, line="charging"
            )
            == []
        )


@pytest.mark.parametrize("version", [OcppVersion.v16, OcppVersion.v201])
def test_a_faulted_status_raises_an_alert_that_clears_when_back_in_service(
    live: LiveServer, engine: Engine, territory: Territory, version: OcppVersion
) -> None:
    with_rules(engine, territory.versailles)
    asset_id = register_charge_point(engine, territory.versailles, "CP-FLT")
    scenario: list[ScenarioStep] = [
        Fault(connector_id=2, error_code="GroundFailure", duration_s=900)
    ]

    async def scenario_run() -> AlertOut:
        task = asyncio.create_task(
            run_simulator(live.ocpp_url, profile("CP-FLT"), scenario, version=version)
        )
        found: list[AlertOut] = await eventually(lambda: alerts_named(engine, "Borne en défaut"))
        await task
        return found[0]

    firing = run(scenario_run())
    assert (firing.asset_id, firing.status, firing.severity) == (asset_id, "firing", "critical")
    assert firing.details["payload"]["status"] == "Faulted"
    assert firing.details["payload"]["connector_id"] == 2
    [ended] = alerts_named(engine, "Borne en défaut")
    assert ended.status == "resolved"  # Available again after the fault


def test_a_charge_point_silent_too_long_is_offline_then_online_again(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    live.configure(heartbeat_interval_s=1, offline_after_intervals=1.5)
    with_rules(engine, territory.versailles)
    register_charge_point(engine, territory.versailles, "CP-OFF")
    # One simulated second a second: heartbeats every second, as the boot answer says.
    sim = profile("CP-OFF", speedup=1)

    async def connect_for(seconds: float) -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(run_simulator(live.ocpp_url, sim, [], stop=stop))
        await asyncio.sleep(seconds)
        stop.set()
        await task

    run(connect_for(2.5))
    assert alerts_named(engine, "Borne hors ligne") == []  # heartbeats kept it online
    [offline] = wait_until(lambda: alerts_named(engine, "Borne hors ligne"), timeout=10)
    assert offline.status == "firing"
    assert offline.details["payload"] == {"state": "offline", "reason": "silent"}
    run(connect_for(0.5))
    [back] = alerts_named(engine, "Borne hors ligne")
    assert back.status == "resolved"


def test_repeated_failed_sessions_raise_an_alert(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    live.configure(failed_sessions_alert=2)
    with_rules(engine, territory.versailles)
    register_charge_point(engine, territory.versailles, "CP-FAIL")
    # Two sessions that deliver nothing (a hundredth of a second each): two failures in a row.
    failing: list[ScenarioStep] = [ChargeSession(duration_s=0.01), ChargeSession(duration_s=0.01)]
    run(run_simulator(live.ocpp_url, profile("CP-FAIL"), failing))
    [alert] = alerts_named(engine, "Échecs de charge répétés")
    assert alert.status == "firing"
    assert alert.details["payload"]["failed_in_row"] == 2
    run(run_simulator(live.ocpp_url, profile("CP-FAIL"), [ChargeSession(duration_s=600)]))
    [alert] = alerts_named(engine, "Échecs de charge répétés")
    assert alert.status == "resolved"
