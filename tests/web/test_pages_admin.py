"""Administration pages: members, users, tokens, device models — admins only, scoped."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.members.roles import Role
from convergence.registry import queries
from tests.support import Territory
from tests.web.pages_support import log_in_as

ADMIN_PAGES = [
    "/admin",
    "/admin/adherents",
    "/admin/utilisateurs",
    "/admin/jetons",
    "/admin/modeles",
]


@pytest.mark.parametrize("role", [Role.technician, Role.elected, Role.viewer])
def test_administration_is_refused_to_other_roles_with_a_french_page(
    client: TestClient, territory: Territory, role: Role
) -> None:
    log_in_as(client, territory.versailles, role)
    for path in [*ADMIN_PAGES, f"/admin/adherents/{territory.versailles.id}"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Accès refusé" in response.text
    assert 'href="/admin"' not in client.get("/inventaire").text


def test_a_member_admin_reaches_every_admin_page_from_the_navigation(
    client: TestClient, territory: Territory
) -> None:
    log_in_as(client, territory.versailles, Role.member_admin)
    assert 'href="/admin"' in client.get("/").text  # right after logging in
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<a href="/admin" aria-current="page">Administration</a>' in response.text


def test_a_member_admin_sees_only_its_member_and_changes_its_share_level(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    listing = client.get("/admin/adherents").text
    assert "Versailles" in listing
    assert "Boulogne" not in listing
    assert "Créer un adhérent" not in listing
    assert client.get(f"/admin/adherents/{territory.boulogne.id}").status_code == 404
    page = client.get(f"/admin/adherents/{territory.versailles.id}").text
    assert "voient les indicateurs et les moyennes" in page  # the plain-French explanation
    assert 'value="aggregates" checked' in page
    response = client.post(
        f"/admin/adherents/{territory.versailles.id}/partage",
        data={"csrf_token": csrf, "share_level": "full"},
    )
    assert response.status_code == 200
    assert "Niveau de partage enregistré." in response.text
    assert 'value="full" checked' in response.text
    refused = client.post(
        f"/admin/adherents/{territory.boulogne.id}/partage",
        data={"csrf_token": csrf, "share_level": "none"},
    )
    assert refused.status_code == 404
    forged = client.post(
        f"/admin/adherents/{territory.versailles.id}/partage",
        data={"csrf_token": "forged", "share_level": "none"},
    )
    assert forged.status_code == 403
    assert client.post("/admin/adherents", data={"csrf_token": csrf}).status_code == 403


def test_the_operator_sees_every_member_and_creates_one(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.operator, Role.operator_admin)
    listing = client.get("/admin/adherents").text
    for name in ("Versailles", "Boulogne-Billancourt", "CA Versailles Grand Parc"):
        assert name in listing
    refused = client.post(
        "/admin/adherents",
        data={"csrf_token": csrf, "name": "Meudon", "siren": "12", "kind": "commune"},
    )
    assert refused.status_code == 422
    assert 'id="f-siren-error">Un SIREN compte exactement 9 chiffres' in refused.text
    created = client.post(
        "/admin/adherents",
        data={
            "csrf_token": csrf,
            "name": "Meudon",
            "siren": "219200490",
            "kind": "commune",
            "insee": "92048",
            "share_level": "full",
        },
    )
    assert created.status_code == 200
    assert "<h1>Meudon</h1>" in created.text
    assert "Meudon (92048)" in created.text


def test_a_member_admin_creates_users_of_its_member_only(
    client: TestClient, territory: Territory
) -> None:
    territory.boulogne.user(Role.viewer)
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    page = client.get("/admin/utilisateurs").text
    assert "member_admin@versailles.example.fr" in page
    assert "boulogne" not in page
    assert "Administrateur de l&#39;opérateur" not in page
    short = client.post(
        "/admin/utilisateurs",
        data={
            "csrf_token": csrf,
            "email": "agent@versailles.fr",
            "role": "technician",
            "password": "court",
        },
    )
    assert short.status_code == 422
    assert 'id="f-password-error"' in short.text
    assert "court" not in short.text.split('id="f-password"')[1].split(">")[0]
    created = client.post(
        "/admin/utilisateurs",
        data={
            "csrf_token": csrf,
            "email": "agent@versailles.fr",
            "full_name": "Agent voirie",
            "role": "technician",
            "password": "un mot de passe assez long",
            "member_id": str(territory.boulogne.id),  # ignored: not the operator
        },
    )
    assert created.status_code == 200
    assert "Utilisateur agent@versailles.fr créé avec le rôle « Technicien »." in created.text
    log_in_as(client, territory.boulogne, Role.member_admin)
    assert "agent@versailles.fr" not in client.get("/admin/utilisateurs").text


def test_a_token_secret_is_shown_once_then_only_its_prefix(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    response = client.post(
        "/admin/jetons",
        data={"csrf_token": csrf, "name": "Passerelle mairie", "scopes": ["ingest", "read"]},
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "il ne sera plus jamais affiché" in response.text
    secret = re.search(r'id="secret" class="secret" type="text" value="([^"]+)"', response.text)
    assert secret
    prefix = re.search(r"<code>(cvg_[^<]+)…</code>", response.text)
    assert prefix
    assert secret.group(1).startswith(prefix.group(1))
    bearer = {"Authorization": f"Bearer {secret.group(1)}"}
    assert client.get("/api/v1/assets", headers=bearer).status_code == 200
    listing = client.get("/admin/jetons").text
    assert "Passerelle mairie" in listing
    assert prefix.group(1) in listing
    assert secret.group(1) not in listing
    assert "Envoi de données (ingest), Lecture (read)" in listing


def test_tokens_are_revoked_by_their_member_admin_only(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    created = client.post(
        "/admin/jetons", data={"csrf_token": csrf, "name": "Éphémère", "scopes": "read"}
    )
    secret = re.search(r'type="text" value="([^"]+)"', created.text)
    assert secret
    token_id = re.findall(
        r'action="/admin/jetons/(\d+)/revoquer"', client.get("/admin/jetons").text
    )[-1]
    boulogne_csrf = log_in_as(client, territory.boulogne, Role.member_admin)
    assert "Éphémère" not in client.get("/admin/jetons").text
    intrusion = client.post(
        f"/admin/jetons/{token_id}/revoquer", data={"csrf_token": boulogne_csrf}
    )
    assert intrusion.status_code == 404
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    assert client.post(f"/admin/jetons/{token_id}/revoquer", data={}).status_code == 403
    revoked = client.post(f"/admin/jetons/{token_id}/revoquer", data={"csrf_token": csrf})
    assert revoked.status_code == 200
    assert "Le jeton « Éphémère »" in revoked.text
    assert "révoqué le" in revoked.text
    bearer = {"Authorization": f"Bearer {secret.group(1)}"}
    assert client.get("/api/v1/assets", headers=bearer).status_code == 401


def test_a_token_needs_a_name_and_a_scope(client: TestClient, territory: Territory) -> None:
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    response = client.post("/admin/jetons", data={"csrf_token": csrf, "name": ""})
    assert response.status_code == 422
    assert 'id="f-name-error">Ce champ est obligatoire.' in response.text
    assert 'id="f-scopes-error">Choisissez au moins une valeur.' in response.text


def test_device_models_are_listed_to_admins_and_added_by_the_operator(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    form = {"csrf_token": csrf, "vendor": "Milesight", "model": "AM307", "domain": "air"}
    assert "Ajouter un modèle" not in client.get("/admin/modeles").text
    assert client.post("/admin/modeles", data=form).status_code == 403
    operator_csrf = log_in_as(client, territory.operator, Role.operator_admin)
    created = client.post(
        "/admin/modeles", data=form | {"csrf_token": operator_csrf, "codec": "milesight-am307"}
    )
    assert created.status_code == 200
    assert "Modèle Milesight AM307 ajouté au catalogue." in created.text
    again = client.post("/admin/modeles", data=form | {"csrf_token": operator_csrf})
    assert again.status_code == 422
    log_in_as(client, territory.versailles, Role.member_admin)
    assert "milesight-am307" in client.get("/admin/modeles").text


def test_the_operator_states_a_models_expected_period_in_minutes(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    csrf = log_in_as(client, territory.operator, Role.operator_admin)
    form = {"csrf_token": csrf, "vendor": "Milesight", "model": "EM310", "domain": "air"}
    page = unescape(client.get("/admin/modeles").text)
    assert "Période d'émission attendue (minutes)" in page
    for refused in ("dix", "-5", "1,5", "20000"):
        response = client.post("/admin/modeles", data=form | {"expected_period_min": refused})
        assert response.status_code == 422, refused
        assert 'id="f-expected_period_min-error">Saisissez un nombre entier de minutes' in (
            response.text
        )
    created = client.post("/admin/modeles", data=form | {"expected_period_min": "15"})
    assert "Modèle Milesight EM310 ajouté au catalogue." in created.text
    assert "toutes les 15 min" in created.text
    with engine.connect() as conn:
        (model,) = [m for m in queries.list_device_models(conn) if m.model == "EM310"]
    assert model.expected_period_s == 900
    changed = client.post(
        f"/admin/modeles/{model.id}/periode", data={"csrf_token": csrf, "expected_period_min": "0"}
    )
    with engine.connect() as conn:
        assert queries.get_device_model(conn, device_model_id=model.id).expected_period_s == 0
    page = unescape(changed.text)
    assert "Période d'émission attendue du modèle Milesight EM310 enregistrée." in page
    assert "n'émet pas de données" in page
    member_csrf = log_in_as(client, territory.versailles, Role.member_admin)
    refused = client.post(
        f"/admin/modeles/{model.id}/periode",
        data={"csrf_token": member_csrf, "expected_period_min": "60"},
    )
    assert refused.status_code == 403
