"""Members' equipment, readings and datasets for the open-data tests, stored for real.

``plant_datasets`` is also used by the isolation walk of tests/web/test_isolation.py: it
gives Versailles an unpublished dataset whose title carries the marker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from convergence.members.scope import command_line_scope
from convergence.opendata.tables import datasets
from convergence.registry import service
from convergence.registry.schemas import AssetCreate
from convergence.timeseries.store import NewReading, store_readings
from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL, MemberFixture

UNITS = {
    "no2": "µg/m³",
    "pm10": "µg/m³",
    "laeq": "dB(A)",
    "vehicle_count": "count",
    "water_level": "m",
}
# Recent enough to fall in every default download period, whole hours in UTC.
START = (datetime.now(UTC) - timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
TOWN_HALLS = {"versailles": VERSAILLES_TOWN_HALL, "boulogne": BOULOGNE_TOWN_HALL}


def engine_of(client: TestClient) -> Engine:
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    return engine


def make_asset(
    engine: Engine,
    member: MemberFixture,
    *,
    name: str,
    domain: str,
    kind: str = "sensor",
    located: bool = True,
    tags: Sequence[str] = (),
) -> int:
    """Register an active asset of ``member`` at its town hall (or nowhere)."""
    lon, lat = TOWN_HALLS[member.key] if located else (None, None)
    data = AssetCreate(
        member_id=member.id,
        name=name,
        kind=kind,
        domain=domain,
        status="active",
        lon=lon,
        lat=lat,
        tags=list(tags),
    )
    with engine.begin() as conn:
        return service.create_asset(conn, scope=command_line_scope(), data=data).id


def store_series(
    engine: Engine,
    member: MemberFixture,
    asset_id: int,
    quantity: str,
    values: Sequence[float],
    *,
    step: timedelta = timedelta(minutes=30),
) -> None:
    """Readings of one quantity every ``step`` from START, through the ingestion store."""
    batch = [
        NewReading(asset_id, member.id, quantity, UNITS[quantity], START + i * step, value)
        for i, value in enumerate(values)
    ]
    with engine.begin() as conn:
        store_readings(conn, batch)


def plant_measurements(
    engine: Engine, member: MemberFixture, label: str, *, noise: bool = True
) -> dict[str, int]:
    """An air station, a sound level meter, two counters (both ways) and a water sensor."""
    ids = {
        "air": make_asset(engine, member, name=f"{label} air", domain="air"),
        "water": make_asset(engine, member, name=f"{label} eau", domain="water"),
        "north": make_asset(
            engine, member, name=f"{label} compteur — nord", domain="traffic",
            kind="counter", tags=["direction=N", "mobility_type=CAR,TRUCK"],
        ),
        "south": make_asset(
            engine, member, name=f"{label} compteur — sud", domain="traffic",
            kind="counter", tags=["direction=S"],
        ),
    }  # fmt: skip
    store_series(engine, member, ids["air"], "no2", [20, 30, 40, 50] * 12)
    store_series(engine, member, ids["air"], "pm10", [10, 12] * 24)
    store_series(engine, member, ids["water"], "water_level", [1.2, 1.25, 1.3] * 16)
    store_series(engine, member, ids["north"], "vehicle_count", [30, 0, 12] * 16)
    store_series(engine, member, ids["south"], "vehicle_count", [7, 9] * 24)
    if noise:
        ids["noise"] = make_asset(engine, member, name=f"{label} bruit", domain="noise")
        store_series(engine, member, ids["noise"], "laeq", [50, 60, 70] * 16)
    return ids


def create_dataset(client: TestClient, member: MemberFixture, kind: str, **extra: str) -> int:
    """A dataset of ``member`` created through the API (unpublished)."""
    response = client.post(
        "/api/v1/opendata/datasets", headers=member.bearer(), json={"kind": kind, **extra}
    )
    assert response.status_code == 201, response.text
    dataset_id: int = response.json()["id"]
    return dataset_id


def publish(client: TestClient, member: MemberFixture, dataset_id: int) -> None:
    response = client.post(
        f"/api/v1/opendata/datasets/{dataset_id}/publish", headers=member.bearer()
    )
    assert response.status_code == 200, response.text


def plant_datasets(client: TestClient, member: MemberFixture, marker: str) -> int:
    """An unpublished equipment dataset of ``member`` whose title carries ``marker``."""
    return create_dataset(
        client, member, "equipment", title=f"{marker} inventaire", description=marker
    )


def opendata_params(client: TestClient) -> dict[str, object]:
    """The id of the latest dataset and a file name, for the isolation walk's paths."""
    with engine_of(client).connect() as conn:
        latest = conn.execute(select(func.coalesce(func.max(datasets.c.id), 0))).scalar_one()
    return {"dataset_id": latest, "file_name": "equipment.csv"}
