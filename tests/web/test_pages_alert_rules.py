"""The alert-rule pages: the default rules listed, a threshold rule created, changed and
switched off through the forms, and who may do what."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.alerts import defaults
from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from tests.support import MemberFixture, Territory
from tests.web.pages_support import MARKER, add_asset, audit, log_in_as


def install_defaults(client: TestClient, member: MemberFixture) -> None:
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        scope = command_line_scope()
        defaults.install_default_rules(conn, scope=scope, member_id=member.id)
        defaults.install_line_rules(conn, scope=scope, member_id=member.id, line="charging")


def rules_of(client: TestClient, member: MemberFixture) -> list[dict[str, Any]]:
    response = client.get("/api/v1/alert-rules", headers=member.bearer())
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.json()["items"]
    return found


def rule_named(client: TestClient, member: MemberFixture, name: str) -> dict[str, Any]:
    return next(r for r in rules_of(client, member) if r["name"] == name)


NEW_RULE = {
    "name": f"{MARKER} hauteur",
    "target_kind": "domain",
    "domain": "water",
    "quantity": "water_level",
    "comparison": "above",
    "limit": "2,5",
    "min_duration_min": "30",
    "hysteresis": "0,1",
    "threshold_label": "cote d'alerte",
    "severity": "critical",
    "cooldown_min": "60",
}


@pytest.mark.parametrize("role", [Role.elected, Role.viewer])
def test_readers_see_the_default_rules_in_french_and_cannot_change_them(
    client: TestClient, territory: Territory, role: Role
) -> None:
    install_defaults(client, territory.versailles)
    log_in_as(client, territory.versailles, role)
    page = client.get("/alertes/regles")
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Ozone : seuil d'information (180 µg/m³)" in text
    assert "Ozone (O₃) au-dessus de 180 µg/m³" in text
    assert "Dioxyde de soufre (SO₂) au-dessus de 500 µg/m³ pendant au moins 2 h" in text
    assert "État de la borne : en défaut" in text
    assert "Tous les équipements : Qualité de l'air" in text
    defaults = rules_of(client, territory.versailles)  # all installed as defaults above
    assert len(defaults) > 9  # air, water, silences, charging…
    assert text.count("par défaut</span>") == len(defaults)
    assert "Désactiver" not in text
    assert "/alertes/regles/nouvelle" not in text
    assert audit(page.text).problems() == []
    assert client.get("/alertes/regles/nouvelle").status_code == 403
    rule = rule_named(client, territory.versailles, "Borne en défaut")
    detail = unescape(client.get(f"/alertes/regles/{rule['id']}").text)
    assert "Votre rôle permet de consulter cette règle, pas de la modifier." in detail


def test_a_technician_creates_changes_and_switches_off_a_threshold_rule(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.versailles, Role.technician)
    form = client.get("/alertes/regles/nouvelle")
    assert form.status_code == 200
    assert "Hauteur d'eau — m" in unescape(form.text)
    assert audit(form.text).problems() == []
    response = client.post(
        "/alertes/regles/nouvelle", data=NEW_RULE | {"csrf_token": csrf}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    rule = rule_named(client, territory.versailles, f"{MARKER} hauteur")
    assert rule["member_id"] == territory.versailles.id
    assert rule["domain"] == "water"
    assert rule["severity"] == "critical"
    assert rule["cooldown_s"] == 3600
    assert rule["params"] == {
        "kind": "threshold",
        "quantity": "water_level",
        "comparison": "above",
        "limit": 2.5,
        "min_duration_s": 1800,
        "hysteresis": 0.1,
        "threshold_label": "cote d'alerte",
        "mean_over_s": 0,
    }
    listing = unescape(client.get("/alertes/regles").text)
    assert "est créée" in listing
    assert "Hauteur d'eau au-dessus de 2,5 m pendant au moins 30 min" in listing

    edit = unescape(client.get(f"/alertes/regles/{rule['id']}").text)
    assert 'value="2,5"' in edit
    assert "Seuil (m)" in edit
    changed = NEW_RULE | {"limit": "3,1", "severity": "warning", "csrf_token": csrf}
    response = client.post(f"/alertes/regles/{rule['id']}", data=changed, follow_redirects=False)
    assert response.status_code == 303, response.text
    rule = rule_named(client, territory.versailles, f"{MARKER} hauteur")
    assert (rule["params"]["limit"], rule["severity"]) == (3.1, "warning")

    client.post(f"/alertes/regles/{rule['id']}/etat", data={"csrf_token": csrf, "enabled": "0"})
    assert rule_named(client, territory.versailles, f"{MARKER} hauteur")["enabled"] is False
    listing = client.get("/alertes/regles").text
    assert "Désactivée" in listing
    assert "Réactiver" in listing
    client.post(f"/alertes/regles/{rule['id']}/etat", data={"csrf_token": csrf, "enabled": "1"})
    assert rule_named(client, territory.versailles, f"{MARKER} hauteur")["enabled"] is True


def test_a_default_rule_is_changed_by_an_administrator(
    client: TestClient, territory: Territory
) -> None:
    install_defaults(client, territory.versailles)
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    rule = rule_named(client, territory.versailles, "Ozone : seuil d'information (180 µg/m³)")
    page = client.get(f"/alertes/regles/{rule['id']}").text
    assert "(règle par défaut)" in page
    assert 'value="180"' in page
    data = {
        "name": rule["name"],
        "quantity": "o3",
        "comparison": "above",
        "limit": "170",
        "min_duration_min": "0",
        "hysteresis": "0",
        "threshold_label": "seuil d'information",
        "severity": "warning",
        "cooldown_min": "180",
        "csrf_token": csrf,
    }
    assert client.post(f"/alertes/regles/{rule['id']}", data=data).status_code == 200
    assert rule_named(client, territory.versailles, rule["name"])["params"]["limit"] == 170


def test_a_daily_mean_rule_keeps_its_mean_when_changed_through_the_form(
    client: TestClient, territory: Territory
) -> None:
    install_defaults(client, territory.versailles)
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    [pm10] = [r for r in rules_of(client, territory.versailles)
              if r["params"].get("quantity") == "pm10" and r["params"]["limit"] == 50]  # fmt: skip
    assert pm10["params"]["mean_over_s"] == 86400
    page = client.get(f"/alertes/regles/{pm10['id']}").text
    [shown] = re.findall(r'<input[^>]*name="mean_over_h"[^>]*>', page)
    assert 'value="24"' in shown
    data = {
        "name": pm10["name"],
        "quantity": "pm10",
        "comparison": "above",
        "limit": "45",
        "min_duration_min": "0",
        "mean_over_h": "24",  # as the form shows it
        "hysteresis": "0",
        "threshold_label": "seuil d'information",
        "severity": "warning",
        "cooldown_min": "180",
        "csrf_token": csrf,
    }
    assert client.post(f"/alertes/regles/{pm10['id']}", data=data).status_code == 200
    changed = rule_named(client, territory.versailles, pm10["name"])["params"]
    assert (changed["limit"], changed["mean_over_s"]) == (45, 86400)


def test_a_refused_form_says_why_next_to_the_field(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.versailles, Role.technician)
    cases = {
        "limit": ({"limit": "beaucoup"}, "Saisissez un nombre"),
        "quantity": ({"quantity": "temperature_2"}, "Choisissez une grandeur dans la liste."),
        "min_duration_min": ({"min_duration_min": "1,5"}, "Saisissez un nombre entier de minutes."),
        "name": ({"name": ""}, "Ce champ est obligatoire."),
    }
    for field, (change, message) in cases.items():
        data = NEW_RULE | change | {"csrf_token": csrf}
        response = client.post("/alertes/regles/nouvelle", data=data)
        assert response.status_code == 422, field
        assert f'id="f-{field}-error">{message}' in unescape(response.text), field
    other = add_asset(client, territory.boulogne, "Capteur de Boulogne")
    data = NEW_RULE | {"target_kind": "asset", "asset_id": str(other["id"]), "csrf_token": csrf}
    response = client.post("/alertes/regles/nouvelle", data=data)
    assert response.status_code == 422
    assert 'id="f-asset_id-error">cible introuvable pour cet adhérent' in unescape(response.text)
    assert rules_of(client, territory.versailles) == []


def test_another_commune_neither_sees_nor_changes_the_rules(
    client: TestClient, territory: Territory
) -> None:
    install_defaults(client, territory.versailles)
    rule = rule_named(client, territory.versailles, "Borne en défaut")
    csrf = log_in_as(client, territory.boulogne, Role.member_admin)
    assert "Borne en défaut" not in client.get("/alertes/regles").text
    assert client.get(f"/alertes/regles/{rule['id']}").status_code == 404
    data = {"csrf_token": csrf, "enabled": "0"}
    assert client.post(f"/alertes/regles/{rule['id']}/etat", data=data).status_code == 404
    data = NEW_RULE | {"name": "volée", "csrf_token": csrf}
    assert client.post(f"/alertes/regles/{rule['id']}", data=data).status_code == 404
    # The operator's field is ignored for a commune: the rule is Boulogne's own.
    data = NEW_RULE | {"member_id": str(territory.versailles.id), "csrf_token": csrf}
    client.post("/alertes/regles/nouvelle", data=data)
    assert rule_named(client, territory.boulogne, NEW_RULE["name"])
    assert rule_named(client, territory.versailles, "Borne en défaut") == rule


def test_a_change_without_the_form_token_is_refused(
    client: TestClient, territory: Territory
) -> None:
    install_defaults(client, territory.versailles)
    rule = rule_named(client, territory.versailles, "Borne en défaut")
    log_in_as(client, territory.versailles, Role.member_admin)
    response = client.post(f"/alertes/regles/{rule['id']}/etat", data={"enabled": "0"})
    assert response.status_code == 403
    assert rule_named(client, territory.versailles, "Borne en défaut")["enabled"] is True


def test_the_operator_creates_a_rule_for_a_member(client: TestClient, territory: Territory) -> None:
    install_defaults(client, territory.versailles)
    csrf = log_in_as(client, territory.operator, Role.operator_admin)
    data = NEW_RULE | {"member_id": str(territory.boulogne.id), "csrf_token": csrf}
    assert client.post("/alertes/regles/nouvelle", data=data).status_code == 200
    assert rule_named(client, territory.boulogne, NEW_RULE["name"])
    listing = client.get("/alertes/regles").text
    assert '<th scope="col">Adhérent</th>' in listing
    assert "Borne en défaut" in listing
