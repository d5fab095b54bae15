"""Pages need a session; errors on pages are French pages, errors of the API stay JSON."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from convergence.members.roles import Role
from convergence.members.tables import users
from tests.support import PASSWORD, Territory
from tests.web.pages_support import log_in_as
from tests.web.session import csrf_of

PAGES = [
    "/carte",
    "/carte/communes.geojson",
    "/carte/equipements.geojson",
    "/inventaire",
    "/inventaire/nouveau",
    "/inventaire/import",
    "/inventaire/1",
    "/projets",
    "/projets/nouveau",
    "/admin",
    "/admin/adherents",
    "/admin/utilisateurs",
    "/admin/jetons",
    "/admin/modeles",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_anonymous_visitors_to_the_login_page(client: TestClient, path: str) -> None:
    response = client.get(f"{path}?commune=78646", follow_redirects=False)
    if path.endswith(".geojson"):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        return
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/connexion"
    assert parse_qs(location.query)["suivant"] == [f"{path}?commune=78646"]


def test_after_logging_in_people_come_back_to_the_page_they_asked_for(
    client: TestClient, territory: Territory
) -> None:
    email = territory.versailles.user(Role.viewer)
    target = client.get("/projets?statut=idea", follow_redirects=False).headers["location"]
    suivant = parse_qs(urlsplit(target).query)["suivant"][0]
    response = client.post(
        "/connexion",
        data={
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_of(client),
            "suivant": suivant,
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/projets?statut=idea"


def test_an_unknown_page_is_a_french_404_page(client: TestClient) -> None:
    response = client.get("/n-existe-pas")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page introuvable" in response.text
    assert '<html lang="fr">' in response.text


def test_the_api_keeps_its_json_errors(client: TestClient, territory: Territory) -> None:
    log_in_as(client, territory.versailles, Role.viewer)
    missing = client.get("/api/v1/assets/999999")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    client.cookies.clear()
    anonymous = client.get("/api/v1/assets")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"


def test_a_refused_page_is_a_french_403_page(client: TestClient, territory: Territory) -> None:
    log_in_as(client, territory.versailles, Role.viewer)
    response = client.get("/inventaire/nouveau")
    assert response.status_code == 403
    assert "Accès refusé" in response.text
    assert "votre rôle permet de consulter" in response.text


def test_a_malformed_page_address_is_a_french_page(
    client: TestClient, territory: Territory
) -> None:
    log_in_as(client, territory.versailles, Role.viewer)
    assert client.get("/inventaire/abc").status_code == 404
    response = client.get("/inventaire?statut=inconnu")
    assert response.status_code == 422
    assert "Demande incorrecte" in response.text
    assert "filtre « statut » inconnu" in response.text


def test_a_disabled_account_is_sent_back_to_the_login_page(
    client: TestClient, territory: Territory
) -> None:
    email = territory.versailles.user(Role.technician)
    log_in_as(client, territory.versailles, Role.technician)
    with territory.versailles.engine.begin() as conn:
        conn.execute(update(users).where(users.c.email == email).values(is_active=False))
    response = client.get("/inventaire", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/connexion")
