"""Remote commands through the API, their answers in the command log, errors not suppressed."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import Engine, select

from convergence.charging.tables import charge_point_connectors, charging_sessions
from convergence.simulation.chargepoint_config import OcppVersion, SimulationReport
from convergence.simulation.chargepoint_fleet import run_simulator
from tests.charging.conftest import (
    LiveServer,
    eventually,
    profile,
    register_charge_point,
    rows,
    run,
)
from tests.support import Territory

Commands = list[tuple[str, dict[str, Any]]]


def send_commands(
    live: LiveServer,
    engine: Engine,
    ocpp_id: str,
    asset_id: int,
    headers: dict[str, str],
    commands: Commands,
    *,
    version: OcppVersion = OcppVersion.v16,
) -> tuple[list[httpx.Response], SimulationReport]:
    """Connect the simulator, send the commands one by one, disconnect."""

    async def scenario() -> tuple[list[httpx.Response], SimulationReport]:
        stop = asyncio.Event()
        sim = profile(ocpp_id)
        task = asyncio.create_task(
            run_simulator(live.ocpp_url, sim, [], version=version, stop=stop)
        )
        statuses = select(charge_point_connectors).where(
            charge_point_connectors.c.status.is_not(None)
        )
        await eventually(lambda: len(rows(engine, statuses)) == 2)
        answers = []
        async with httpx.AsyncClient(
            base_url=live.http_url, headers=headers, trust_env=False, timeout=30
        ) as api:
            for name, params in commands:
                url = f"/api/v1/charging/{asset_id}/commands/{name}"
                answers.append(await api.post(url, json=params))
        await asyncio.sleep(0.3)  # let the charge point act on what it accepted
        stop.set()
        return answers, await task

    result: tuple[list[httpx.Response], SimulationReport] = run(scenario())
    return result


def test_core_and_trigger_commands_are_answered_and_logged(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "CMD-1")
    commands: Commands = [
        ("change_availability", {"connector_id": 2, "availability": "inoperative"}),
        ("unlock_connector", {"connector_id": 1}),
        ("get_configuration", {"keys": ["HeartbeatInterval", "NoSuchKey"]}),
        ("change_configuration", {"key": "AuthorizationKey", "value": "new-secret-0123456789"}),
        ("change_configuration", {"key": "MeterValueSampleInterval", "value": "30"}),
        ("trigger_message", {"message": "StatusNotification", "connector_id": 1}),
        ("reset", {"reset_type": "soft"}),
    ]
    answers, report = send_commands(
        live, engine, "CMD-1", asset_id, territory.versailles.bearer("admin"), commands
    )
    logged = [a.json() for a in answers]
    assert [a.status_code for a in answers] == [200] * len(commands)
    assert [c["status"] for c in logged] == [
        "accepted", "accepted", "accepted", "rejected", "accepted", "accepted", "accepted",
    ]  # fmt: skip
    assert logged[1]["response"] == {"status": "Unlocked"}
    assert logged[2]["response"]["unknown_key"] == ["NoSuchKey"]
    assert logged[2]["response"]["configuration_key"][0]["key"] == "HeartbeatInterval"
    assert logged[3]["response"] == {"status": "NotSupported"}
    assert logged[3]["params"]["value"] == "***"  # a password never enters the log
    assert report.boots == 2  # the soft reset made it boot again
    [connector2] = rows(
        engine,
        select(charge_point_connectors.c.status).where(charge_point_connectors.c.connector_id == 2),
    )
    assert connector2.status == "Unavailable"


def test_a_remote_start_starts_a_session(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "CMD-1")
    commands: Commands = [("remote_start", {"id_tag": "REMOTE-16", "connector_id": 1})]
    answers, _ = send_commands(
        live, engine, "CMD-1", asset_id, territory.versailles.bearer(), commands
    )
    assert answers[0].json()["status"] == "accepted"
    [session] = rows(engine, select(charging_sessions))
    assert session.connector_id == 1


def test_a_call_error_is_recorded_not_suppressed(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "CMD-1")
    # The 2.0.1 simulator has no UnlockConnector handler: it answers with a CALLERROR.
    commands: Commands = [("unlock_connector", {"connector_id": 1}), ("get_configuration", {})]
    answers, _ = send_commands(
        live, engine, "CMD-1", asset_id, territory.versailles.bearer(), commands,
        version=OcppVersion.v201,
    )  # fmt: skip
    unlock = answers[0].json()
    assert (unlock["status"], unlock["protocol"]) == ("error", "ocpp2.0.1")
    assert unlock["error"].startswith("NotImplementedError")
    assert answers[1].status_code == 422  # no GetConfiguration in OCPP 2.0.1


def test_commands_to_a_disconnected_charge_point_are_logged_as_such(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "CMD-OFF")
    with live.api(territory.versailles.bearer()) as api:
        answer = api.post(f"/api/v1/charging/{asset_id}/commands/reset", json={})
        missing = api.post(f"/api/v1/charging/{asset_id}/commands/remote_start", json={})
        nothing_to_stop = api.post(f"/api/v1/charging/{asset_id}/commands/remote_stop", json={})
    assert answer.json()["status"] == "not_connected"
    assert missing.status_code == 422
    assert "id_tag" in missing.json()["error"]["message"]
    assert nothing_to_stop.status_code == 422


def test_readers_cannot_send_commands(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "CMD-RO")
    with live.api(territory.versailles.bearer("read")) as api:
        answer = api.post(f"/api/v1/charging/{asset_id}/commands/reset", json={})
    assert answer.status_code == 403
