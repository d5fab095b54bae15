"""Equipment through the HTTP API: placement, isolation between members, clear refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL, Territory


def _sensor(lon: float, lat: float, **extra: object) -> dict[str, object]:
    return {
        "name": "Capteur air mairie",
        "kind": "sensor",
        "domain": "air",
        "lon": lon,
        "lat": lat,
        **extra,
    }


def test_an_asset_at_versailles_town_hall_gets_its_insee_code(
    client: TestClient, territory: Territory
) -> None:
    response = client.post(
        "/api/v1/assets", json=_sensor(*VERSAILLES_TOWN_HALL), headers=territory.versailles.bearer()
    )
    assert response.status_code == 201, response.text
    assert response.json()["commune_insee"] == "78646"
    assert response.json()["member_id"] == territory.versailles.id


def test_another_commune_gets_404_for_that_asset(client: TestClient, territory: Territory) -> None:
    created = client.post(
        "/api/v1/assets", json=_sensor(*VERSAILLES_TOWN_HALL), headers=territory.versailles.bearer()
    ).json()
    for path in (f"/api/v1/assets/{created['id']}",):
        response = client.get(path, headers=territory.boulogne.bearer())
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    listing = client.get("/api/v1/assets", headers=territory.boulogne.bearer()).json()["items"]
    assert listing == []
    patch = client.patch(
        f"/api/v1/assets/{created['id']}", json={"name": "x"}, headers=territory.boulogne.bearer()
    )
    assert patch.status_code == 404
    delete = client.delete(f"/api/v1/assets/{created['id']}", headers=territory.boulogne.bearer())
    assert delete.status_code == 404


def test_placing_equipment_outside_ones_territory_is_refused_with_a_reason(
    client: TestClient, territory: Territory
) -> None:
    response = client.post(
        "/api/v1/assets", json=_sensor(*VERSAILLES_TOWN_HALL), headers=territory.boulogne.bearer()
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "outside_territory"
    assert "Versailles (78646)" in error["message"]


def test_a_point_outside_the_two_departements_is_refused(
    client: TestClient, territory: Territory
) -> None:
    paris = (2.3522, 48.8566)
    response = client.post(
        "/api/v1/assets", json=_sensor(*paris), headers=territory.versailles.bearer()
    )
    assert response.status_code == 422
    assert "outside Yvelines (78) and Hauts-de-Seine (92)" in response.json()["error"]["message"]


def test_swapped_coordinates_are_explained(client: TestClient, territory: Territory) -> None:
    response = client.post(
        "/api/v1/assets", json=_sensor(48.8049, 2.1301 + 100), headers=territory.versailles.bearer()
    )
    assert response.status_code == 422
    assert "latitude" in response.json()["error"]["message"]


def test_a_dev_eui_is_registered_once_across_members(
    client: TestClient, territory: Territory
) -> None:
    body = _sensor(*VERSAILLES_TOWN_HALL, dev_eui="70-b3-d5-7e-d0-00-12-34")
    first = client.post("/api/v1/assets", json=body, headers=territory.versailles.bearer())
    assert first.json()["dev_eui"] == "70B3D57ED0001234"
    again = client.post(
        "/api/v1/assets",
        json=_sensor(*BOULOGNE_TOWN_HALL, dev_eui="70B3D57ED0001234"),
        headers=territory.boulogne.bearer(),
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_lists_filter_by_commune_kind_and_status(client: TestClient, territory: Territory) -> None:
    headers = territory.operator.bearer()
    for kind, status in (("sensor", "active"), ("counter", "active"), ("sensor", "faulty")):
        client.post(
            "/api/v1/assets",
            headers=headers,
            json=_sensor(
                *VERSAILLES_TOWN_HALL, kind=kind, status=status, member_id=territory.versailles.id
            ),
        )
    client.post(
        "/api/v1/assets",
        headers=headers,
        json=_sensor(*BOULOGNE_TOWN_HALL, member_id=territory.boulogne.id),
    )

    def total(query: str) -> int:
        return len(client.get(f"/api/v1/assets?{query}", headers=headers).json()["items"])

    assert total("commune=78646") == 3
    assert total("commune=78646&kind=sensor") == 2
    assert total("status=faulty") == 1
    assert total("commune=92012") == 1
    first = client.get("/api/v1/assets?limit=3", headers=headers).json()
    assert (len(first["items"]), first["limit"]) == (3, 3)
    rest = client.get(
        "/api/v1/assets", params={"limit": 3, "cursor": first["next_cursor"]}, headers=headers
    ).json()
    assert (len(rest["items"]), rest["next_cursor"]) == (1, None)


def test_an_epci_reads_aggregates_but_not_the_rows_of_its_communes(
    client: TestClient, territory: Territory
) -> None:
    created = client.post(
        "/api/v1/assets", json=_sensor(*VERSAILLES_TOWN_HALL), headers=territory.versailles.bearer()
    ).json()
    response = client.get(f"/api/v1/assets/{created['id']}", headers=territory.epci.bearer())
    assert response.status_code == 404
    client.patch(
        f"/api/v1/members/{territory.versailles.id}",
        json={"share_level": "full"},
        headers=territory.versailles.bearer(),
    )
    response = client.get(f"/api/v1/assets/{created['id']}", headers=territory.epci.bearer("read"))
    assert response.status_code == 200


def test_errors_are_json_with_a_stable_code(client: TestClient, territory: Territory) -> None:
    response = client.post(
        "/api/v1/assets", json={"kind": "toaster"}, headers=territory.versailles.bearer()
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert "name" in error["message"]
    assert "kind" in error["message"]


def test_no_token_no_access(client: TestClient, territory: Territory) -> None:
    response = client.get("/api/v1/assets")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    revoked = client.get("/api/v1/assets", headers={"Authorization": "Bearer cvg_nope"})
    assert revoked.status_code == 401


def test_healthz_answers_200(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
