"""The alert pages: list and filters, one alert, acknowledge and resolve, subscriptions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.alerts.evaluation import evaluate_batch
from convergence.db.types import utcnow
from convergence.members.roles import Role
from convergence.timeseries.store import NewReading, store_readings
from tests.support import Territory
from tests.web.pages_support import MARKER, add_asset, audit, log_in_as

WRITERS = [Role.member_admin, Role.technician]
READERS = [Role.elected, Role.viewer]


def fire_alert(client: TestClient, territory: Territory, name: str = f"{MARKER} PM10") -> int:
    """A Versailles threshold rule on a new sensor, fired by one reading; the alert's id."""
    asset = add_asset(client, territory.versailles, f"{MARKER} capteur")
    rule = {
        "name": name,
        "target_kind": "asset",
        "asset_id": asset["id"],
        "severity": "critical",
        "params": {"kind": "threshold", "quantity": "pm10", "limit": 50},
    }
    response = client.post("/api/v1/alert-rules", headers=territory.versailles.bearer(), json=rule)
    assert response.status_code == 201, response.text
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    reading = NewReading(asset["id"], territory.versailles.id, "pm10", "µg/m³", utcnow(), 82.5)
    with engine.begin() as conn:
        outcome = evaluate_batch(conn, stored=store_readings(conn, [reading]).inserted)
    assert len(outcome.fired) == 1
    alerts = client.get("/api/v1/alerts", headers=territory.versailles.bearer()).json()["items"]
    alert_id: int = alerts[0]["id"]
    return alert_id


@pytest.mark.parametrize("role", WRITERS + READERS)
def test_every_role_reads_the_list_and_the_alert(
    client: TestClient, territory: Territory, role: Role
) -> None:
    alert_id = fire_alert(client, territory)
    log_in_as(client, territory.versailles, role)
    listing = client.get("/alertes").text
    assert f'<a href="/alertes/{alert_id}">{MARKER} PM10</a>' in listing
    assert "Critique" in listing
    assert "En cours" in listing
    page = client.get(f"/alertes/{alert_id}").text
    assert "<h1>Alerte « prive-versailles PM10 »</h1>" in page
    assert "Déclenchée" in page
    assert "<td>Convergence (automatiquement)</td>" in page  # the platform fired it
    assert "system" not in page
    assert "82,50" in page
    assert ("Prendre en charge" in page) is (role in WRITERS)
    assert ("Lever l'alerte" in page) is (role in WRITERS)


def test_a_technician_acknowledges_then_resolves(client: TestClient, territory: Territory) -> None:
    alert_id = fire_alert(client, territory)
    csrf = log_in_as(client, territory.versailles, Role.technician)
    response = client.post(
        f"/alertes/{alert_id}/prise-en-charge",
        data={"csrf_token": csrf, "note": "équipe envoyée sur place"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "est prise en charge" in page
    assert "équipe envoyée sur place" in page
    assert "Prendre en charge</button>" not in page
    client.post(f"/alertes/{alert_id}/levee", data={"csrf_token": csrf, "note": "capteur nettoyé"})
    page = client.get(f"/alertes/{alert_id}").text
    assert "Levée" in page
    assert "capteur nettoyé" in page
    assert "Lever l'alerte" not in page
    assert f"/alertes/{alert_id}" not in client.get("/alertes").text
    assert f"/alertes/{alert_id}" in client.get("/alertes?statut=resolved").text
    again = client.post(f"/alertes/{alert_id}/levee", data={"csrf_token": csrf})
    assert "Action impossible : l&#39;alerte est déjà levée" in again.text


def test_filters_select_by_severity_and_status(client: TestClient, territory: Territory) -> None:
    alert_id = fire_alert(client, territory)
    log_in_as(client, territory.versailles, Role.viewer)
    assert f"/alertes/{alert_id}" not in client.get("/alertes?gravite=warning").text
    assert f"/alertes/{alert_id}" in client.get("/alertes?gravite=critical&statut=toutes").text
    assert f"/alertes/{alert_id}" in client.get("/alertes?commune=78646").text
    assert f"/alertes/{alert_id}" not in client.get("/alertes?commune=92012").text
    assert client.get("/alertes?statut=n-importe-quoi&gravite=x").status_code == 200


@pytest.mark.parametrize("role", READERS)
def test_readers_may_not_act(client: TestClient, territory: Territory, role: Role) -> None:
    alert_id = fire_alert(client, territory)
    csrf = log_in_as(client, territory.versailles, role)
    for action in ("prise-en-charge", "levee"):
        response = client.post(f"/alertes/{alert_id}/{action}", data={"csrf_token": csrf})
        assert response.status_code == 403
    assert "En cours" in client.get(f"/alertes/{alert_id}").text


def test_a_form_without_its_csrf_token_is_refused(client: TestClient, territory: Territory) -> None:
    alert_id = fire_alert(client, territory)
    log_in_as(client, territory.versailles, Role.technician)
    response = client.post(f"/alertes/{alert_id}/prise-en-charge", data={"note": "x"})
    assert response.status_code == 403
    assert "En cours" in client.get(f"/alertes/{alert_id}").text


def test_another_commune_sees_and_touches_nothing(client: TestClient, territory: Territory) -> None:
    alert_id = fire_alert(client, territory)
    csrf = log_in_as(client, territory.boulogne, Role.technician)
    assert MARKER not in client.get("/alertes?statut=toutes").text
    page = client.get(f"/alertes/{alert_id}")
    assert page.status_code == 404
    assert MARKER not in page.text
    response = client.post(f"/alertes/{alert_id}/levee", data={"csrf_token": csrf})
    assert response.status_code == 404
    log_in_as(client, territory.versailles, Role.viewer)
    assert "En cours" in client.get(f"/alertes/{alert_id}").text


def test_the_operator_sees_every_member_s_alerts(client: TestClient, territory: Territory) -> None:
    alert_id = fire_alert(client, territory)
    log_in_as(client, territory.operator, Role.operator_admin)
    listing = client.get("/alertes").text
    assert f"/alertes/{alert_id}" in listing
    assert '<th scope="col">Adhérent</th>' in listing
    assert "Versailles" in listing


def test_an_elected_official_subscribes_by_email(client: TestClient, territory: Territory) -> None:
    csrf = log_in_as(client, territory.versailles, Role.elected)
    response = client.post(
        "/alertes/abonnements",
        data={
            "csrf_token": csrf,
            "channel": "email",
            "cadence": "daily_digest",
            "domain": "water",
            "min_severity": "warning",
            "webhook_url": "https://ignored.example",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get("/alertes/abonnements").text
    assert "vous recevrez les alertes par courriel" in page
    assert "Résumé quotidien" in page
    assert "Eau et crues" in page
    subscriptions = client.get("/api/v1/alert-subscriptions").json()["items"]
    assert [(s["channel"], s["webhook_url"]) for s in subscriptions] == [("email", None)]
    delete = client.post(
        f"/alertes/abonnements/{subscriptions[0]['id']}/supprimer", data={"csrf_token": csrf}
    )
    assert "L&#39;abonnement est supprimé." in delete.text
    assert client.get("/api/v1/alert-subscriptions").json()["items"] == []


def test_a_webhook_secret_is_shown_once(client: TestClient, territory: Territory) -> None:
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    form = {"csrf_token": csrf, "channel": "webhook", "cadence": "immediate"}
    refused = client.post("/alertes/abonnements", data=form | {"min_severity": "info"})
    assert refused.status_code == 422
    assert "Indiquez l&#39;adresse (https://…) du webhook" in refused.text
    created = client.post(
        "/alertes/abonnements",
        data=form | {"min_severity": "critical", "webhook_url": "https://sig.versailles.fr/a"},
    )
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    assert "ne sera plus jamais affichée" in created.text
    page = client.get("/alertes/abonnements").text
    assert "https://sig.versailles.fr/a" in page
    assert "ne sera plus jamais affichée" not in page


def test_subscriptions_stay_within_their_member(client: TestClient, territory: Territory) -> None:
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    client.post(
        "/alertes/abonnements",
        data={"csrf_token": csrf, "channel": "webhook", "cadence": "immediate",
              "min_severity": "info", "webhook_url": f"https://{MARKER}.example/h"},
    )  # fmt: skip
    subscription_id = client.get("/api/v1/alert-subscriptions").json()["items"][0]["id"]
    csrf = log_in_as(client, territory.boulogne, Role.member_admin)
    assert MARKER not in client.get("/alertes/abonnements").text
    response = client.post(
        f"/alertes/abonnements/{subscription_id}/supprimer", data={"csrf_token": csrf}
    )
    assert response.status_code == 404
    log_in_as(client, territory.versailles, Role.member_admin)
    assert MARKER in client.get("/alertes/abonnements").text


@pytest.mark.parametrize("role", [Role.technician, Role.operator_admin])
def test_the_alert_pages_pass_the_accessibility_checks(
    client: TestClient, territory: Territory, role: Role
) -> None:
    alert_id = fire_alert(client, territory)
    member = territory.operator if role is Role.operator_admin else territory.versailles
    log_in_as(client, member, role)
    for path in (
        "/alertes",
        "/alertes?statut=toutes",
        f"/alertes/{alert_id}",
        "/alertes/abonnements",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert audit(response.text).problems() == [], path
        assert audit(response.text).current == ["/alertes"], path
