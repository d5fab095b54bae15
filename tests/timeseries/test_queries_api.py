"""The series API over HTTP: JSON, CSV and Parquet give the same numbers; bad ranges are refused."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.support import Territory
from tests.timeseries.queries_support import make_asset, regular, store

T0 = datetime(2026, 1, 4, 23, 0, tzinfo=UTC)  # local midnight of Monday 5 January
STEP = timedelta(minutes=10)


@pytest.fixture
def planted(engine: Engine, territory: Territory) -> dict[str, int]:
    member = territory.versailles.id
    noise = make_asset(
        engine, member_id=member, name="Sonomètre", domain="noise", where="versailles"
    )
    air = make_asset(engine, member_id=member, name="Air", domain="air", where="versailles")
    store(
        engine,
        asset_id=noise,
        member_id=member,
        quantity="laeq",
        points=regular(T0, STEP, [55.0 + i % 9 for i in range(432)]),
    )
    store(
        engine,
        asset_id=air,
        member_id=member,
        quantity="no2",
        points=regular(T0, STEP, [20.0 + i % 13 for i in range(432)]),
    )
    return {"noise": noise, "air": air}


def _series_ids(client: TestClient, territory: Territory) -> dict[str, int]:
    listed = client.get("/api/v1/series", headers=territory.versailles.bearer("read")).json()[
        "items"
    ]
    return {s["quantity"]: s["id"] for s in listed}


def test_a_series_in_json_csv_and_parquet(
    client: TestClient, territory: Territory, planted: dict[str, int]
) -> None:
    ids = _series_ids(client, territory)
    params = {
        "from": T0.isoformat(),
        "to": (T0 + timedelta(days=3)).isoformat(),
        "resolution": "hourly",
    }
    headers = territory.versailles.bearer("read")
    url = f"/api/v1/series/{ids['no2']}/values"
    body = client.get(url, params=params, headers=headers).json()
    assert body["resolution"] == "hourly"
    assert len(body["points"]) == 72
    values = [p["value"] for p in body["points"]]
    as_csv = client.get(url, params=params | {"format": "csv"}, headers=headers)
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [float(r["value"]) for r in rows] == values
    assert rows[0]["start"] == T0.isoformat()
    as_parquet = client.get(url, params=params | {"format": "parquet"}, headers=headers)
    table = pq.read_table(io.BytesIO(as_parquet.content))
    assert table.column("value").to_pylist() == values
    assert table.column("start").to_pylist()[0] == T0


def test_the_range_chooses_the_resolution(
    client: TestClient, territory: Territory, planted: dict[str, int]
) -> None:
    ids = _series_ids(client, territory)
    headers = territory.versailles.bearer("read")
    url = f"/api/v1/series/{ids['laeq']}/values"
    for days, expected in ((1, "raw"), (30, "hourly"), (365, "daily")):
        params = {"from": T0.isoformat(), "to": (T0 + timedelta(days=days)).isoformat()}
        assert client.get(url, params=params, headers=headers).json()["resolution"] == expected


def test_values_by_commune_merged_into_one_curve(
    client: TestClient, territory: Territory, planted: dict[str, int]
) -> None:
    params = {
        "commune": "78646",
        "quantity": "no2",
        "from": T0.isoformat(),
        "to": (T0 + timedelta(days=3)).isoformat(),
        "resolution": "daily",
        "agg": "count",
        "combine": "true",
    }
    body = client.get(
        "/api/v1/series/values", params=params, headers=territory.versailles.bearer("read")
    ).json()
    assert body["quantity"] == "no2"
    assert [p["value"] for p in body["points"]] == [144.0, 144.0, 144.0]


def test_latest_values_as_csv(
    client: TestClient, territory: Territory, planted: dict[str, int]
) -> None:
    response = client.get(
        "/api/v1/latest",
        params={"format": "csv", "commune": "78646"},
        headers=territory.versailles.bearer("read"),
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(r["quantity"] for r in rows) == ["laeq", "no2"]
    assert {r["name"] for r in rows} == {"Air", "Sonomètre"}


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"from": "2026-01-05T00:00:00"}, "time zone"),
        ({"from": "2026-01-06T00:00:00Z", "to": "2026-01-05T00:00:00Z"}, "after"),
        ({"agg": "sum", "resolution": "hourly"}, "décibels"),
        ({"resolution": "weekly"}, "resolution"),
    ],
)
def test_bad_requests_say_why(
    client: TestClient,
    territory: Territory,
    planted: dict[str, int],
    params: dict[str, str],
    reason: str,
) -> None:
    ids = _series_ids(client, territory)
    response = client.get(
        f"/api/v1/series/{ids['laeq']}/values",
        params=params,
        headers=territory.versailles.bearer("read"),
    )
    assert response.status_code == 422
    assert reason in response.json()["error"]["message"]
