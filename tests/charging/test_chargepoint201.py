"""The OCPP 2.0.1 charging station simulator against a real CSMS peer built on ``ocpp``."""

from __future__ import annotations

import asyncio
from itertools import pairwise
from typing import Any

from ocpp.v201 import call

from convergence.simulation.chargepoint201 import run_charging_station
from convergence.simulation.chargepoint_config import (
    ChargePointProfile,
    ChargeSession,
    SimulationReport,
)
from tests.charging.csms import Csms, Received, running_csms

PASSWORD = "fedcba9876543210fedc"


def password_of(charge_point_id: str) -> str | None:
    return PASSWORD if charge_point_id.startswith("CS-") else None


def profile(charge_point_id: str = "CS-201", **changes: Any) -> ChargePointProfile:
    values: dict[str, Any] = {
        "charge_point_id": charge_point_id,
        "password": PASSWORD,
        "speedup": 600,
        "meter_interval_s": 60,
        "seed": 3,
    } | changes
    return ChargePointProfile(**values)


def event_label(message: Received) -> str:
    if message.action != "TransactionEvent":
        return message.label()
    return f"TransactionEvent {message.payload['event_type']}"


def energy_of(message: Received) -> tuple[int, int]:
    [reading] = message.payload["meter_value"]
    values = {v["measurand"]: v for v in reading["sampled_value"]}
    energy = values["Energy.Active.Import.Register"]
    assert energy["unit_of_measure"] == {"unit": "Wh"}
    return energy["value"], values["Power.Active.Import"]["value"]


async def start_station(
    csms: Csms, sim_profile: ChargePointProfile, scenario: list[Any], stop: asyncio.Event
) -> asyncio.Task[SimulationReport]:
    task = asyncio.create_task(run_charging_station(csms.url, sim_profile, scenario, stop=stop))
    await csms.wait_for(lambda m: m.charge_point_id == sim_profile.charge_point_id)
    return task


async def command(csms: Csms, charge_point_id: str, payload: Any) -> Any:
    return await csms.connected[charge_point_id].call(payload, suppress=False)


async def session_stopped_remotely() -> tuple[Csms, SimulationReport]:
    async with running_csms(password_of) as csms:
        stop = asyncio.Event()
        scenario = [ChargeSession(connector_id=1, duration_s=3 * 3600, power_w=7_400)]
        station = await start_station(csms, profile(), scenario, stop)
        await csms.wait_for(lambda m: event_label(m) == "TransactionEvent Updated", count=3)
        [started] = [m for m in csms.messages if event_label(m) == "TransactionEvent Started"]
        transaction_id = started.payload["transaction_info"]["transaction_id"]
        request = call.RequestStopTransaction(transaction_id=transaction_id)
        assert (await command(csms, "CS-201", request)).status == "Accepted"
        await csms.wait_for(lambda m: m.label() == "Status 1 Available", count=2)
        stop.set()
        return csms, await station


def test_full_session_sequence_with_request_stop() -> None:
    csms, report = asyncio.run(session_stopped_remotely())
    labels = [event_label(m) for m in csms.of("CS-201")]
    updates = labels.count("TransactionEvent Updated")
    assert updates >= 3
    assert labels == [
        "BootNotification",
        "Status 1 Available",
        "Status 2 Available",
        "Status 1 Occupied",
        "Authorize",
        "TransactionEvent Started",
        *["TransactionEvent Updated"] * updates,
        "TransactionEvent Ended",
        "Status 1 Available",
    ]
    events = [m for m in csms.messages if m.action == "TransactionEvent"]
    assert [m.payload["seq_no"] for m in events] == list(range(len(events)))
    assert len({m.payload["transaction_info"]["transaction_id"] for m in events}) == 1
    ended = events[-1]
    assert ended.payload["trigger_reason"] == "RemoteStop"
    assert ended.payload["transaction_info"]["stopped_reason"] == "Remote"
    assert events[0].payload["id_token"] == {"id_token": "SIMTAG0001", "type": "ISO14443"}
    assert report.errors == []
    assert report.sessions[0].stop_reason == "Remote"


def test_meter_values_in_transaction_events() -> None:
    csms, report = asyncio.run(session_stopped_remotely())
    events = [m for m in csms.messages if m.action == "TransactionEvent"]
    readings = [energy_of(m) for m in events]
    registers = [energy for energy, _ in readings]
    assert registers == sorted(registers)
    # 7.4 kW for one minute ≈ 123 Wh between periodic updates.
    periodic = registers[1:-1]
    steps = [b - a for a, b in pairwise(registers[:1] + periodic)]
    assert all(115 <= step <= 124 for step in steps), steps
    assert all(7_000 <= power <= 7_400 for _, power in readings[1:-1])
    contexts = [m.payload["meter_value"][0]["sampled_value"][0]["context"] for m in events]
    assert (contexts[0], contexts[-1]) == ("Transaction.Begin", "Transaction.End")
    [session] = report.sessions
    assert session.energy_wh == registers[-1] - registers[0]


async def station_commands() -> tuple[Csms, dict[str, str]]:
    answers: dict[str, str] = {}
    async with running_csms(password_of) as csms:
        stop = asyncio.Event()
        station = await start_station(csms, profile("CS-CMD"), [], stop)
        await csms.wait_for(lambda m: m.label() == "Status 2 Available")
        start = call.RequestStartTransaction(
            id_token={"id_token": "REMOTE02", "type": "Central"}, remote_start_id=42, evse_id=2
        )
        answers["start"] = (await command(csms, "CS-CMD", start)).status
        await csms.wait_for(lambda m: event_label(m) == "TransactionEvent Updated")
        answers["start_again"] = (await command(csms, "CS-CMD", start)).status
        evse2 = call.ChangeAvailability(operational_status="Inoperative", evse={"id": 2})
        answers["inoperative"] = (await command(csms, "CS-CMD", evse2)).status
        answers["reset"] = (await command(csms, "CS-CMD", call.Reset(type="Immediate"))).status
        await csms.wait_for(lambda m: m.action == "BootNotification", count=2)
        await csms.wait_for(lambda m: m.label() == "Status 2 Unavailable")
        unknown = call.RequestStopTransaction(transaction_id="no-such-transaction")
        answers["stop_unknown"] = (await command(csms, "CS-CMD", unknown)).status
        stop.set()
        assert (await station).errors == []
        return csms, answers


def test_commands_are_accepted_and_acted_upon() -> None:
    csms, answers = asyncio.run(station_commands())
    assert answers == {
        "start": "Accepted",
        "start_again": "Rejected",
        "inoperative": "Scheduled",
        "reset": "Accepted",
        "stop_unknown": "Rejected",
    }
    events = [m for m in csms.messages if m.action == "TransactionEvent"]
    started, ended = events[0], events[-1]
    assert started.payload["trigger_reason"] == "RemoteStart"
    assert started.payload["transaction_info"]["remote_start_id"] == 42
    assert started.payload["evse"] == {"id": 2, "connector_id": 1}
    assert ended.payload["transaction_info"]["stopped_reason"] == "ImmediateReset"
    assert ended.payload["trigger_reason"] == "ResetCommand"
    boots = [m for m in csms.messages if m.action == "BootNotification"]
    assert [b.payload["reason"] for b in boots] == ["PowerUp", "RemoteReset"]
    assert "Authorize" not in [m.action for m in csms.messages]
