"""Unpublished data never leaves: every public route, walked, shows nothing of it.

Versailles' equipment, readings and unpublished datasets carry a marker; it publishes one
dataset (noise) made of unmarked equipment. Boulogne publishes too. No answer of any public route,
for any dataset id and any file name, may contain the marker, and an unpublished dataset
is answered exactly like a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import fastapi.routing
from fastapi.testclient import TestClient

from convergence.opendata.config import OpenDataConfig
from convergence.opendata.gate import PublicGate
from convergence.opendata.specs import KIND_SPECS
from convergence.opendata.tableschemas import schema_names
from convergence.web.deps import runtime_of
from tests.opendata.planting import (
    create_dataset,
    engine_of,
    make_asset,
    plant_measurements,
    publish,
    store_series,
)
from tests.support import Territory

MARKER = "secret-versailles"
MISSING_ID = 999_999
FILE_NAMES = sorted(
    {f"{s.name}.{f}" for spec in KIND_SPECS.values() for s in spec.resources for f in s.formats}
)


def public_routes(client: TestClient) -> list[str]:
    """Paths of the public routes (FastAPI ≥ 0.160 nests included routers: walk them all)."""
    walk = getattr(fastapi.routing, "iter_route_contexts", None)
    routes: Iterable[Any] = walk(client.app.routes) if walk else client.app.routes  # type: ignore[attr-defined]
    paths = {route.path for route in routes if getattr(route, "methods", None)}
    return sorted(p for p in paths if p.startswith(("/api/public", "/opendata")))


def plant(client: TestClient, territory: Territory) -> tuple[list[int], int]:
    """Versailles' marked data and datasets; returns the unpublished ids and the published one."""
    engine = engine_of(client)
    plant_measurements(engine, territory.versailles, MARKER, noise=False)
    plant_measurements(engine, territory.boulogne, "Boulogne")
    quiet = make_asset(engine, territory.versailles, name="Sonomètre du marché", domain="noise")
    store_series(engine, territory.versailles, quiet, "laeq", [55, 58])
    hidden = [
        create_dataset(client, territory.versailles, kind, title=f"{MARKER} {kind}")
        for kind in KIND_SPECS
        if kind != "noise_daily"
    ]
    shown = create_dataset(client, territory.versailles, "noise_daily")
    publish(client, territory.versailles, shown)
    for kind in ("equipment", "air_daily"):
        publish(client, territory.boulogne, create_dataset(client, territory.boulogne, kind))
    return hidden, shown


def calls(path: str, dataset_ids: list[int]) -> Iterator[str]:
    """Every URL of a route template, over every dataset id and file name."""
    if "{file_name}" in path and "/schemas/" in path:
        yield from (path.format(file_name=f"{name}.json") for name in schema_names())
    elif "{file_name}" in path:
        for dataset_id in dataset_ids:
            yield from (path.format(dataset_id=dataset_id, file_name=n) for n in FILE_NAMES)
    elif "{dataset_id}" in path:
        yield from (path.format(dataset_id=dataset_id) for dataset_id in dataset_ids)
    else:
        yield path


def test_no_public_route_shows_unpublished_data(client: TestClient, territory: Territory) -> None:
    runtime_of(client.app).public_gate = PublicGate.from_config(
        OpenDataConfig(public_rate_per_minute=1_000_000)
    )
    hidden, shown = plant(client, territory)
    published = [item["id"] for item in client.get("/api/public/v1/datasets").json()["items"]]
    assert shown in published
    assert not set(hidden) & set(published)
    leaks, served = [], 0
    for path in public_routes(client):
        for url in calls(path, [*hidden, *published, MISSING_ID]):
            response = client.get(url)
            served += response.status_code == 200
            if MARKER.encode() in response.content:
                leaks.append(url)
    assert leaks == []
    assert served > len(published)


def test_an_unpublished_dataset_is_answered_like_a_missing_one(
    client: TestClient, territory: Territory
) -> None:
    hidden, _ = plant(client, territory)
    for dataset_id in hidden:
        for suffix in ("", "/files/equipment.csv", "/files/measure.csv"):
            answer = client.get(f"/api/public/v1/datasets/{dataset_id}{suffix}")
            missing = client.get(f"/api/public/v1/datasets/{MISSING_ID}{suffix}")
            assert answer.status_code == missing.status_code == 404
            assert answer.text.replace(str(dataset_id), "N") == missing.text.replace(
                str(MISSING_ID), "N"
            )


def test_every_public_route_is_walked(client: TestClient) -> None:
    assert public_routes(client) == [
        "/api/public/v1/datasets",
        "/api/public/v1/datasets/{dataset_id}",
        "/api/public/v1/datasets/{dataset_id}/files/{file_name}",
        "/api/public/v1/schemas/{file_name}",
        "/opendata/catalog.jsonld",
    ]
