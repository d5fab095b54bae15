"""The territory map: commune outlines, the member's equipment only, a text alternative."""

from __future__ import annotations

from fastapi.testclient import TestClient

from convergence.members.roles import Role
from convergence.settings import Settings
from tests.support import Territory
from tests.web.pages_support import MARKER, add_asset, audit, log_in_as


def test_the_map_page_loads_leaflet_from_the_installed_package(
    client: TestClient, territory: Territory
) -> None:
    log_in_as(client, territory.versailles, Role.elected)
    page = client.get("/carte")
    assert page.status_code == 200
    assert audit(page.text).resources == [
        "/static/css/convergence.css",
        "/vendor/leaflet/leaflet.css",
        "/vendor/leaflet/leaflet.js",
        "/static/js/maps.js",
    ]
    for asset in (
        "/vendor/leaflet/leaflet.js",
        "/vendor/leaflet/leaflet.css",
        "/static/js/maps.js",
    ):
        assert client.get(asset).status_code == 200, asset


def test_the_communes_layer_has_every_commune_with_what_a_click_shows(
    client: TestClient, territory: Territory
) -> None:
    log_in_as(client, territory.boulogne, Role.viewer)
    response = client.get("/carte/communes.geojson")
    assert response.headers["content-type"].startswith("application/geo+json")
    features = {f["id"]: f["properties"] for f in response.json()["features"]}
    assert len(features) == 295
    assert features["78646"]["name"] == "Versailles"
    assert features["78646"]["population"] > 80_000
    assert features["78646"]["epci_name"].startswith("CA Versailles Grand Parc")
    assert features["92012"]["departement_name"] == "Hauts-de-Seine"


def test_equipment_of_the_member_is_on_the_map_with_its_page_link(
    client: TestClient, territory: Territory
) -> None:
    asset = add_asset(
        client, territory.versailles, "Sonomètre gare", domain="noise", status="active"
    )
    log_in_as(client, territory.versailles, Role.viewer)
    layer = client.get("/carte/equipements.geojson").json()
    assert len(layer["features"]) == 1
    feature = layer["features"][0]
    assert feature["id"] == asset["id"]  # the script links to /inventaire/<id>
    assert feature["properties"] == {
        "name": "Sonomètre gare",
        "kind": "sensor",
        "domain": "noise",
        "status": "active",
    }
    assert feature["geometry"]["coordinates"] == [asset["lon"], asset["lat"]]
    labels = layer["labels"]
    assert (labels["domain"]["noise"], labels["status"]["active"]) == ("Bruit", "En service")
    assert labels["status_letter"]["active"] == "S"


def test_boulogne_never_sees_versailles_equipment_on_its_map(
    client: TestClient, territory: Territory
) -> None:
    add_asset(client, territory.versailles, f"{MARKER} capteur")
    add_asset(client, territory.boulogne, "Capteur Boulogne")
    log_in_as(client, territory.boulogne, Role.technician)
    layer = client.get("/carte/equipements.geojson")
    assert MARKER not in layer.text
    assert [f["properties"]["name"] for f in layer.json()["features"]] == ["Capteur Boulogne"]
    page = client.get("/carte").text
    assert MARKER not in page
    assert "Versailles</a>" not in page


def test_the_table_under_the_map_counts_equipment_per_commune_and_domain(
    client: TestClient, territory: Territory
) -> None:
    add_asset(client, territory.versailles, "Air 1")
    add_asset(client, territory.versailles, "Air 2")
    add_asset(client, territory.versailles, "Bruit 1", domain="noise")
    add_asset(client, territory.versailles, "Sans position", lon=None, lat=None)
    log_in_as(client, territory.versailles, Role.viewer)
    page = client.get("/carte").text
    assert "Équipements par commune et par domaine" in page
    row = page.split('href="/inventaire?commune=78646">Versailles</a></th>')[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split('<td class="number">')[1:]] == ["2", "1", "3"]
    assert "Sans position" in page
    assert "(4 au total)" in page


def test_a_configured_tile_server_is_passed_to_the_map(
    client: TestClient, territory: Territory, settings: Settings
) -> None:
    settings.tile_url = "https://tuiles.example.fr/{z}/{x}/{y}.png"  # the app holds this object
    log_in_as(client, territory.versailles, Role.viewer)
    assert 'data-tiles="https://tuiles.example.fr/{z}/{x}/{y}.png"' in client.get("/carte").text


def test_a_name_with_quotes_and_backslashes_reads_back_from_the_layer(
    client: TestClient, territory: Territory
) -> None:
    name = 'Capteur "gare" \\ quai\tnord'
    add_asset(client, territory.versailles, name)
    log_in_as(client, territory.versailles, Role.viewer)
    layer = client.get("/carte/equipements.geojson").json()
    assert [f["properties"]["name"] for f in layer["features"]] == [name]
