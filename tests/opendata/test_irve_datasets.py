"""IRVE datasets: the official files of convergence.charging, in every format, validated."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from convergence.opendata.specs import KIND_SPECS
from tests.charging.station_details import CONNECTORS, STATION
from tests.opendata.formats import as_csv, csv_rows, frictionless_errors
from tests.opendata.planting import create_dataset, publish
from tests.support import VERSAILLES_TOWN_HALL, MemberFixture, Territory


def charge_point(client: TestClient, member: MemberFixture, station: dict[str, Any]) -> None:
    """A charge point of ``member`` in the field, with its IRVE station details."""
    asset = client.post(
        "/api/v1/assets",
        headers=member.bearer(),
        json={
            "name": "Borne de la mairie",
            "kind": "charge_point",
            "domain": "charging",
            "status": "active",
            "ocpp_id": "CP-OPENDATA",
            "lon": VERSAILLES_TOWN_HALL[0],
            "lat": VERSAILLES_TOWN_HALL[1],
        },
    ).json()
    response = client.put(
        f"/api/v1/charging/charge-points/{asset['id']}/station",
        headers=member.bearer(),
        json={"station": station, "connectors": CONNECTORS},
    )
    assert response.status_code == 200, response.text


def test_irve_files_validate_against_the_official_schemas_in_every_format(
    client: TestClient, territory: Territory
) -> None:
    charge_point(client, territory.versailles, STATION)
    for kind in ("irve_static", "irve_dynamic"):
        dataset_id = create_dataset(client, territory.versailles, kind)
        publish(client, territory.versailles, dataset_id)
        (spec,) = KIND_SPECS[kind].resources
        for file_format in spec.formats:
            url = f"/api/public/v1/datasets/{dataset_id}/files/{spec.name}.{file_format}"
            response = client.get(url)
            assert response.status_code == 200, (url, response.text)
            content = as_csv(spec.schema, file_format, response.content)
            assert frictionless_errors(spec.schema, content) == [], url
            assert len(csv_rows(content)) == 2, url


def test_the_static_geojson_places_the_points_of_charge(
    client: TestClient, territory: Territory
) -> None:
    charge_point(client, territory.versailles, STATION)
    dataset_id = create_dataset(client, territory.versailles, "irve_static")
    publish(client, territory.versailles, dataset_id)
    response = client.get(f"/api/public/v1/datasets/{dataset_id}/files/irve_static.geojson")
    features = json.loads(response.content)["features"]
    assert [f["geometry"]["coordinates"] for f in features] == [[2.1301, 48.8049]] * 2
    assert features[0]["properties"]["id_pdc_itinerance"] == "FRY78E786460011"
    assert features[0]["properties"]["puissance_nominale"] == 22
    disposition = client.get(f"/api/public/v1/datasets/{dataset_id}/files/irve_static.csv").headers[
        "content-disposition"
    ]
    assert "irve_statique_versailles.csv" in disposition


def test_an_incomplete_station_is_not_published(client: TestClient, territory: Territory) -> None:
    lacking = {k: v for k, v in STATION.items() if k not in ("address", "opening_hours")}
    charge_point(client, territory.versailles, lacking)
    dataset_id = create_dataset(client, territory.versailles, "irve_static")
    response = client.post(
        f"/api/v1/opendata/datasets/{dataset_id}/publish", headers=territory.versailles.bearer()
    )
    assert response.status_code == 422
    reasons = " ".join(response.json()["error"]["details"]["messages_en"])
    assert "adresse_station" in reasons
    assert "horaires" in reasons


def test_the_live_file_covers_no_period_and_keeps_its_national_name(
    client: TestClient, territory: Territory
) -> None:
    charge_point(client, territory.versailles, STATION)
    headers = territory.versailles.bearer()
    (asset,) = client.get("/api/v1/assets?domain=charging", headers=headers).json()["items"]
    response = client.patch(
        f"/api/v1/assets/{asset['id']}", headers=headers, json={"installed_on": "2025-03-01"}
    )
    assert response.status_code == 200, response.text
    ids = {}
    for kind in ("irve_static", "irve_dynamic"):
        ids[kind] = create_dataset(client, territory.versailles, kind)
        publish(client, territory.versailles, ids[kind])
    starts = {
        kind: client.get(f"/api/public/v1/datasets/{dataset_id}").json()["temporal_start"]
        for kind, dataset_id in ids.items()
    }
    assert starts == {"irve_static": "2025-03-01", "irve_dynamic": None}
    url = f"/api/public/v1/datasets/{ids['irve_dynamic']}/files/irve_dynamic.csv"
    assert "irve_dynamique_versailles.csv" in client.get(url).headers["content-disposition"]
