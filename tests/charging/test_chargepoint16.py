"""The OCPP 1.6 charge point simulator against a real CSMS peer built on ``ocpp``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import pytest
from ocpp.v16 import call
from websockets.exceptions import InvalidStatus

from convergence.simulation.chargepoint import run_charge_point
from convergence.simulation.chargepoint_config import (
    ChargePointProfile,
    ChargeSession,
    Fault,
    SimulationReport,
)
from tests.charging.csms import BLOCKED_TAG, Csms, Received, running_csms

PASSWORD = "0123456789abcdef0123"


def password_of(charge_point_id: str) -> str | None:
    return PASSWORD if charge_point_id.startswith("CP-") else None


def profile(charge_point_id: str = "CP-16", **changes: Any) -> ChargePointProfile:
    # 600 simulated seconds per real second: a one-minute meter interval lasts 0.1 s.
    values: dict[str, Any] = {
        "charge_point_id": charge_point_id,
        "password": PASSWORD,
        "speedup": 600,
        "meter_interval_s": 60,
        "seed": 7,
    } | changes
    return ChargePointProfile(**values)


def energy_and_power(message: Received) -> tuple[int, float]:
    [reading] = message.payload["meter_value"]
    values = {v["measurand"]: v for v in reading["sampled_value"]}
    energy = values["Energy.Active.Import.Register"]
    power = values["Power.Active.Import"]
    assert (energy["unit"], power["unit"]) == ("Wh", "W")
    assert datetime.fromisoformat(reading["timestamp"]).tzinfo is not None
    return int(energy["value"]), float(power["value"])


async def start_simulator(
    csms: Csms, sim_profile: ChargePointProfile, scenario: list[Any], stop: asyncio.Event
) -> asyncio.Task[SimulationReport]:
    task = asyncio.create_task(run_charge_point(csms.url, sim_profile, scenario, stop=stop))
    await csms.wait_for(lambda m: m.charge_point_id == sim_profile.charge_point_id)
    return task


async def command(csms: Csms, charge_point_id: str, payload: Any) -> Any:
    return await csms.connected[charge_point_id].call(payload, suppress=False)


# --- the scripted session, stopped remotely ------------------------------------------------


async def session_stopped_remotely() -> tuple[Csms, SimulationReport]:
    async with running_csms(password_of, heartbeat_interval=30) as csms:
        stop = asyncio.Event()
        scenario = [ChargeSession(connector_id=1, duration_s=4 * 3600, power_w=11_000)]
        simulator = await start_simulator(csms, profile(), scenario, stop)
        await csms.wait_for(lambda m: m.action == "MeterValues", count=3)
        [started] = [m for m in csms.messages if m.action == "StartTransaction"]
        answer = await command(csms, "CP-16", call.RemoteStopTransaction(transaction_id=1))
        assert answer.status == "Accepted"
        await csms.wait_for(lambda m: m.label() == "Status 1 Finishing")
        await csms.wait_for(lambda m: m.label() == "Status 1 Available", count=2)
        stop.set()
        report = await simulator
        assert started.payload["id_tag"] == "SIMTAG0001"
        return csms, report


def test_full_session_sequence_with_remote_stop() -> None:
    csms, report = asyncio.run(session_stopped_remotely())
    labels = [m.label() for m in csms.of("CP-16")]
    meter_count = labels.count("MeterValues")
    assert meter_count >= 3
    assert labels == [
        "BootNotification",
        "Status 0 Available",
        "Status 1 Available",
        "Status 2 Available",
        "Status 1 Preparing",
        "Authorize",
        "StartTransaction",
        "Status 1 Charging",
        *["MeterValues"] * meter_count,
        "StopTransaction",
        "Status 1 Finishing",
        "Status 1 Available",
    ]
    [stopped] = [m for m in csms.messages if m.action == "StopTransaction"]
    assert stopped.payload["reason"] == "Remote"
    assert stopped.payload["transaction_id"] == 1
    assert report.errors == []
    [session] = report.sessions
    assert (session.transaction_id, session.stop_reason, session.remote) == ("1", "Remote", False)
    assert report.commands == ["RemoteStopTransaction"]


def test_meter_values_follow_a_realistic_energy_register() -> None:
    csms, report = asyncio.run(session_stopped_remotely())
    [start] = [m for m in csms.messages if m.action == "StartTransaction"]
    [stop] = [m for m in csms.messages if m.action == "StopTransaction"]
    samples = [energy_and_power(m) for m in csms.messages if m.action == "MeterValues"]
    registers = [energy for energy, _ in samples]
    assert all(m.payload["transaction_id"] == 1 for m in csms.messages if m.action == "MeterValues")
    # Lifetime register of an installed meter, growing by 11 kW × 60 s ≈ 183 Wh a minute.
    assert start.payload["meter_start"] >= 1_250_000
    steps = [b - a for a, b in pairwise([start.payload["meter_start"], *registers])]
    assert all(170 <= step <= 184 for step in steps), steps
    assert all(10_500 <= power <= 11_000 for _, power in samples)
    assert stop.payload["meter_stop"] >= registers[-1]
    [session] = report.sessions
    assert session.meter_start_wh == start.payload["meter_start"]
    assert session.meter_stop_wh == stop.payload["meter_stop"]
    assert session.energy_wh > 0


def test_heartbeats_follow_the_boot_interval() -> None:
    async def scenario() -> int:
        async with running_csms(password_of, heartbeat_interval=6) as csms:
            stop = asyncio.Event()
            # At 60× a 6 s interval is 0.1 s; the 300 s default would need 15 s for three.
            simulator = await start_simulator(csms, profile(speedup=60), [], stop)
            await csms.wait_for(lambda m: m.action == "Heartbeat", count=3, timeout=3)
            stop.set()
            return (await simulator).heartbeats

    assert asyncio.run(scenario()) >= 2  # the last one may be cut short by the stop


def test_a_blocked_tag_never_starts_a_transaction() -> None:
    async def scenario() -> tuple[list[str], SimulationReport]:
        async with running_csms(password_of) as csms:
            steps = [ChargeSession(duration_s=600, id_tag=BLOCKED_TAG)]
            report = await run_charge_point(csms.url, profile(), steps)
            return [m.label() for m in csms.of("CP-16")], report

    labels, report = asyncio.run(scenario())
    assert labels[-3:] == ["Status 1 Preparing", "Authorize", "Status 1 Available"]
    assert "StartTransaction" not in labels
    assert report.sessions[0].authorized is False


def test_a_fault_is_reported_then_cleared() -> None:
    async def scenario() -> list[Received]:
        async with running_csms(password_of) as csms:
            await run_charge_point(csms.url, profile(), [Fault(connector_id=2, duration_s=120)])
            return csms.of("CP-16")

    statuses = [m for m in asyncio.run(scenario()) if m.action == "StatusNotification"]
    faulted, back = statuses[-2:]
    assert (faulted.label(), faulted.payload["error_code"]) == ("Status 2 Faulted", "GroundFailure")
    assert (back.label(), back.payload["error_code"]) == ("Status 2 Available", "NoError")


def test_wrong_password_is_refused_at_the_handshake() -> None:
    async def scenario() -> None:
        async with running_csms(password_of) as csms:
            await run_charge_point(csms.url, profile(password="wrong-password"))

    with pytest.raises(InvalidStatus) as refused:
        asyncio.run(scenario())
    assert refused.value.response.status_code == 401


# --- commands from the CSMS ------------------------------------------------------------------


async def remote_commands() -> tuple[Csms, dict[str, Any], SimulationReport]:
    answers: dict[str, Any] = {}
    async with running_csms(password_of) as csms:
        stop = asyncio.Event()
        simulator = await start_simulator(csms, profile("CP-CMD"), [], stop)
        await csms.wait_for(lambda m: m.label() == "Status 2 Available")
        answers |= await configuration_commands(csms)
        answers |= await session_commands(csms)
        answers["reset"] = (await command(csms, "CP-CMD", call.Reset(type="Soft"))).status
        await csms.wait_for(lambda m: m.action == "BootNotification", count=2)
        stop.set()
        return csms, answers, await simulator


async def configuration_commands(csms: Csms) -> dict[str, Any]:
    asked = await command(csms, "CP-CMD", call.GetConfiguration(key=["HeartbeatInterval", "Foo"]))
    changes = {
        key: (await command(csms, "CP-CMD", call.ChangeConfiguration(key=key, value=value))).status
        for key, value in [
            ("MeterValueSampleInterval", "30"),
            ("NumberOfConnectors", "3"),
            ("Foo", "1"),
        ]
    }
    return {"get": asked, "change": changes}


async def session_commands(csms: Csms) -> dict[str, Any]:
    start = call.RemoteStartTransaction(id_tag="REMOTE01", connector_id=2)
    answers = {"start": (await command(csms, "CP-CMD", start)).status}
    await csms.wait_for(lambda m: m.label() == "Status 2 Charging")
    answers["start_again"] = (await command(csms, "CP-CMD", start)).status
    trigger = call.TriggerMessage(requested_message="StatusNotification", connector_id=2)
    answers["trigger"] = (await command(csms, "CP-CMD", trigger)).status
    await csms.wait_for(lambda m: m.label() == "Status 2 Charging", count=2)
    inoperative = call.ChangeAvailability(connector_id=2, type="Inoperative")
    answers["inoperative"] = (await command(csms, "CP-CMD", inoperative)).status
    answers["unlock"] = (await command(csms, "CP-CMD", call.UnlockConnector(connector_id=2))).status
    await csms.wait_for(lambda m: m.label() == "Status 2 Unavailable")
    operative = call.ChangeAvailability(connector_id=2, type="Operative")
    answers["operative"] = (await command(csms, "CP-CMD", operative)).status
    await csms.wait_for(lambda m: m.label() == "Status 2 Available", count=2)
    stop_unknown = call.RemoteStopTransaction(transaction_id=999)
    answers["stop_unknown"] = (await command(csms, "CP-CMD", stop_unknown)).status
    return answers


def test_commands_are_accepted_and_acted_upon() -> None:
    csms, answers, report = asyncio.run(remote_commands())
    assert answers["get"].configuration_key == [
        {"key": "HeartbeatInterval", "readonly": False, "value": "30"}
    ]
    assert answers["get"].unknown_key == ["Foo"]
    assert answers["change"] == {
        "MeterValueSampleInterval": "Accepted",
        "NumberOfConnectors": "Rejected",
        "Foo": "NotSupported",
    }
    assert (answers["start"], answers["start_again"], answers["trigger"]) == (
        "Accepted",
        "Rejected",
        "Accepted",
    )
    assert (answers["inoperative"], answers["unlock"], answers["operative"]) == (
        "Scheduled",
        "Unlocked",
        "Accepted",
    )
    assert (answers["stop_unknown"], answers["reset"]) == ("Rejected", "Accepted")
    labels = [m.label() for m in csms.of("CP-CMD")]
    # A remote start needs no Authorize (AuthorizeRemoteTxRequests is false).
    assert "Authorize" not in labels
    [started] = [m for m in csms.messages if m.action == "StartTransaction"]
    assert (started.payload["id_tag"], started.payload["connector_id"]) == ("REMOTE01", 2)
    [stopped] = [m for m in csms.messages if m.action == "StopTransaction"]
    assert stopped.payload["reason"] == "UnlockCommand"
    assert labels.index("Status 2 Finishing") < labels.index("Status 2 Unavailable")
    assert labels.count("BootNotification") == 2
    assert report.sessions[0].remote is True
    assert report.errors == []


def test_timestamps_are_utc() -> None:
    csms, _ = asyncio.run(session_stopped_remotely())
    stamps = [m.payload["timestamp"] for m in csms.messages if "timestamp" in m.payload]
    assert stamps
    assert all(datetime.fromisoformat(s).utcoffset() == UTC.utcoffset(None) for s in stamps)
