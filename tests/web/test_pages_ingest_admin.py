"""Administration of ingestion: integrations and their tokens, dead letters, discovered devices."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from convergence.db.types import utcnow
from convergence.decoders.sdk import DecodeError, DecodeErrorReason
from convergence.members.roles import Role
from convergence.registry.tables import assets
from convergence.web.deps import runtime_of
from tests.support import Territory
from tests.web.pages_support import MARKER, audit, log_in_as

UNKNOWN_EUI = "0004A30B001C0530"


def send(client: TestClient, territory: Territory, device: str, value: float = 55.0) -> None:
    """One reading of Versailles for ``device``, refused when the device is unknown."""
    item = {"device": device, "ts": "2026-11-28T09:00:00Z", "quantity": "laeq", "value": value}
    response = client.post(
        "/api/v1/ingest", json=[item], headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code in (200, 422), response.text


def insert_asset(client: TestClient, member_id: int, serial: str) -> None:
    """A sensor written straight into the table: no automatic replay, so the page's is tested."""
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            insert(assets).values(
                member_id=member_id, name="Sonomètre", kind="sensor", domain="noise",
                serial=serial, status="active", tags=[], created_at=now, updated_at=now,
            )
        )  # fmt: skip


@pytest.mark.parametrize("role", [Role.member_admin, Role.operator_admin])
def test_dead_letters_are_listed_with_their_reason_and_payload(
    client: TestClient, territory: Territory, role: Role
) -> None:
    send(client, territory, f"{MARKER}-sono")
    member = territory.operator if role is Role.operator_admin else territory.versailles
    log_in_as(client, member, role)
    page = client.get("/admin/messages-rejetes").text
    assert "1 message rejeté" in page
    assert "<code>unknown_device</code>" in page
    assert "Identification de l&#39;appareil" in page
    assert f"{MARKER}-sono" in page  # the device and the raw payload preview
    assert "&#34;quantity&#34;:&#34;laeq&#34;" in page
    assert ('<th scope="col">Adhérent</th>' in page) is (role is Role.operator_admin)


def test_a_replay_takes_the_message_in_once_its_cause_is_fixed(
    client: TestClient, territory: Territory
) -> None:
    send(client, territory, "SONO-77", 61.5)
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    letter_id = re.findall(r"/admin/messages-rejetes/(\d+)/rejouer", client.get(
        "/admin/messages-rejetes").text)[0]  # fmt: skip
    refused = client.post(f"/admin/messages-rejetes/{letter_id}/rejouer", data={"csrf_token": csrf})
    assert "est de nouveau refusé" in refused.text
    insert_asset(client, territory.versailles.id, "SONO-77")
    replayed = client.post(
        f"/admin/messages-rejetes/{letter_id}/rejouer", data={"csrf_token": csrf}
    )
    assert f"Le message n° {letter_id} est rejoué : 1 mesure(s) enregistrée(s)" in replayed.text
    assert "Aucun message ne correspond" in replayed.text
    done = client.get("/admin/messages-rejetes?statut=replayed").text
    assert "Rejoué le" in done


def test_a_dead_letter_is_discarded_but_kept(client: TestClient, territory: Territory) -> None:
    send(client, territory, "SONO-88")
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    letter_id = re.findall(r"/admin/messages-rejetes/(\d+)/abandonner", client.get(
        "/admin/messages-rejetes").text)[0]  # fmt: skip
    page = client.post(
        f"/admin/messages-rejetes/{letter_id}/abandonner", data={"csrf_token": csrf}
    ).text
    assert "est abandonné (il reste conservé)" in page
    kept = client.get("/admin/messages-rejetes?statut=tous").text
    assert "SONO-88" in kept
    assert "Abandonné" in kept


def test_dead_letters_stay_within_their_member(client: TestClient, territory: Territory) -> None:
    send(client, territory, f"{MARKER}-sono")
    csrf = log_in_as(client, territory.boulogne, Role.member_admin)
    assert MARKER not in client.get("/admin/messages-rejetes?statut=tous").text
    assert MARKER not in client.get("/admin/appareils-decouverts").text
    log_in_as(client, territory.versailles, Role.member_admin)
    letter_id = re.findall(r"/admin/messages-rejetes/(\d+)/rejouer", client.get(
        "/admin/messages-rejetes").text)[0]  # fmt: skip
    csrf = log_in_as(client, territory.boulogne, Role.member_admin)
    for action in ("rejouer", "abandonner"):
        response = client.post(
            f"/admin/messages-rejetes/{letter_id}/{action}", data={"csrf_token": csrf}
        )
        assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.technician, Role.elected, Role.viewer])
def test_integrations_are_for_administrators_dead_letters_for_technicians_too(
    client: TestClient, territory: Territory, role: Role
) -> None:
    log_in_as(client, territory.versailles, role)
    assert client.get("/admin/integrations").status_code == 403
    expected = 200 if role is Role.technician else 403
    assert client.get("/admin/appareils-decouverts").status_code == expected
    # A technician's devices send the refused messages: they see and replay their member's.
    assert client.get("/admin/messages-rejetes").status_code == expected


def test_a_discovered_device_is_registered_from_a_prefilled_form(
    client: TestClient, territory: Territory
) -> None:
    send(client, territory, UNKNOWN_EUI.lower())
    csrf = log_in_as(client, territory.versailles, Role.technician)
    page = client.get("/admin/appareils-decouverts").text
    assert f"<code>{UNKNOWN_EUI}</code>" in page
    link = re.findall(r'href="(/inventaire/nouveau\?[^"]+)"', page)[0].replace("&amp;", "&")
    form = client.get(link).text
    assert f'name="dev_eui" type="text" value="{UNKNOWN_EUI}"' in form
    response = client.post(
        "/inventaire/nouveau",
        data={"csrf_token": csrf, "name": "Sonomètre école", "kind": "sensor",
              "domain": "noise", "status": "active", "dev_eui": UNKNOWN_EUI},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303, response.text
    assert "Aucun appareil inconnu" in client.get("/admin/appareils-decouverts").text
    asset_id = int(response.headers["location"].rsplit("/", 1)[1])
    series = client.get(f"/api/v1/series?asset_id={asset_id}").json()["items"]
    assert [s["quantity"] for s in series] == ["laeq"]


def test_an_integration_gets_a_token_shown_once(client: TestClient, territory: Territory) -> None:
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    page = client.get("/admin/integrations").text
    assert "http://testserver/api/v1/ingest/chirpstack" in page
    refused = client.post(
        "/admin/integrations", data={"csrf_token": csrf, "kind": "chirpstack", "name": ""}
    )
    assert refused.status_code == 422
    client.post(
        "/admin/integrations",
        data={"csrf_token": csrf, "kind": "chirpstack", "name": "ChirpStack du syndicat",
              "application_ids": "f7a7c2f4-5d3e-4a51-9b0e-2e1f0c8a9d11"},
    )  # fmt: skip
    page = client.get("/admin/integrations").text
    assert "ChirpStack du syndicat — ChirpStack v4" in page
    integration_id = re.findall(r"/admin/integrations/(\d+)/jeton", page)[0]
    created = client.post(f"/admin/integrations/{integration_id}/jeton", data={"csrf_token": csrf})
    assert created.headers["cache-control"] == "no-store"
    secret = re.findall(r'value="(cvg_[^"]+)"', created.text)[0]
    assert f"<code>Bearer {secret}</code>" in created.text
    tokens = client.get("/api/v1/tokens", headers=territory.versailles.bearer()).json()["items"]
    bound = [t for t in tokens if t["integration_id"] == int(integration_id)]
    assert [(t["scopes"], t["member_id"]) for t in bound] == [(["ingest"], territory.versailles.id)]
    uplink = client.post(
        "/api/v1/ingest/chirpstack?event=up",
        json={"deviceInfo": {"devEui": UNKNOWN_EUI}, "fPort": 1, "data": "AQ=="},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert uplink.status_code in (200, 202), uplink.text


def test_integrations_of_another_member_stay_hidden(
    client: TestClient, territory: Territory
) -> None:
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    client.post(
        "/admin/integrations",
        data={"csrf_token": csrf, "kind": "tts", "name": f"{MARKER} TTS"},
    )
    integration_id = re.findall(
        r"/admin/integrations/(\d+)/jeton", client.get("/admin/integrations").text
    )[0]
    csrf = log_in_as(client, territory.boulogne, Role.member_admin)
    assert MARKER not in client.get("/admin/integrations").text
    response = client.post(f"/admin/integrations/{integration_id}/jeton", data={"csrf_token": csrf})
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.member_admin, Role.operator_admin])
def test_the_ingestion_pages_pass_the_accessibility_checks(
    client: TestClient, territory: Territory, role: Role
) -> None:
    send(client, territory, UNKNOWN_EUI)
    member = territory.operator if role is Role.operator_admin else territory.versailles
    csrf = log_in_as(client, member, role)
    form = {"csrf_token": csrf, "kind": "tts", "name": "TTS"}
    client.post("/admin/integrations", data=form | {"member_id": str(territory.versailles.id)})
    for path in ("/admin/integrations", "/admin/messages-rejetes", "/admin/appareils-decouverts"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert audit(response.text).problems() == [], path
        assert "Versailles" in response.text or role is Role.member_admin


def test_the_operator_sees_a_suspended_codec_and_lifts_it(
    client: TestClient, territory: Territory
) -> None:
    suspensions = runtime_of(client.app).pipeline.codecs.suspensions  # type: ignore[arg-type]
    memory = DecodeError("out of memory", reason=DecodeErrorReason.memory)
    suspensions.record("js-gourmand", [memory] * suspensions.after)
    csrf = log_in_as(client, territory.operator, Role.operator_admin)
    page = client.get("/admin/messages-rejetes").text
    assert "Décodeurs suspendus" in page
    assert "<code>js-gourmand</code>" in page
    response = client.post(
        "/admin/messages-rejetes/decodeurs/js-gourmand/lever", data={"csrf_token": csrf}
    )
    assert response.status_code == 200  # followed to the list
    assert "Le décodeur js-gourmand n&#39;est plus suspendu" in response.text
    assert "Décodeurs suspendus" not in response.text
    assert suspensions.current() == []


def test_a_member_sees_no_suspended_codec_and_cannot_lift_one(
    client: TestClient, territory: Territory
) -> None:
    suspensions = runtime_of(client.app).pipeline.codecs.suspensions  # type: ignore[arg-type]
    timeout = DecodeError("time limit", reason=DecodeErrorReason.timeout)
    suspensions.record("js-lent", [timeout] * suspensions.after)
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    assert "Décodeurs suspendus" not in client.get("/admin/messages-rejetes").text
    response = client.post(
        "/admin/messages-rejetes/decodeurs/js-lent/lever",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert [s.codec for s in suspensions.current()] == ["js-lent"]
