"""OCPP 1.6 sessions: Authorize, StartTransaction, MeterValues, StopTransaction; remote stop."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import httpx
from ocpp.v16 import call
from sqlalchemy import Engine, select

from convergence.charging.credentials import hash_id_tag
from convergence.charging.tables import charging_sessions
from convergence.simulation.chargepoint import ChargePoint16Simulator, run_charge_point
from convergence.simulation.chargepoint_config import ChargeSession, OcppVersion, SimulationReport
from convergence.simulation.chargepoint_runtime import ocpp_connection
from convergence.timeseries.tables import events, readings, series
from tests.charging.conftest import (
    LiveServer,
    eventually,
    profile,
    register_charge_point,
    rows,
    run,
)
from tests.support import Territory


def series_values(engine: Engine, asset_id: int, quantity: str) -> list[float]:
    query = (
        select(readings.c.value)
        .join(series, series.c.id == readings.c.series_id)
        .where(series.c.asset_id == asset_id, series.c.quantity == quantity)
        .order_by(readings.c.ts)
    )
    return [row.value for row in rows(engine, query)]


def test_a_full_session_gives_the_session_its_energy_and_readings(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "CP-S16")
    scenario = [ChargeSession(connector_id=1, duration_s=30 * 60, power_w=11_000)]
    report: SimulationReport = run(run_charge_point(live.ocpp_url, profile("CP-S16"), scenario))
    [record] = report.sessions
    assert report.errors == []
    assert record.authorized
    [session] = rows(engine, select(charging_sessions))
    assert (session.asset_id, session.connector_id, session.status) == (asset_id, 1, "completed")
    assert (session.meter_start_wh, session.meter_stop_wh) == (
        record.meter_start_wh,
        record.meter_stop_wh,
    )
    assert session.energy_wh == record.energy_wh > 5_000  # 11 kW for half an hour
    assert session.transaction_ref == str(session.id) == record.transaction_id
    assert session.stop_reason == "Local"
    assert session.id_tag_hash == hashlib.sha256(b"SIMTAG0001").hexdigest()
    energy = series_values(engine, asset_id, "energy")
    assert len(energy) >= 31  # the start, a meter value a minute, the stop
    assert energy[0] == 0.0
    assert energy == sorted(energy)
    assert abs(energy[-1] - record.energy_wh / 1000) < 1e-6  # kWh delivered by the point
    power = series_values(engine, asset_id, "power")
    assert 10_000 < max(power) <= 11_000
    assert power[-1] == 0.0


def test_the_id_tag_is_never_stored_in_clear(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.versailles, "CP-TAG")
    scenario = [ChargeSession(connector_id=2, duration_s=120, id_tag="BADGE-42")]
    run(run_charge_point(live.ocpp_url, profile("CP-TAG"), scenario))
    stored = [*rows(engine, select(charging_sessions)), *rows(engine, select(events))]
    assert stored
    assert all("BADGE-42" not in repr(row) for row in stored)


def energy_of(asset_id: int) -> Any:
    """The energy index readings of a charge point."""
    return (
        select(readings.c.value)
        .join(series, series.c.id == readings.c.series_id)
        .where(series.c.asset_id == asset_id, series.c.quantity == "energy")
    )


def test_a_remote_stop_ends_the_session(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "CP-RS")
    headers = territory.versailles.bearer("admin")

    async def scenario() -> tuple[dict[str, object], SimulationReport]:
        long_session = [ChargeSession(connector_id=2, duration_s=8 * 3600)]
        task = asyncio.create_task(run_charge_point(live.ocpp_url, profile("CP-RS"), long_session))
        active = select(charging_sessions).where(charging_sessions.c.status == "active")
        [session] = await eventually(lambda: rows(engine, active))
        # Stopped once energy has flowed: a session stopped before its first kWh is a failure.
        await eventually(lambda: len(rows(engine, energy_of(asset_id))) >= 2)
        async with httpx.AsyncClient(
            base_url=live.http_url, headers=headers, trust_env=False
        ) as api:
            answer = await api.post(
                f"/api/v1/charging/{asset_id}/commands/remote_stop",
                json={"session_id": session.id},
            )
        return answer.json(), await task

    command, report = run(scenario())
    assert (command["status"], command["response"]) == ("accepted", {"status": "Accepted"})
    assert command["params"]["transaction_ref"] == report.sessions[0].transaction_id
    [session] = rows(engine, select(charging_sessions))
    assert (session.status, session.stop_reason) == ("completed", "Remote")
    assert session.energy_wh == report.sessions[0].energy_wh
    with live.api(headers) as api:
        [logged] = api.get(f"/api/v1/charging/{asset_id}/commands").json()["items"]
        assert logged == command
        assert api.get(f"/api/v1/charging/commands/{command['id']}").json() == command
        [listed] = api.get("/api/v1/charging/sessions", params={"asset_id": asset_id}).json()[
            "items"
        ]
    assert listed["stop_reason"] == "Remote"
    assert "id_tag" not in listed


def test_a_resent_start_gives_the_same_transaction(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.versailles, "CP-DUP")
    sim_profile = profile("CP-DUP")

    async def scenario() -> list[int]:
        async with ocpp_connection(live.ocpp_url, sim_profile, OcppVersion.v16) as websocket:
            simulator = ChargePoint16Simulator(sim_profile, websocket)
            listener = asyncio.create_task(simulator.start())
            start = call.StartTransaction(
                connector_id=1, id_tag="T1", meter_start=1000, timestamp="2026-11-28T08:00:00Z"
            )
            first = await simulator.send(start)
            second = await simulator.send(start)  # no answer reached the charge point: resent
            listener.cancel()
            return [first.transaction_id, second.transaction_id]

    first, second = run(scenario())
    assert first == second
    assert len(rows(engine, select(charging_sessions))) == 1


def test_a_tag_refused_at_start_makes_a_failed_session(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    live.configure(blocked_id_tag_hashes=frozenset({hash_id_tag("STOLEN-1")}))
    register_charge_point(engine, territory.versailles, "CP-BLK")
    sim_profile = profile("CP-BLK")

    async def scenario() -> list[str]:
        async with ocpp_connection(live.ocpp_url, sim_profile, OcppVersion.v16) as websocket:
            simulator = ChargePoint16Simulator(sim_profile, websocket)
            listener = asyncio.create_task(simulator.start())
            # Authorised from the charge point's local cache: the central system says no.
            started = await simulator.send(
                call.StartTransaction(
                    connector_id=1,
                    id_tag="STOLEN-1",
                    meter_start=500,
                    timestamp="2026-11-28T09:00:00Z",
                )
            )
            stopped = await simulator.send(
                call.StopTransaction(
                    meter_stop=500, timestamp="2026-11-28T09:00:05Z",
                    transaction_id=started.transaction_id, reason="DeAuthorized", id_tag="STOLEN-1",
                )
            )  # fmt: skip
            listener.cancel()
            return [started.id_tag_info["status"], stopped.id_tag_info["status"]]

    assert run(scenario()) == ["Blocked", "Blocked"]
    [session] = rows(engine, select(charging_sessions))
    assert (session.status, session.failure, session.stop_reason) == (
        "failed",
        "id_tag_refused",
        "DeAuthorized",
    )
