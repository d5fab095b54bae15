"""OCPP 2.0.1 sessions: TransactionEvent Started / Updated / Ended; RequestStopTransaction."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import httpx
from sqlalchemy import Engine, select

from convergence.charging.tables import charging_sessions
from convergence.simulation.chargepoint201 import run_charging_station
from convergence.simulation.chargepoint_config import ChargeSession, SimulationReport
from tests.charging.conftest import (
    LiveServer,
    eventually,
    profile,
    register_charge_point,
    rows,
    run,
)
from tests.charging.test_csms_session16 import series_values
from tests.support import Territory


def test_a_transaction_event_session_gives_its_energy_and_readings(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.boulogne, "CS-201")
    scenario = [ChargeSession(connector_id=2, duration_s=20 * 60, power_w=7_400)]
    report: SimulationReport = run(run_charging_station(live.ocpp_url, profile("CS-201"), scenario))
    [record] = report.sessions
    assert report.errors == []
    [session] = rows(engine, select(charging_sessions))
    assert (session.protocol, session.connector_id, session.status) == ("ocpp2.0.1", 2, "completed")
    assert session.transaction_ref == record.transaction_id  # named by the station (a UUID)
    assert (session.meter_start_wh, session.meter_stop_wh) == (
        record.meter_start_wh,
        record.meter_stop_wh,
    )
    assert session.energy_wh == record.energy_wh > 2_000
    assert session.id_tag_hash == hashlib.sha256(b"SIMTAG0001").hexdigest()
    energy = series_values(engine, asset_id, "energy")
    assert len(energy) >= 21
    assert energy == sorted(energy)
    assert abs(energy[-1] - record.energy_wh / 1000) < 1e-6
    power = series_values(engine, asset_id, "power")
    assert max(power) > 7_000
    assert power[-1] == 0.0


def test_a_request_stop_ends_the_transaction(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.boulogne, "CS-STOP")
    headers = territory.boulogne.bearer("admin")

    async def scenario() -> tuple[dict[str, Any], SimulationReport]:
        long_session = [ChargeSession(connector_id=1, duration_s=8 * 3600)]
        task = asyncio.create_task(
            run_charging_station(live.ocpp_url, profile("CS-STOP"), long_session)
        )
        active = select(charging_sessions).where(charging_sessions.c.status == "active")
        await eventually(lambda: rows(engine, active))
        async with httpx.AsyncClient(
            base_url=live.http_url, headers=headers, trust_env=False
        ) as api:
            answer = await api.post(
                f"/api/v1/charging/{asset_id}/commands/remote_stop", json={"connector_id": 1}
            )
        return answer.json(), await task

    command, report = run(scenario())
    assert (command["protocol"], command["status"]) == ("ocpp2.0.1", "accepted")
    [session] = rows(engine, select(charging_sessions))
    assert (session.status, session.stop_reason) == ("completed", "Remote")
    assert session.transaction_ref == report.sessions[0].transaction_id


def test_a_remote_start_goes_through_request_start_transaction(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.boulogne, "CS-START")
    headers = territory.boulogne.bearer("admin")

    async def scenario() -> dict[str, Any]:
        stop = asyncio.Event()
        task = asyncio.create_task(
            run_charging_station(live.ocpp_url, profile("CS-START"), [], stop=stop)
        )
        await eventually(lambda: live.central.is_connected(asset_id))
        async with httpx.AsyncClient(
            base_url=live.http_url, headers=headers, trust_env=False
        ) as api:
            answer = await api.post(
                f"/api/v1/charging/{asset_id}/commands/remote_start",
                json={"id_tag": "REMOTE-1", "connector_id": 2},
            )
        started = select(charging_sessions).where(charging_sessions.c.connector_id == 2)
        await eventually(lambda: rows(engine, started))
        stop.set()
        await task
        return dict(answer.json())

    command = run(scenario())
    assert command["status"] == "accepted"
    assert command["params"]["id_tag_hash"] == hashlib.sha256(b"REMOTE-1").hexdigest()
    assert "REMOTE-1" not in str(command)
    [session] = rows(engine, select(charging_sessions))
    assert session.id_tag_hash == hashlib.sha256(b"REMOTE-1").hexdigest()
