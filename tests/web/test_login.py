"""People log in on a French page; forms are CSRF-protected."""

from __future__ import annotations

from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.support import Territory
from tests.web.session import csrf_of, log_in


def test_the_login_page_is_in_french_and_labelled(client: TestClient) -> None:
    page = client.get("/connexion").text
    assert '<html lang="fr">' in page
    assert '<label for="email">Adresse électronique</label>' in page
    assert '<label for="password">Mot de passe</label>' in page


def test_a_user_logs_in_and_reaches_the_home_page(client: TestClient, territory: Territory) -> None:
    email = territory.versailles.user(Role.elected)
    log_in(client, email)
    assert email in client.get("/").text


def test_a_wrong_password_says_so_without_saying_which_part(
    client: TestClient, territory: Territory
) -> None:
    email = territory.versailles.user(Role.viewer)
    response = client.post(
        "/connexion",
        data={"email": email, "password": "mauvais mot de passe", "csrf_token": csrf_of(client)},
    )
    assert response.status_code == 401
    assert "identifiant ou mot de passe incorrect" in response.text


def test_a_login_form_without_its_csrf_token_is_refused(
    client: TestClient, territory: Territory
) -> None:
    email = territory.versailles.user(Role.viewer)
    client.get("/connexion")
    response = client.post(
        "/connexion", data={"email": email, "password": "x", "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert "CSRF" in response.text


def test_a_revoked_token_stops_working_at_once(client: TestClient, territory: Territory) -> None:
    headers = territory.versailles.bearer("admin")
    created = client.post(
        f"/api/v1/members/{territory.versailles.id}/tokens",
        headers=headers,
        json={"name": "éphémère", "scopes": ["read"]},
    ).json()
    secret = created["secret"]
    assert client.get("/api/v1/assets", headers={"Authorization": f"Bearer {secret}"}).is_success
    listed = [
        t
        for t in client.get("/api/v1/tokens", headers=headers).json()["items"]
        if t["id"] == created["id"]
    ]
    assert listed[0]["last_used_at"] is not None
    assert "secret" not in listed[0]
    client.post(f"/api/v1/tokens/{created['id']}/revoke", headers=headers)
    response = client.get("/api/v1/assets", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_the_api_documentation_uses_no_cdn(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "cdn" not in page.lower()
    assert client.get("/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "Convergence"
