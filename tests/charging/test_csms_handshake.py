"""The WebSocket handshake: subprotocol, HTTP Basic password, registered charge points only."""

from __future__ import annotations

import asyncio
import base64

import pytest
from sqlalchemy import Engine, select
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from convergence.charging.tables import charge_point_connectors, charge_points
from convergence.ingest.queries import list_discovered_devices
from convergence.members.scope import command_line_scope
from convergence.simulation.chargepoint import run_charge_point
from convergence.simulation.chargepoint_config import OcppVersion
from convergence.simulation.chargepoint_fleet import run_simulator
from tests.charging.conftest import (
    PASSWORD,
    LiveServer,
    eventually,
    profile,
    register_charge_point,
    rows,
    run,
)
from tests.support import Territory


def boot_and_leave(live: LiveServer, engine: Engine, ocpp_id: str, version: OcppVersion) -> int:
    """Connect, boot, wait until every connector reported, disconnect; the boots seen."""

    async def scenario() -> int:
        stop = asyncio.Event()
        task = asyncio.create_task(
            run_simulator(live.ocpp_url, profile(ocpp_id), [], version=version, stop=stop)
        )
        query = select(charge_point_connectors.c.status).where(
            charge_point_connectors.c.status.is_not(None)
        )
        await eventually(lambda: len(rows(engine, query)) == 2)
        stop.set()
        return (await task).boots

    boots: int = run(scenario())
    return boots


@pytest.mark.parametrize("version", [OcppVersion.v16, OcppVersion.v201])
def test_a_registered_charge_point_with_its_password_is_accepted(
    live: LiveServer, engine: Engine, territory: Territory, version: OcppVersion
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "CP-OK")
    assert boot_and_leave(live, engine, "CP-OK", version) == 1
    [row] = rows(engine, select(charge_points))
    assert (row.asset_id, row.registration, row.protocol) == (asset_id, "Accepted", version.value)
    assert (row.vendor, row.model, row.firmware_version) == (
        "Convergence",
        "SimCharge AC22",
        "1.0.0",
    )
    assert row.password_hash.startswith("pbkdf2_sha256$")
    assert PASSWORD not in row.password_hash
    with live.api(territory.versailles.bearer("read")) as api:
        [listed] = api.get("/api/v1/charging/charge-points").json()["items"]
    assert listed["ocpp_id"] == "CP-OK"
    assert listed["registration"] == "Accepted"
    assert [c["status"] for c in listed["connectors"]] == ["Available", "Available"]


def refusal_status(live: LiveServer, ocpp_id: str, password: str) -> int:
    async def attempt() -> int:
        with pytest.raises(InvalidStatus) as refused:
            await run_charge_point(live.ocpp_url, profile(ocpp_id, password=password))
        return refused.value.response.status_code

    status: int = run(attempt())
    return status


def test_a_wrong_password_gets_401_at_the_handshake(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.versailles, "CP-PW")
    assert refusal_status(live, "CP-PW", "not-the-right-password") == 401
    [row] = rows(engine, select(charge_points.c.online, charge_points.c.last_boot_at))
    assert (row.online, row.last_boot_at) == (False, None)


def test_a_charge_point_without_password_is_refused(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.versailles, "CP-NOPW", password=None)
    assert refusal_status(live, "CP-NOPW", PASSWORD) == 401


def test_the_basic_user_must_be_the_charge_point_id(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.versailles, "CP-A")
    register_charge_point(engine, territory.versailles, "CP-B")
    credentials = base64.b64encode(f"CP-B:{PASSWORD}".encode()).decode()

    async def attempt() -> int:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                f"{live.ocpp_url}/CP-A",
                subprotocols=[Subprotocol("ocpp1.6")],
                additional_headers={"Authorization": f"Basic {credentials}"},
                proxy=None,
            ):
                pass
        return refused.value.response.status_code

    assert run(attempt()) == 401


def test_an_unknown_charge_point_is_refused_and_discovered_until_registered(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    assert refusal_status(live, "CP-NEW", PASSWORD) == 401
    assert refusal_status(live, "CP-NEW", PASSWORD) == 401
    with engine.connect() as conn:
        [found] = list_discovered_devices(conn, scope=command_line_scope())
    assert (found.device_ref, found.messages, found.member_id) == ("CP-NEW", 2, None)
    assert found.sample.reason_code == "unknown_device"
    assert PASSWORD not in found.sample.model_dump_json()
    register_charge_point(engine, territory.boulogne, "CP-NEW")
    with engine.connect() as conn:
        assert list_discovered_devices(conn, scope=command_line_scope()) == []
    assert boot_and_leave(live, engine, "CP-NEW", OcppVersion.v16) == 1


@pytest.mark.parametrize("offered", [["ocpp2.0"], ["ocpp1.5", "soap"], []])
def test_other_subprotocols_are_refused(
    live: LiveServer, engine: Engine, territory: Territory, offered: list[str]
) -> None:
    register_charge_point(engine, territory.versailles, "CP-SUB")
    credentials = base64.b64encode(f"CP-SUB:{PASSWORD}".encode()).decode()

    async def attempt() -> int:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                f"{live.ocpp_url}/CP-SUB",
                subprotocols=[Subprotocol(p) for p in offered] or None,
                additional_headers={"Authorization": f"Basic {credentials}"},
                proxy=None,
            ):
                pass
        return refused.value.response.status_code

    assert run(attempt()) == 400


def test_the_server_prefers_ocpp201_when_both_are_offered(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.versailles, "CP-BOTH")
    credentials = base64.b64encode(f"CP-BOTH:{PASSWORD}".encode()).decode()

    async def negotiated() -> str | None:
        async with connect(
            f"{live.ocpp_url}/CP-BOTH",
            subprotocols=[Subprotocol("ocpp1.6"), Subprotocol("ocpp2.0.1")],
            additional_headers={"Authorization": f"Basic {credentials}"},
            proxy=None,
        ) as websocket:
            return websocket.subprotocol

    assert run(negotiated()) == "ocpp2.0.1"


def test_a_second_connection_of_a_charge_point_replaces_the_first(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "CP-TWICE")

    async def scenario() -> tuple[int, bool]:
        first = asyncio.create_task(
            run_charge_point(live.ocpp_url, profile("CP-TWICE"), [], stop=asyncio.Event())
        )
        announced = select(charge_point_connectors).where(
            charge_point_connectors.c.status.is_not(None)
        )
        await eventually(lambda: len(rows(engine, announced)) == 2)  # booted, statuses sent
        stop = asyncio.Event()
        second = asyncio.create_task(
            run_charge_point(live.ocpp_url, profile("CP-TWICE"), [], stop=stop)
        )
        report = await asyncio.wait_for(first, 15)  # closed by the central system
        still = live.central.is_connected(asset_id)
        stop.set()
        await second
        return len(report.errors), still

    errors, still_connected = run(scenario())
    assert errors == 1  # the first one saw its connection closed
    assert still_connected
