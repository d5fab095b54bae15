"""ChirpStack and The Things Stack uplinks (formats of the reference note) become readings."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from convergence.ingest.schemas import IntegrationCreate, IntegrationKind
from convergence.ingest.service import create_integration
from convergence.ingest.tables import dead_letters
from convergence.members.roles import Role, TokenScope
from convergence.members.schemas import TokenCreate
from convergence.members.scope import command_line_scope
from convergence.members.tokens import create_token
from convergence.timeseries.tables import readings, series
from tests.ingest.conftest import Sensors
from tests.ingest.payloads import (
    UNREGISTERED_EUI,
    as_bytes,
    chirpstack_up,
    tts_up,
)
from tests.support import MemberFixture, Territory
from tests.web.pages_support import log_in_as

CHIRPSTACK = "/api/v1/ingest/chirpstack?event=up"
TTS = "/api/v1/ingest/tts"


def _taken_in(response: Any, *unmapped: str) -> None:
    """Stored, with the numbers no field map names kept as one « unmapped fields » letter."""
    assert response.status_code == 202, response.text
    [refused] = response.json()["refused"]
    assert refused["code"] == "unmapped_fields"
    assert all(name in refused["reason"] for name in unmapped), refused["reason"]


def _stored(engine: Engine) -> dict[str, tuple[str, float, datetime]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(series.c.quantity, series.c.unit, readings.c.value, readings.c.ts).join(
                readings, readings.c.series_id == series.c.id
            )
        ).all()
    return {r.quantity: (r.unit, r.value, r.ts) for r in rows}


def test_a_chirpstack_uplink_with_a_decoded_object_becomes_readings(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    response = client.post(
        CHIRPSTACK, content=as_bytes(chirpstack_up()), headers=territory.versailles.bearer("ingest")
    )
    _taken_in(response, "motion")
    assert response.json()["stored"] == 6
    when = datetime(2026, 11, 28, 9, 15, 2, 123456, tzinfo=UTC)
    assert _stored(engine) == {
        "temperature": ("°C", 22.6, when),
        "relative_humidity": ("%", 41.0, when),
        "illuminance": ("lx", 39.0, when),
        "co2": ("ppm", 776.0, when),
        "rssi": ("dBm", -97.0, when),
        "snr": ("dB", 7.5, when),
    }


def test_a_chirpstack_uplink_without_object_is_decoded_by_the_device_models_codec(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    message = chirpstack_up(object=None)
    response = client.post(
        CHIRPSTACK, content=as_bytes(message), headers=territory.versailles.bearer("ingest")
    )
    _taken_in(response, "motion")
    assert _stored(engine)["co2"][:2] == ("ppm", 776.0)


def test_a_tts_uplink_becomes_readings_in_canonical_units(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    response = client.post(
        TTS, content=as_bytes(tts_up()), headers=territory.versailles.bearer("ingest")
    )
    _taken_in(response, "protocol_version", "device_id")
    when = datetime(2026, 11, 28, 9, 15, 2, 205118, tzinfo=UTC)
    assert _stored(engine) == {
        "distance": ("m", 1.234, when),
        "battery_voltage": ("V", 2.993, when),
        "rssi": ("dBm", -112.0, when),
        "snr": ("dB", -3.25, when),
    }


def test_a_tts_uplink_without_decoded_payload_is_decoded_here(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    response = client.post(
        TTS, content=as_bytes(tts_up(decoded=False)), headers=territory.versailles.bearer("ingest")
    )
    _taken_in(response, "protocol_version", "device_id")
    assert _stored(engine)["distance"][:2] == ("m", 1.234)


@pytest.mark.parametrize(("path", "message"), [(CHIRPSTACK, chirpstack_up()), (TTS, tts_up())])
def test_the_same_uplink_twice_is_stored_once(
    client: TestClient,
    territory: Territory,
    sensors: Sensors,
    engine: Engine,
    path: str,
    message: dict[str, object],
) -> None:
    headers = territory.versailles.bearer("ingest")
    first = client.post(path, content=as_bytes(message), headers=headers).json()
    second = client.post(path, content=as_bytes(message), headers=headers).json()
    assert first["stored"] > 0
    assert (second["stored"], second["duplicates"]) == (0, first["stored"])
    with engine.connect() as conn:
        assert len(conn.execute(select(readings)).all()) == first["stored"]


def test_other_chirpstack_events_carry_no_readings(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    response = client.post(
        "/api/v1/ingest/chirpstack?event=join",
        content=as_bytes({"deviceInfo": {}}),
        headers=territory.versailles.bearer("ingest"),
    )
    assert response.status_code == 200
    assert response.json()["messages"] == 0


def test_an_uplink_of_another_members_device_is_kept_but_not_stored(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    response = client.post(
        CHIRPSTACK, content=as_bytes(chirpstack_up()), headers=territory.boulogne.bearer("ingest")
    )
    assert response.status_code == 202
    assert response.json()["refused"][0]["code"] == "unknown_device"
    assert _stored(engine) == {}


def _send_from_unregistered(client: TestClient, territory: Territory) -> None:
    """Two uplinks of an unregistered ERS CO2, the second one sent twice (a retry)."""
    headers = territory.versailles.bearer("ingest")
    for minute, temperature in ((15, 21.0), (25, 22.0), (25, 22.0)):
        message = chirpstack_up(devEui=UNREGISTERED_EUI.lower(), time=f"2026-11-28T09:{minute}:00Z")
        message["object"]["temperature"] = temperature
        response = client.post(CHIRPSTACK, content=as_bytes(message), headers=headers)
        assert response.status_code == 202


def _discovered(client: TestClient, member: MemberFixture) -> list[dict[str, Any]]:
    response = client.get("/api/v1/discovered-devices", headers=member.bearer("read"))
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.json()["items"]
    return found


def _temperatures(engine: Engine, asset_id: int) -> list[float]:
    with engine.connect() as conn:
        query = (
            select(readings.c.value)
            .join(series, series.c.id == readings.c.series_id)
            .where(series.c.asset_id == asset_id, series.c.quantity == "temperature")
            .order_by(readings.c.ts)
        )
        return list(conn.execute(query).scalars())


def test_an_unregistered_device_is_discovered(
    client: TestClient, territory: Territory, sensors: Sensors
) -> None:
    _send_from_unregistered(client, territory)
    [device] = _discovered(client, territory.versailles)
    assert (device["device_ref"], device["messages"]) == (UNREGISTERED_EUI, 3)
    assert device["first_seen"] < device["last_seen"]
    assert device["sample"]["metadata"]["device_name"] == "ecole-jaures-salle-12"
    assert _discovered(client, territory.boulogne) == []
    operator = client.get("/api/v1/discovered-devices", headers=territory.operator.bearer("admin"))
    assert [d["device_ref"] for d in operator.json()["items"]] == [UNREGISTERED_EUI]


def test_a_discovered_device_is_replayed_when_registered(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    _send_from_unregistered(client, territory)
    asset = {
        "name": "ERS CO2 salle 14",
        "kind": "sensor",
        "domain": "air",
        "dev_eui": UNREGISTERED_EUI,
        "device_model_id": sensors.elsys_model,
        "lon": 2.1301,
        "lat": 48.8049,
    }
    created = client.post(
        "/api/v1/assets", json=asset, headers=territory.versailles.bearer("admin")
    )
    assert created.status_code == 201, created.text
    assert _temperatures(engine, created.json()["id"]) == [21.0, 22.0]
    with engine.connect() as conn:
        letters = conn.execute(select(dead_letters.c.status, dead_letters.c.reason_code)).all()
    # Taken in; the Elsys "motion" count, which no field map names, waits for one.
    assert [tuple(letter) for letter in letters] == [("pending", "unmapped_fields")] * 2
    assert _discovered(client, territory.versailles) == []


def test_a_token_bound_to_a_tts_integration_cannot_post_chirpstack(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    with engine.begin() as conn:
        integration = create_integration(
            conn,
            scope=command_line_scope(),
            data=IntegrationCreate(
                kind=IntegrationKind.tts, name="TTN", member_id=territory.versailles.id
            ),
        )
        token = create_token(
            conn,
            member_id=territory.versailles.id,
            actor="test",
            data=TokenCreate(name="ttn", scopes=[TokenScope.ingest], integration_id=integration.id),
        ).secret
    headers = {"Authorization": f"Bearer {token}"}
    _taken_in(client.post(TTS, content=as_bytes(tts_up()), headers=headers))
    refused = client.post(CHIRPSTACK, content=as_bytes(chirpstack_up()), headers=headers)
    assert refused.status_code == 403
    assert "bound to integration" in refused.json()["error"]["message"]


def test_the_best_gateways_rssi_and_snr_are_stored_and_shown_in_device_health(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    chirpstack = chirpstack_up()
    heard_better = chirpstack["rxInfo"][0]
    heard_worse = heard_better | {"gatewayId": "0016c001f1500000", "rssi": -118, "snr": -9.0}
    chirpstack["rxInfo"] = [heard_worse, heard_better]
    tts = tts_up()
    heard = tts["uplink_message"]["rx_metadata"][0]
    tts["uplink_message"]["rx_metadata"] = [heard, heard | {"rssi": -90, "snr": 4.5}]

    for route, message in ((CHIRPSTACK, chirpstack), (TTS, tts)):
        response = client.post(
            route, content=as_bytes(message), headers=territory.versailles.bearer("ingest")
        )
        assert response.status_code == 202, response.text

    with engine.connect() as conn:
        rows = conn.execute(
            select(series.c.asset_id, series.c.quantity, series.c.unit, readings.c.value)
            .join(readings, readings.c.series_id == series.c.id)
            .where(series.c.quantity.in_(["rssi", "snr"]))
        ).all()
    assert sorted(tuple(r) for r in rows) == sorted(
        [
            (sensors.ers_co2, "rssi", "dBm", -97.0),
            (sensors.ers_co2, "snr", "dB", 7.5),
            (sensors.dl_mbx, "rssi", "dBm", -90.0),
            (sensors.dl_mbx, "snr", "dB", 4.5),
        ]
    )
    log_in_as(client, territory.versailles, Role.viewer)
    page = unescape(client.get(f"/inventaire/{sensors.ers_co2}").text)
    assert "Puissance du signal reçu (RSSI)</dt><dd>-97,0 dBm" in page
    assert "Rapport signal sur bruit (SNR)</dt><dd>7,5 dB" in page
