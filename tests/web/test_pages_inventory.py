"""The inventory pages: list, filters, equipment page, create and edit forms."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.support import VERSAILLES_TOWN_HALL, Territory
from tests.web.pages_support import MARKER, add_asset, add_initiative, log_in_as

READERS = [Role.member_admin, Role.technician, Role.elected, Role.viewer]


@pytest.mark.parametrize("role", READERS)
def test_every_role_reads_the_list_and_the_equipment_page(
    client: TestClient, territory: Territory, role: Role
) -> None:
    asset = add_asset(client, territory.versailles, "Capteur place d'Armes", serial="SN-1")
    log_in_as(client, territory.versailles, role)
    listing = client.get("/inventaire")
    assert listing.status_code == 200
    assert f'<a href="/inventaire/{asset["id"]}">Capteur place d&#39;Armes</a>' in listing.text
    page = client.get(f"/inventaire/{asset['id']}")
    assert page.status_code == 200
    assert "SN-1" in page.text
    assert 'id="mesures"' in page.text
    assert "Aucune mesure n'est encore disponible" in page.text
    can_write = role in (Role.member_admin, Role.technician)
    assert ("Modifier cet équipement" in page.text) is can_write
    assert ("Ajouter un équipement" in listing.text) is can_write


def test_a_boulogne_technician_gets_404_for_versailles_equipment(
    client: TestClient, territory: Territory
) -> None:
    asset = add_asset(client, territory.versailles, f"{MARKER} capteur")
    initiative = add_initiative(client, territory.versailles, f"{MARKER} projet")
    log_in_as(client, territory.boulogne, Role.technician)
    for path in (
        f"/inventaire/{asset['id']}",
        f"/inventaire/{asset['id']}/modifier",
        f"/projets/{initiative['id']}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert MARKER not in response.text
    assert MARKER not in client.get("/inventaire").text
    assert MARKER not in client.get(f"/inventaire?projet={initiative['id']}").text
    assert MARKER not in client.get("/inventaire/nouveau").text


def test_filters_search_and_pagination(client: TestClient, territory: Territory) -> None:
    for number in range(55):
        add_asset(client, territory.versailles, f"Lampadaire {number:02d}", domain="lighting")
    add_asset(client, territory.versailles, "Sonomètre", domain="noise", status="active")
    log_in_as(client, territory.versailles, Role.viewer)
    first = client.get("/inventaire?domaine=lighting").text
    assert "56 équipements" not in first
    assert "55 équipements correspondant aux filtres" in first
    assert "Page 1 sur 2" in first
    assert 'href="?domaine=lighting&amp;page=2"' in first
    second = client.get("/inventaire?domaine=lighting&page=2").text
    assert "Lampadaire 54" in second
    assert "Sonomètre" not in second
    found = client.get("/inventaire?q=sonom&statut=active&commune=78646").text
    assert "Sonomètre" in found
    assert "1 équipement correspondant" in found
    assert 'href="/api/v1/assets.csv?commune=78646&amp;status=active&amp;q=sonom"' in found


def test_the_csv_download_uses_the_same_filters(client: TestClient, territory: Territory) -> None:
    add_asset(client, territory.versailles, "Sonomètre", domain="noise")
    add_asset(client, territory.versailles, "Capteur air")
    log_in_as(client, territory.versailles, Role.viewer)
    csv = client.get("/api/v1/assets.csv?domain=noise").text
    assert "Sonomètre" in csv
    assert "Capteur air" not in csv


def test_a_technician_creates_equipment_with_a_decimal_comma(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.versailles, Role.technician)
    lon, lat = VERSAILLES_TOWN_HALL
    response = client.post(
        "/inventaire/nouveau",
        data={
            "csrf_token": csrf,
            "name": "Compteur avenue de Paris",
            "kind": "counter",
            "domain": "traffic",
            "status": "installed",
            "lon": str(lon).replace(".", ","),
            "lat": str(lat).replace(".", ","),
            "tags": "vélo, avenue",
            "cost_eur": "1 250,50",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"]).text
    assert "Compteur avenue de Paris" in page
    assert "Versailles (78646)" in page
    assert "vélo, avenue" in page
    assert "1\u202f250,50 €" in page


def test_form_errors_are_french_and_next_to_their_field(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.versailles, Role.technician)
    boulogne_lon, boulogne_lat = 2.2399, 48.8353
    response = client.post(
        "/inventaire/nouveau",
        data={
            "csrf_token": csrf,
            "name": "",
            "kind": "sensor",
            "dev_eui": "12XY",
            "lon": "abc",
            "lat": "48,8",
        },
    )
    assert response.status_code == 422
    page = response.text
    assert '<span class="field-error" id="f-name-error">Ce champ est obligatoire.</span>' in page
    assert 'id="f-dev_eui-error">Un DevEUI compte 16 chiffres hexadécimaux' in page
    assert 'id="f-lon-error">Saisissez un nombre' in page
    assert 'aria-describedby="f-name-hint f-name-error" aria-invalid="true"' in page
    assert 'value="12XY"' in page  # what was typed stays in the form
    outside = client.post(
        "/inventaire/nouveau",
        data={
            "csrf_token": csrf,
            "name": "Mauvaise commune",
            "kind": "sensor",
            "lon": str(boulogne_lon),
            "lat": str(boulogne_lat),
        },
    )
    assert outside.status_code == 422
    assert "hors du territoire de l&#39;adhérent" in outside.text
    assert 'id="f-lon-error"' in outside.text


def test_a_technician_edits_equipment(client: TestClient, territory: Territory) -> None:
    asset = add_asset(client, territory.versailles, "Capteur", tags=["ancien"])
    csrf = log_in_as(client, territory.versailles, Role.technician)
    form = client.get(f"/inventaire/{asset['id']}/modifier").text
    assert 'value="ancien"' in form
    response = client.post(
        f"/inventaire/{asset['id']}/modifier",
        data={
            "csrf_token": csrf,
            "name": "Capteur renommé",
            "status": "faulty",
            "lon": "",
            "lat": "",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    updated = client.get(f"/api/v1/assets/{asset['id']}", headers=territory.versailles.bearer())
    body = updated.json()
    assert (body["name"], body["status"], body["lon"], body["tags"]) == (
        "Capteur renommé",
        "faulty",
        None,
        [],
    )


def test_forms_without_their_csrf_token_are_refused(
    client: TestClient, territory: Territory
) -> None:
    asset = add_asset(client, territory.versailles, "Capteur")
    log_in_as(client, territory.versailles, Role.technician)
    for path, data in (
        ("/inventaire/nouveau", {"name": "x", "kind": "sensor"}),
        (f"/inventaire/{asset['id']}/modifier", {"name": "x", "status": "active"}),
        ("/projets/nouveau", {"name": "x", "domain": "air"}),
    ):
        missing = client.post(path, data=data)
        forged = client.post(path, data=data | {"csrf_token": "forged"})
        for response in (missing, forged):
            assert response.status_code == 403, path
            assert "jeton CSRF manquant ou invalide" in response.text
    listed = client.get("/api/v1/assets", headers=territory.versailles.bearer()).json()["items"]
    assert [a["name"] for a in listed] == ["Capteur"]


@pytest.mark.parametrize("role", [Role.elected, Role.viewer])
def test_readers_may_not_open_or_submit_the_forms(
    client: TestClient, territory: Territory, role: Role
) -> None:
    asset = add_asset(client, territory.versailles, "Capteur")
    csrf = log_in_as(client, territory.versailles, role)
    for path in (
        "/inventaire/nouveau",
        f"/inventaire/{asset['id']}/modifier",
        "/inventaire/import",
    ):
        assert client.get(path).status_code == 403, path
    response = client.post(
        "/inventaire/nouveau", data={"csrf_token": csrf, "name": "x", "kind": "sensor"}
    )
    assert response.status_code == 403
