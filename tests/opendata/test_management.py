"""Members choose what they publish: administrators only, validated first, audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from convergence.members.roles import Role
from convergence.members.tables import audit_log
from tests.opendata.formats import csv_rows
from tests.opendata.planting import (
    create_dataset,
    engine_of,
    make_asset,
    plant_measurements,
    store_series,
)
from tests.support import Territory
from tests.web.session import log_in

BASE = "/api/v1/opendata/datasets"


def test_a_new_dataset_is_unpublished_under_the_licence_ouverte(
    client: TestClient, territory: Territory
) -> None:
    dataset_id = create_dataset(client, territory.versailles, "air_daily")
    dataset = client.get(f"{BASE}/{dataset_id}", headers=territory.versailles.bearer("read"))
    body = dataset.json()
    assert (body["published"], body["licence"], body["member_id"]) == (
        False, "etalab-2.0", territory.versailles.id,
    )  # fmt: skip
    assert body["title"] == "Qualité de l'air : mesures journalières — Versailles"
    again = client.post(BASE, headers=territory.versailles.bearer(), json={"kind": "air_daily"})
    assert again.status_code == 409


def test_only_administrators_create_and_publish(client: TestClient, territory: Territory) -> None:
    refused = client.post(
        BASE, headers=territory.versailles.bearer("read"), json={"kind": "equipment"}
    )
    assert refused.status_code == 403
    dataset_id = create_dataset(client, territory.versailles, "equipment")
    csrf = log_in(client, territory.versailles.user(Role.technician))
    response = client.post(f"{BASE}/{dataset_id}/publish", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 403
    client.cookies.clear()
    csrf = log_in(client, territory.versailles.user(Role.member_admin))
    response = client.post(f"{BASE}/{dataset_id}/publish", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200, response.text
    assert response.json()["dataset"]["published"] is True


def test_publishing_and_unpublishing_are_audited(client: TestClient, territory: Territory) -> None:
    headers = territory.versailles.bearer()
    dataset_id = create_dataset(client, territory.versailles, "equipment")
    client.patch(f"{BASE}/{dataset_id}", headers=headers, json={"description": "Nos capteurs"})
    client.post(f"{BASE}/{dataset_id}/publish", headers=headers)
    client.post(f"{BASE}/{dataset_id}/unpublish", headers=headers)
    with engine_of(client).connect() as conn:
        actions = conn.execute(
            select(audit_log.c.action, audit_log.c.member_id)
            .where(audit_log.c.target == f"dataset:{dataset_id}")
            .order_by(audit_log.c.id)
        ).all()
    assert [a for a, _ in actions] == [
        "opendata.dataset.create",
        "opendata.dataset.update",
        "opendata.dataset.publish",
        "opendata.dataset.unpublish",
    ]
    assert {m for _, m in actions} == {territory.versailles.id}


def test_a_dataset_that_does_not_validate_is_not_published_and_says_why(
    client: TestClient, territory: Territory
) -> None:
    engine = engine_of(client)
    plant_measurements(engine, territory.versailles, "Versailles")
    lost = make_asset(engine, territory.versailles, name="Compteur égaré", domain="traffic",
                      kind="counter", located=False)  # fmt: skip
    store_series(engine, territory.versailles, lost, "vehicle_count", [3, 4])
    dataset_id = create_dataset(client, territory.versailles, "traffic_counts")
    headers = territory.versailles.bearer()
    response = client.post(f"{BASE}/{dataset_id}/publish", headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "dataset_not_valid"
    assert any(
        "Compteur égaré" in m and "no position" in m for m in error["details"]["messages_en"]
    )
    assert client.get(f"{BASE}/{dataset_id}", headers=headers).json()["published"] is False
    assert client.get(f"/api/public/v1/datasets/{dataset_id}").status_code == 404
    report = client.get(f"{BASE}/{dataset_id}/validation", headers=headers).json()
    assert report["valid"] is False
    assert report["problems"]


def test_a_published_dataset_that_stops_validating_is_not_served(
    client: TestClient, territory: Territory
) -> None:
    engine = engine_of(client)
    plant_measurements(engine, territory.versailles, "Versailles")
    dataset_id = create_dataset(client, territory.versailles, "traffic_counts")
    assert (
        client.post(
            f"{BASE}/{dataset_id}/publish", headers=territory.versailles.bearer()
        ).status_code
        == 200
    )
    url = f"/api/public/v1/datasets/{dataset_id}/files/site.csv"
    assert client.get(url).status_code == 200
    odd = make_asset(engine, territory.versailles, name="Compteur mal étiqueté", domain="traffic",
                     kind="counter", tags=["direction=NORD"])  # fmt: skip
    store_series(engine, territory.versailles, odd, "vehicle_count", [1])
    refused = client.get(url)
    assert refused.status_code == 422
    assert "NORD" in " ".join(refused.json()["error"]["details"]["messages_fr"])


def test_members_preview_their_unpublished_files(client: TestClient, territory: Territory) -> None:
    plant_measurements(engine_of(client), territory.versailles, "Versailles")
    dataset_id = create_dataset(client, territory.versailles, "water_levels")
    preview = client.get(
        f"{BASE}/{dataset_id}/files/water_levels.csv", headers=territory.versailles.bearer("read")
    )
    assert preview.status_code == 200
    assert {row["quantity"] for row in csv_rows(preview.content)} == {"water_level"}
    assert (
        client.get(f"/api/public/v1/datasets/{dataset_id}/files/water_levels.csv").status_code
        == 404
    )


def test_irve_data_keeps_the_licence_ouverte(client: TestClient, territory: Territory) -> None:
    headers = territory.versailles.bearer()
    response = client.post(
        BASE, headers=headers, json={"kind": "irve_static", "licence": "odbl-1.0"}
    )
    assert response.status_code == 422
    dataset_id = create_dataset(client, territory.versailles, "equipment", licence="odbl-1.0")
    response = client.patch(f"{BASE}/{dataset_id}", headers=headers, json={"licence": "cc-by-4.0"})
    assert response.json()["licence"] == "cc-by-4.0"
