"""Decoded numbers no field map names are kept, shown, and stored once the model maps them."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from convergence.ingest.tables import dead_letters
from convergence.members.roles import Role
from convergence.timeseries.tables import readings, series
from tests.ingest.conftest import device_model, register
from tests.ingest.payloads import as_bytes, chirpstack_up
from tests.support import Territory
from tests.web.session import log_in

CHIRPSTACK = "/api/v1/ingest/chirpstack?event=up"
LPP_EUI = "0004A30B00FF0001"
# Cayenne LPP: channel 1 temperature 27.2 °C, channel 3 relative humidity 63.5 %.
LPP_FRAME = bytes.fromhex("0167011003687f")


def _stored(engine: Engine) -> dict[str, float]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(series.c.quantity, readings.c.value).join(
                readings, readings.c.series_id == series.c.id
            )
        ).all()
    return {r.quantity: r.value for r in rows}


def _lpp_uplink() -> bytes:
    data = base64.b64encode(LPP_FRAME).decode()
    return as_bytes(chirpstack_up(object=None, devEui=LPP_EUI, data=data))


def test_a_cayenne_uplink_without_field_map_is_kept_shown_and_stored_once_mapped(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    model_id = device_model(engine, "generic", "cayenne-lpp-node", "cayenne-lpp")
    asset_id = register(
        engine, territory.versailles.id, name="Nœud LPP", dev_eui=LPP_EUI, device_model_id=model_id
    )

    answer = client.post(
        CHIRPSTACK, content=_lpp_uplink(), headers=territory.versailles.bearer("ingest")
    )

    assert answer.status_code == 202, answer.text  # accepted, but not all of it stored
    assert answer.json()["stored"] == 2  # only the gateway's RSSI and SNR
    [refused] = answer.json()["refused"]
    assert refused["code"] == "unmapped_fields"
    assert "temperature_1" in refused["reason"]
    assert "relative_humidity_3" in refused["reason"]
    with engine.connect() as conn:
        kept = conn.execute(
            select(dead_letters).where(dead_letters.c.id == refused["dead_letter_id"])
        ).one()
    assert kept.status == "pending"
    assert kept.member_id == territory.versailles.id
    assert _stored(engine) == {"rssi": -97.0, "snr": 7.5}  # the gateway's reception only

    log_in(client, territory.versailles.user(Role.member_admin))
    asset_page = client.get(f"/inventaire/{asset_id}").text
    assert "Champs non reconnus" in asset_page
    assert "temperature_1" in asset_page
    models_page = client.get("/admin/modeles").text
    assert "relative_humidity_3" in models_page
    client.post("/deconnexion")

    field_map = {
        "temperature_1": {"quantity": "temperature", "unit": "°C"},
        "relative_humidity_3": {"quantity": "relative_humidity", "unit": "%"},
    }
    changed = client.patch(
        f"/api/v1/device-models/{model_id}",
        json={"field_map": field_map},
        headers=territory.operator.bearer("admin"),
    )

    assert changed.status_code == 200, changed.text
    assert changed.json()["replay"]["replayed"] == [refused["dead_letter_id"]]
    assert changed.json()["replay"]["stored"] == 2
    assert _stored(engine) == {
        "rssi": -97.0,
        "snr": 7.5,
        "temperature": 27.2,
        "relative_humidity": 63.5,
    }
    log_in(client, territory.versailles.user(Role.member_admin))
    assert "Champs non reconnus" not in client.get(f"/inventaire/{asset_id}").text


def test_another_member_does_not_see_the_unrecognised_fields(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    model_id = device_model(engine, "generic", "cayenne-lpp-node", "cayenne-lpp")
    asset_id = register(
        engine, territory.versailles.id, name="Nœud LPP", dev_eui=LPP_EUI, device_model_id=model_id
    )
    client.post(CHIRPSTACK, content=_lpp_uplink(), headers=territory.versailles.bearer("ingest"))

    log_in(client, territory.boulogne.user(Role.member_admin))

    assert client.get(f"/inventaire/{asset_id}").status_code == 404
    assert "temperature_1" not in client.get("/admin/modeles").text


def test_only_the_operator_changes_a_device_model(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    model_id = device_model(engine, "generic", "cayenne-lpp-node", "cayenne-lpp")

    refused = client.patch(
        f"/api/v1/device-models/{model_id}",
        json={"field_map": {}},
        headers=territory.versailles.bearer("admin"),
    )

    assert refused.status_code == 403, refused.text
