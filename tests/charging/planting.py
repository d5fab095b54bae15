"""Versailles' charging data for the isolation walk of tests/web/test_isolation.py.

``plant_charging`` registers, with marker strings, a charge point with its password, IRVE
station details and a command in its log; ``charging_params`` gives the walk the ids its
paths need.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from convergence.charging.tables import charging_commands
from tests.support import VERSAILLES_TOWN_HALL, Territory


def plant_charging(client: TestClient, territory: Territory, marker: str) -> None:
    """A Versailles charge point named with the marker, its station and a logged command."""
    headers = territory.versailles.bearer()
    asset = client.post(
        "/api/v1/assets",
        headers=headers,
        json={
            "name": f"{marker} borne",
            "kind": "charge_point",
            "domain": "charging",
            "status": "active",
            "ocpp_id": f"{marker}-cp",
            "lon": VERSAILLES_TOWN_HALL[0],
            "lat": VERSAILLES_TOWN_HALL[1],
        },
    ).json()
    base = f"/api/v1/charging/charge-points/{asset['id']}"
    assert client.put(f"{base}/password", headers=headers, json={}).status_code == 200
    station = {"station": {"name": f"{marker} station", "address": marker}, "connectors": []}
    assert client.put(f"{base}/station", headers=headers, json=station).status_code == 200
    response = client.post(
        f"/api/v1/charging/{asset['id']}/commands/change_configuration",
        headers=headers,
        json={"key": "MeterValueSampleInterval", "value": marker},
    )
    assert response.json()["status"] == "not_connected", response.text


def charging_params(client: TestClient) -> dict[str, object]:
    """The command name and the id of the planted command, for the walk's paths."""
    engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        command_id = conn.execute(
            select(func.coalesce(func.max(charging_commands.c.id), 0))
        ).scalar_one()
    return {"command": "reset", "command_id": command_id}
