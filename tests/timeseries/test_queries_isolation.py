"""Every series route, called by Boulogne in every format, shows nothing of Versailles' data.

Versailles' asset names carry a marker and its readings a value nobody else has; the walk
covers every route of the series router, so a new one is checked without being listed.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from convergence.timeseries.query_schemas import SeriesFilter
from convergence.timeseries.series_queries import find_series
from tests.support import Territory
from tests.timeseries.queries_support import make_asset, regular, store
from tests.web.session import log_in

MARKER = "secret-versailles"
MARKER_VALUE = 4242.4242
T0 = datetime(2026, 1, 4, 23, tzinfo=UTC)


@pytest.fixture
def versailles_series(engine: Engine, territory: Territory) -> int:
    """A Versailles NO2 sensor with two days of readings, one of them the marker value."""
    member = territory.versailles.id
    asset = make_asset(
        engine, member_id=member, name=f"{MARKER} air", domain="air", where="versailles"
    )
    values = [20.0] * 287 + [MARKER_VALUE]
    store(
        engine,
        asset_id=asset,
        member_id=member,
        quantity="no2",
        points=regular(T0, timedelta(minutes=10), values),
    )
    with engine.connect() as conn:
        (found,) = find_series(
            conn, scope=command_line_scope(), selection=SeriesFilter(asset_id=asset)
        )
    return found.id


def _series_paths(client: TestClient) -> list[str]:
    """Paths of the series router, read from the OpenAPI document (routes are nested)."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return [
        path
        for path, operations in paths.items()
        if any("series" in operation.get("tags", []) for operation in operations.values())
    ]


def _leaks(response_content: bytes, export_format: str) -> bool:
    if export_format == "parquet" and response_content.startswith(b"PAR1"):
        text = str(pq.read_table(io.BytesIO(response_content)).to_pylist())
    else:
        text = response_content.decode()
    return MARKER in text or str(MARKER_VALUE) in text


def _walk(client: TestClient, series_id: int, headers: dict[str, str]) -> list[str]:
    problems = []
    query_sets = [
        {},
        {"commune": "78646"},
        {"quantity": "no2", "combine": "true"},
        {"resolution": "raw"},
        {"resolution": "daily", "agg": "max"},
    ]
    window = {"from": T0.isoformat(), "to": (T0 + timedelta(days=2)).isoformat()}
    for path in _series_paths(client):
        url = path.format(series_id=series_id)
        for extra in query_sets:
            for export_format in ("json", "csv", "parquet"):
                params = window | extra | {"format": export_format}
                response = client.get(url, params=params, headers=headers)
                if response.status_code < 500 and _leaks(response.content, export_format):
                    problems.append(f"{url} {params} leaked Versailles data")
                if response.status_code >= 500:
                    problems.append(f"{url} {params} failed ({response.status_code})")
    return problems


def test_the_walk_covers_the_four_routes(client: TestClient) -> None:
    assert len(_series_paths(client)) == 4


@pytest.mark.parametrize("scope", ["read", "admin", "ingest"])
def test_boulogne_tokens_see_nothing(
    client: TestClient, territory: Territory, versailles_series: int, scope: str
) -> None:
    assert _walk(client, versailles_series, territory.boulogne.bearer(scope)) == []


@pytest.mark.parametrize("role", [Role.member_admin, Role.elected])
def test_boulogne_users_see_nothing(
    client: TestClient, territory: Territory, versailles_series: int, role: Role
) -> None:
    log_in(client, territory.boulogne.user(role))
    assert _walk(client, versailles_series, {}) == []


def test_the_planted_data_is_there_for_versailles(
    client: TestClient, territory: Territory, versailles_series: int
) -> None:
    response = client.get("/api/v1/latest", headers=territory.versailles.bearer("read"))
    assert MARKER in response.text
    assert str(MARKER_VALUE) in response.text


def test_the_epci_gets_rollups_but_neither_names_nor_raw_rows(
    client: TestClient, territory: Territory, versailles_series: int
) -> None:
    headers = territory.epci.bearer("read")
    window = {"from": T0.isoformat(), "to": (T0 + timedelta(days=2)).isoformat()}
    daily = client.get(
        f"/api/v1/series/{versailles_series}/values",
        params=window | {"resolution": "daily", "agg": "max"},
        headers=headers,
    )
    assert daily.status_code == 200
    assert MARKER_VALUE in [p["value"] for p in daily.json()["points"]]
    raw = client.get(
        f"/api/v1/series/{versailles_series}/values",
        params=window | {"resolution": "raw"},
        headers=headers,
    )
    assert raw.status_code == 404
    latest = client.get("/api/v1/latest", headers=headers)
    assert latest.json()["items"] == []
    listed = client.get("/api/v1/series", headers=headers)
    assert MARKER not in listed.text
