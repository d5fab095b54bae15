"""The projects pages: list with filters, creation form, a project with its equipment."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.support import Territory
from tests.web.pages_support import MARKER, add_asset, add_initiative, log_in_as


@pytest.mark.parametrize("role", [Role.technician, Role.elected, Role.viewer])
def test_the_list_and_a_project_page_show_its_equipment(
    client: TestClient, territory: Territory, role: Role
) -> None:
    initiative = add_initiative(client, territory.versailles, "Air des écoles")
    add_asset(
        client, territory.versailles, "Capteur école Jules-Ferry", initiative_id=initiative["id"]
    )
    add_asset(client, territory.versailles, "Capteur hors projet")
    log_in_as(client, territory.versailles, role)
    listing = client.get("/projets")
    assert listing.status_code == 200
    assert f'<a href="/projets/{initiative["id"]}">Air des écoles</a>' in listing.text
    page = client.get(f"/projets/{initiative['id']}").text
    assert "Capteur école Jules-Ferry" in page
    assert "Capteur hors projet" not in page
    assert f'href="/inventaire?projet={initiative["id"]}"' in page


def test_filters_keep_only_matching_projects(client: TestClient, territory: Territory) -> None:
    add_initiative(client, territory.versailles, "Projet air")
    client.post(
        "/api/v1/initiatives",
        headers=territory.versailles.bearer(),
        json={"name": "Projet bruit", "domain": "noise", "status": "operating"},
    )
    log_in_as(client, territory.versailles, Role.viewer)
    page = client.get("/projets?domaine=noise").text
    assert "Projet bruit" in page
    assert "Projet air" not in page
    assert "Projet air" in client.get("/projets?statut=planned").text


def test_boulogne_never_sees_versailles_projects(client: TestClient, territory: Territory) -> None:
    add_initiative(client, territory.versailles, f"{MARKER} projet")
    add_initiative(client, territory.boulogne, "Projet de Boulogne")
    log_in_as(client, territory.boulogne, Role.technician)
    page = client.get("/projets").text
    assert "Projet de Boulogne" in page
    assert MARKER not in page


def test_a_technician_creates_a_project_and_sees_errors_in_french(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.versailles, Role.technician)
    fields = {"csrf_token": csrf, "name": "Éclairage", "domain": "lighting", "status": "planned"}
    budget = client.post("/projets/nouveau", data=fields | {"budget_eur": "beaucoup"})
    assert budget.status_code == 422
    assert 'id="f-budget_eur-error">Saisissez un montant' in budget.text
    dates = client.post(
        "/projets/nouveau", data=fields | {"start_date": "2026-06-01", "end_date": "2026-01-01"}
    )
    assert dates.status_code == 422
    assert 'id="f-end_date-error">La date de fin précède la date de début.' in dates.text
    created = client.post(
        "/projets/nouveau",
        data={
            "csrf_token": csrf,
            "name": "Éclairage intelligent",
            "domain": "lighting",
            "status": "planned",
            "budget_eur": "45 000,50",
            "network": "lorawan",
            "units": "120",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    page = client.get(created.headers["location"]).text
    assert "Éclairage intelligent" in page
    assert "45\u202f000,50 €" in page
    assert "LoRaWAN" in page


@pytest.mark.parametrize("role", [Role.elected, Role.viewer])
def test_readers_cannot_create_projects(
    client: TestClient, territory: Territory, role: Role
) -> None:
    csrf = log_in_as(client, territory.versailles, role)
    assert client.get("/projets/nouveau").status_code == 403
    response = client.post(
        "/projets/nouveau", data={"csrf_token": csrf, "name": "x", "domain": "air"}
    )
    assert response.status_code == 403
    assert "Créer un projet" not in client.get("/projets").text
