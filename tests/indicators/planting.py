"""Sites and readings of the indicator service tests, written through the real services.

Assets are registered by the registry service; readings go through the time-series store,
so the hourly and daily rollups the indicators read are the ones ingestion maintains.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.members.binding import scope_for_token
from convergence.members.scope import MemberScope, command_line_scope
from convergence.members.tokens import use_token
from convergence.registry import service
from convergence.registry.schemas import AssetCreate
from convergence.timeseries.store import NewReading, store_readings
from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL, MemberFixture, Territory

UNITS = {
    "no2": "µg/m³",
    "so2": "µg/m³",
    "o3": "µg/m³",
    "pm10": "µg/m³",
    "pm25": "µg/m³",
    "laeq": "dB(A)",
    "vehicle_count": "count",
    "speed": "km/h",
    "water_level": "m",
    "energy": "kWh",
    "power": "W",
}
KINDS = {"traffic": "counter", "lighting": "lighting_cabinet"}
HOUR = timedelta(hours=1)


def make_site(
    engine: Engine,
    territory: Territory,
    *,
    domain: str,
    name: str,
    where: str = "versailles",
) -> int:
    """Register an asset of Versailles or Boulogne at its town hall; its id."""
    member = territory.versailles if where == "versailles" else territory.boulogne
    lon, lat = VERSAILLES_TOWN_HALL if where == "versailles" else BOULOGNE_TOWN_HALL
    return make_asset(engine, member_id=member.id, domain=domain, name=name, lon=lon, lat=lat)


def make_asset(
    engine: Engine, *, member_id: int, domain: str, name: str, lon: float, lat: float
) -> int:
    """Register an asset of any member at a position of its territory; its id."""
    with engine.begin() as conn:
        asset = service.create_asset(
            conn,
            scope=command_line_scope(),
            data=AssetCreate(
                member_id=member_id,
                name=name,
                kind=KINDS.get(domain, "sensor"),
                domain=domain,
                lon=lon,
                lat=lat,
            ),
        )
    return asset.id


def store(
    engine: Engine,
    *,
    asset_id: int,
    member_id: int,
    quantity: str,
    points: Sequence[tuple[datetime, float]],
) -> None:
    """Store readings of one quantity through the ingestion store (rollups included)."""
    batch = [
        NewReading(asset_id, member_id, quantity, UNITS[quantity], ts, value)
        for ts, value in points
    ]
    with engine.begin() as conn:
        store_readings(conn, batch)


def hourly_means(
    hours: Sequence[datetime], values: Sequence[float]
) -> list[tuple[datetime, float]]:
    """Two readings an hour (:10 and :40) whose mean is the hour's value: v − 1 and v + 1."""
    points = []
    for hour, value in zip(hours, values, strict=True):
        points.append((hour + timedelta(minutes=10), value - 1))
        points.append((hour + timedelta(minutes=40), value + 1))
    return points


def scope_of(engine: Engine, member: MemberFixture, token: str = "read") -> MemberScope:
    """The member scope a request with this member's token gets (sharing included)."""
    with engine.begin() as conn:
        return scope_for_token(conn, token=use_token(conn, secret=member.tokens[token]))


def plant_indicators(client: TestClient, territory: Territory, marker: str) -> None:
    """A Versailles counter with a marked name and direction, and counts of the last hour,
    for the isolation walk of tests/web/test_isolation.py."""
    headers = territory.versailles.bearer()
    counter = client.post(
        "/api/v1/assets",
        headers=headers,
        json={
            "name": f"{marker} compteur",
            "kind": "counter",
            "domain": "traffic",
            "lon": VERSAILLES_TOWN_HALL[0],
            "lat": VERSAILLES_TOWN_HALL[1],
        },
    ).json()
    response = client.put(
        f"/api/v1/indicators/sites/{counter['id']}",
        headers=headers,
        json={"kind": "traffic", "directions": [{"name": f"{marker} sens"}]},
    )
    assert response.status_code == 200, response.text
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    now = utcnow()
    store(
        engine,
        asset_id=counter["id"],
        member_id=territory.versailles.id,
        quantity="vehicle_count",
        points=[(now - timedelta(minutes=5), 12.0)],
    )
