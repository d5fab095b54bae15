"""Remote commands under ``convergence serve --workers 2``: whichever worker is asked.

A charge point's WebSocket lives in the worker that accepted it; an API request lands on
either worker. Each request below comes on a connection of its own, so both workers receive
some: every command reaches the charge point and comes back with its answer, and the log
keeps neither the id tag in clear nor the sealed parameters once sent.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, select

from convergence.charging.tables import charge_point_connectors, charging_commands
from convergence.simulation.chargepoint_fleet import run_simulator
from tests.alerts.servers import free_port
from tests.alerts.test_serve_workers import served
from tests.charging.conftest import eventually, profile, register_charge_point, rows
from tests.support import Territory

ID_TAG = "RELAY-TAG-42"
# Twelve requests on fresh connections: all on one worker has odds of one in two thousand.
COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("trigger_message", {"message": "StatusNotification", "connector_id": 1}),
    ("change_configuration", {"key": "MeterValueSampleInterval", "value": "30"}),
    ("get_configuration", {"keys": ["HeartbeatInterval"]}),
] * 4 + [("remote_start", {"id_tag": ID_TAG, "connector_id": 1})]


async def _ask(url: str, asset_id: int, headers: dict[str, str]) -> list[httpx.Response]:
    answers = []
    for name, params in COMMANDS:
        async with httpx.AsyncClient(base_url=url, headers=headers, trust_env=False) as api:
            path = f"/api/v1/charging/{asset_id}/commands/{name}"
            answers.append(await api.post(path, json=params, timeout=60))
    return answers


async def _connected_then_asked(
    url: str, engine: Engine, asset_id: int, headers: dict[str, str]
) -> list[httpx.Response]:
    stop = asyncio.Event()
    ocpp_url = url.replace("http://", "ws://") + "/ocpp"
    task = asyncio.create_task(run_simulator(ocpp_url, profile("RELAY-1"), [], stop=stop))
    known = select(charge_point_connectors).where(charge_point_connectors.c.status.is_not(None))
    await eventually(lambda: len(rows(engine, known)) == 2)
    try:
        return await _ask(url, asset_id, headers)
    finally:
        stop.set()
        await task


def test_every_worker_relays_commands_to_the_charge_point(
    engine: Engine, territory: Territory, tmp_path: Path
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "RELAY-1")
    headers = territory.versailles.bearer("admin")
    with served(engine, free_port(), tmp_path) as url:
        answers = asyncio.run(_connected_then_asked(url, engine, asset_id, headers))
    assert [a.status_code for a in answers] == [200] * len(COMMANDS)
    assert [a.json()["status"] for a in answers] == ["accepted"] * len(COMMANDS)
    logged = rows(engine, select(charging_commands).where(charging_commands.c.asset_id == asset_id))
    assert len(logged) == len(COMMANDS)
    assert all(row.relay is None for row in logged)
    assert ID_TAG not in json.dumps([row.params for row in logged])
