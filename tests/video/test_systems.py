"""Systems and their prefectoral authorisations; cameras checked against the perimeter."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi.testclient import TestClient

from convergence.video.queries import five_years_after, renewal_due_on
from tests.support import Territory
from tests.video.planting import OUTSIDE, create_camera, create_system


def test_an_authorisation_lasts_five_years_and_is_renewed_six_months_before() -> None:
    assert five_years_after(date(2024, 3, 15)) == date(2029, 3, 15)
    assert five_years_after(date(2024, 2, 29)) == date(2029, 2, 28)
    assert renewal_due_on(date(2029, 3, 15)) == date(2028, 9, 15)
    assert renewal_due_on(date(2029, 8, 31)) == date(2029, 2, 28)
    assert renewal_due_on(date(2029, 1, 10)) == date(2028, 7, 10)


def test_a_system_is_declared_with_its_authorisation(
    client: TestClient, territory: Territory
) -> None:
    system_id = create_system(client, territory.versailles, "V")
    system = client.get(
        f"/api/v1/video/systems/{system_id}", headers=territory.versailles.bearer("read")
    ).json()
    assert system["expires_on"] == "2029-03-15"
    assert system["renewal_due_on"] == "2028-09-15"
    assert system["renewal_due"] is False
    assert system["expired"] is False
    assert system["purposes"] == ["public_buildings", "crime_prevention"]
    assert system["signage"][0]["place"] == "V parvis de l'hôtel de ville"


def test_a_system_near_its_expiry_is_due_for_renewal(
    client: TestClient, territory: Territory
) -> None:
    today = datetime.now(UTC).date()
    soon = date(today.year + (today.month + 2 - 1) // 12, (today.month + 2 - 1) % 12 + 1, 1)
    system_id = create_system(
        client, territory.versailles, "R", authorised_on="2021-01-01", expires_on=soon.isoformat()
    )
    system = client.get(
        f"/api/v1/video/systems/{system_id}", headers=territory.versailles.bearer()
    ).json()
    assert system["renewal_due"] is True


def test_retention_beyond_thirty_days_and_unknown_purposes_are_refused(
    client: TestClient, territory: Territory
) -> None:
    headers = territory.versailles.bearer()
    base = {
        "name": "x",
        "authorisation_number": "n",
        "authorised_on": "2024-01-01",
        "controller": "maire",
    }
    too_long = client.post(
        "/api/v1/video/systems",
        headers=headers,
        json=base | {"purposes": ["crime_prevention"], "retention_days": 31},
    )
    assert too_long.status_code == 422
    assert "retention_days" in too_long.text
    unknown = client.post(
        "/api/v1/video/systems",
        headers=headers,
        json=base | {"purposes": ["face_recognition"], "retention_days": 10},
    )
    assert unknown.status_code == 422


def test_an_open_perimeter_is_refused_with_a_reason(
    client: TestClient, territory: Territory
) -> None:
    response = client.post(
        "/api/v1/video/systems",
        headers=territory.versailles.bearer(),
        json={
            "name": "x",
            "authorisation_number": "n",
            "authorised_on": "2024-01-01",
            "purposes": ["crime_prevention"],
            "retention_days": 10,
            "controller": "maire",
            "perimeter": {"type": "Point", "coordinates": [2.1, 48.8]},
        },
    )
    assert response.status_code == 422
    assert "polygone" in response.json()["error"]["message"]


def test_cameras_outside_the_perimeter_or_in_no_system_are_flagged(
    client: TestClient, territory: Territory
) -> None:
    versailles = territory.versailles
    system_id = create_system(client, versailles, "V")
    inside = create_camera(client, versailles, "parvis", system_id=system_id)
    outside = create_camera(client, versailles, "gare", OUTSIDE, system_id=system_id)
    loose = create_camera(client, versailles, "marché")
    cameras = client.get("/api/v1/video/cameras", headers=versailles.bearer()).json()["items"]
    flags = {c["asset_id"]: c["flags"] for c in cameras}
    assert flags == {inside: [], outside: ["outside_perimeter"], loose: ["no_system"]}
    flagged = client.get(
        "/api/v1/video/cameras", headers=versailles.bearer(), params={"flagged": True}
    ).json()["items"]
    assert sorted(c["asset_id"] for c in flagged) == sorted([outside, loose])


def test_a_camera_cannot_join_another_members_system(
    client: TestClient, territory: Territory
) -> None:
    system_id = create_system(client, territory.versailles, "V")
    camera = create_camera(client, territory.boulogne, "pont de Sèvres", (2.2399, 48.8353))
    response = client.put(
        f"/api/v1/video/cameras/{camera}",
        headers=territory.boulogne.bearer(),
        json={"system_id": system_id},
    )
    assert response.status_code == 404
