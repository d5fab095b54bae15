"""Every file of every dataset kind, in every format, validates against its schema."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from convergence.opendata.kinds import DatasetKind
from convergence.opendata.specs import KIND_SPECS
from tests.opendata.formats import as_csv, csv_rows, frictionless_errors, parquet_rows
from tests.opendata.planting import create_dataset, engine_of, plant_measurements, publish
from tests.support import Territory

MEASURED = [
    DatasetKind.equipment,
    "air_daily",
    "noise_daily",
    "traffic_counts",
    "water_levels",
]


@pytest.mark.parametrize("kind", MEASURED)
def test_every_file_of_a_published_dataset_validates_in_every_format(
    client: TestClient, territory: Territory, kind: str
) -> None:
    plant_measurements(engine_of(client), territory.boulogne, "Boulogne")
    dataset_id = create_dataset(client, territory.boulogne, kind)
    publish(client, territory.boulogne, dataset_id)
    for spec in KIND_SPECS[kind].resources:
        for file_format in spec.formats:
            url = f"/api/public/v1/datasets/{dataset_id}/files/{spec.name}.{file_format}"
            response = client.get(url)
            assert response.status_code == 200, (url, response.text)
            content = as_csv(spec.schema, file_format, response.content)
            assert frictionless_errors(spec.schema, content) == [], url
            assert len(csv_rows(content)) > 0, url


def test_daily_noise_levels_are_energetic_means(client: TestClient, territory: Territory) -> None:
    plant_measurements(engine_of(client), territory.boulogne, "Boulogne")
    dataset_id = create_dataset(client, territory.boulogne, "noise_daily")
    publish(client, territory.boulogne, dataset_id)
    response = client.get(f"/api/public/v1/datasets/{dataset_id}/files/noise_daily.parquet")
    rows = parquet_rows(response.content)
    assert {row["quantity"] for row in rows} == {"laeq"}
    total = sum(row["count"] for row in rows)
    assert total == 48
    # 50, 60 and 70 dB in equal parts average to 65.7 dB energetically, not 60.
    loudest_day = max(rows, key=lambda row: row["count"])
    assert loudest_day["max"] == 70
    assert loudest_day["mean"] > 63


def test_traffic_counts_follow_the_national_shape(client: TestClient, territory: Territory) -> None:
    ids = plant_measurements(engine_of(client), territory.boulogne, "Boulogne")
    dataset_id = create_dataset(client, territory.boulogne, "traffic_counts")
    publish(client, territory.boulogne, dataset_id)
    base = f"/api/public/v1/datasets/{dataset_id}/files"
    (site,) = csv_rows(client.get(f"{base}/site.csv").content)
    channels = {
        row["channel_id"]: row for row in csv_rows(client.get(f"{base}/channel.csv").content)
    }
    measures = csv_rows(client.get(f"{base}/measure.csv").content)
    assert site["site_name"] == "Boulogne compteur"
    assert site["fr_insee_code"] == "92012"
    north = channels[f"219200128-C{ids['north']}"]
    assert (north["direction"], north["mobility_type"], north["site_id"]) == (
        "N", "CAR,TRUCK", site["site_id"],
    )  # fmt: skip
    assert channels[f"219200128-C{ids['south']}"]["mobility_type"] == "UNDEFINED"
    north_hours = [m for m in measures if m["channel_id"] == north["channel_id"]]
    assert sum(int(m["count"]) for m in north_hours) == (30 + 0 + 12) * 16
    assert all(m["start_datetime"].endswith(":00:00Z") for m in north_hours)
    disposition = client.get(f"{base}/measure.csv").headers["content-disposition"]
    assert "comptagemobilites_measure_boulogne-billancourt.csv" in disposition


def test_geojson_places_each_row_at_its_equipment(client: TestClient, territory: Territory) -> None:
    plant_measurements(engine_of(client), territory.boulogne, "Boulogne")
    dataset_id = create_dataset(client, territory.boulogne, "equipment")
    publish(client, territory.boulogne, dataset_id)
    response = client.get(f"/api/public/v1/datasets/{dataset_id}/files/equipment.geojson")
    assert response.headers["content-type"].startswith("application/geo+json")
    features = json.loads(response.content)["features"]
    assert len(features) == 5
    assert {tuple(f["geometry"]["coordinates"]) for f in features} == {(2.2399, 48.8353)}
    assert "serial" not in features[0]["properties"]


def test_a_file_can_cover_a_chosen_period(client: TestClient, territory: Territory) -> None:
    plant_measurements(engine_of(client), territory.boulogne, "Boulogne")
    dataset_id = create_dataset(client, territory.boulogne, "air_daily")
    publish(client, territory.boulogne, dataset_id)
    url = f"/api/public/v1/datasets/{dataset_id}/files/air_daily.csv"
    empty = client.get(url, params={"from": "2020-01-01", "to": "2020-01-31"})
    assert empty.status_code == 200
    assert csv_rows(empty.content) == []
    too_long = client.get(url, params={"from": "2000-01-01", "to": "2020-01-31"})
    assert too_long.status_code == 422
    reversed_period = client.get(url, params={"from": "2020-02-01", "to": "2020-01-01"})
    assert reversed_period.status_code == 422
    assert client.get(f"/api/public/v1/datasets/{dataset_id}/files/nothing.csv").status_code == 404
    assert (
        client.get(f"/api/public/v1/datasets/{dataset_id}/files/air_daily.xls").status_code == 404
    )
