"""ChirpStack v4 events in Protobuf, built with `chirpstack-api`, stored like their JSON twin."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from chirpstack_api import gw, integration
from fastapi.testclient import TestClient
from google.protobuf.json_format import MessageToJson
from google.protobuf.struct_pb2 import Struct
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import Engine, select

from convergence.ingest.schemas import IntegrationConfig, IntegrationCreate, IntegrationKind
from convergence.ingest.service import create_integration
from convergence.ingest.tables import dead_letters
from convergence.members.roles import TokenScope
from convergence.members.schemas import TokenCreate
from convergence.members.scope import command_line_scope
from convergence.members.tokens import create_token
from convergence.timeseries.tables import readings, series
from tests.ingest.conftest import Sensors
from tests.ingest.payloads import ERS_CO2_EUI, UNREGISTERED_EUI
from tests.support import Territory

CHIRPSTACK = "/api/v1/ingest/chirpstack"
PROTOBUF = {"Content-Type": "application/octet-stream"}
WHEN = datetime(2026, 11, 28, 9, 15, 2, 123456, tzinfo=UTC)


def uplink_event(dev_eui: str = ERS_CO2_EUI, *, decoded: bool = True) -> integration.UplinkEvent:
    """An Elsys ERS CO2 uplink as ChirpStack v4 builds it."""
    time = Timestamp()
    time.FromDatetime(WHEN)
    event = integration.UplinkEvent(
        deduplication_id="3ac7e3c4-4401-4b8d-9386-a5c902f9202d",
        time=time,
        device_info=integration.DeviceInfo(
            tenant_id="52f14cd4-c6f1-4fbd-8f87-4025e1d49242",
            application_id="f7a7c2f4-5d3e-4a51-9b0e-2e1f0c8a9d11",
            device_name="ecole-jaures-salle-12",
            dev_eui=dev_eui.lower(),
        ),
        dev_addr="01f2a3b4",
        f_cnt=1042,
        f_port=1,
        data=base64.b64decode("AQDiAikEACcFBgYDCA=="),
        rx_info=[gw.UplinkRxInfo(gateway_id="0016c001f153a14c", rssi=-97, snr=7.5)],
        tx_info=gw.UplinkTxInfo(frequency=868100000),
    )
    if decoded:
        values = Struct()
        values.update({"temperature": 22.6, "humidity": 41, "light": 39, "co2": 776})
        event.object.CopyFrom(values)
    return event


def _stored(engine: Engine) -> dict[str, tuple[str, float, datetime]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(series.c.quantity, series.c.unit, readings.c.value, readings.c.ts).join(
                readings, readings.c.series_id == series.c.id
            )
        ).all()
    return {r.quantity: (r.unit, r.value, r.ts) for r in rows}


EXPECTED = {
    "temperature": ("°C", 22.6, WHEN),
    "relative_humidity": ("%", 41.0, WHEN),
    "illuminance": ("lx", 39.0, WHEN),
    "co2": ("ppm", 776.0, WHEN),
    # The gateway's reception, which device health shows.
    "rssi": ("dBm", -97.0, WHEN),
    "snr": ("dB", 7.5, WHEN),
}


@pytest.mark.parametrize("decoded", [True, False], ids=["object", "codec"])
def test_a_protobuf_uplink_is_stored_like_its_json_twin(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine, decoded: bool
) -> None:
    event = uplink_event(decoded=decoded)
    headers = territory.versailles.bearer("ingest")

    as_protobuf = client.post(
        f"{CHIRPSTACK}?event=up", content=event.SerializeToString(), headers=headers | PROTOBUF
    )
    from_protobuf = _stored(engine)
    as_json = client.post(
        f"{CHIRPSTACK}?event=up",
        content=MessageToJson(event).encode(),
        headers=headers | {"Content-Type": "application/json"},
    )

    # Decoded here, the Elsys "motion" count that no field map names is kept aside (202).
    assert as_protobuf.status_code == (200 if decoded else 202), as_protobuf.text
    assert as_protobuf.json()["stored"] == 6
    assert from_protobuf == EXPECTED
    assert as_json.status_code == as_protobuf.status_code, as_json.text
    assert as_json.json()["duplicates"] == 6  # the same readings: nothing new
    codes = [[r["code"] for r in a.json()["refused"]] for a in (as_protobuf, as_json)]
    assert codes[0] == codes[1]
    assert _stored(engine) == EXPECTED


def test_the_integrations_marshaler_setting_reads_protobuf_without_a_content_type(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    with engine.begin() as conn:
        chirpstack = create_integration(
            conn,
            scope=command_line_scope(),
            data=IntegrationCreate(
                kind=IntegrationKind.chirpstack,
                name="ChirpStack",
                member_id=territory.versailles.id,
                config=IntegrationConfig(marshaler="protobuf"),
            ),
        )
        token = create_token(
            conn,
            member_id=territory.versailles.id,
            actor="test",
            data=TokenCreate(name="cs", scopes=[TokenScope.ingest], integration_id=chirpstack.id),
        ).secret

    answer = client.post(
        f"{CHIRPSTACK}?event=up",
        content=uplink_event().SerializeToString(),
        headers={"Authorization": f"Bearer {token}"},
    )

    assert answer.status_code == 200, answer.text
    assert _stored(engine) == EXPECTED


def test_protobuf_events_other_than_uplinks_are_read_and_carry_no_readings(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    status = integration.StatusEvent(
        deduplication_id="a", device_info=integration.DeviceInfo(dev_eui=ERS_CO2_EUI.lower())
    )
    status.battery_level = 87.5
    log = integration.LogEvent(
        level=integration.LogLevel.ERROR, code=integration.LogCode.UPLINK_CODEC
    )
    headers = territory.versailles.bearer("ingest") | PROTOBUF

    answers = [
        client.post(
            f"{CHIRPSTACK}?event=status", content=status.SerializeToString(), headers=headers
        ),
        client.post(f"{CHIRPSTACK}?event=log", content=log.SerializeToString(), headers=headers),
    ]

    assert [a.status_code for a in answers] == [200, 200]
    assert _stored(engine) == {}


def test_an_unreadable_protobuf_body_or_an_unknown_device_is_kept_and_replayable(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    headers = territory.versailles.bearer("ingest") | PROTOBUF

    garbage = client.post(f"{CHIRPSTACK}?event=up", content=b"\xff\xff\xff", headers=headers)
    unknown = client.post(
        f"{CHIRPSTACK}?event=up",
        content=uplink_event(UNREGISTERED_EUI).SerializeToString(),
        headers=headers,
    )

    assert garbage.status_code == 202
    assert garbage.json()["refused"][0]["code"] == "invalid_format"
    assert "Protobuf" in garbage.json()["refused"][0]["reason"]
    assert unknown.status_code == 202
    assert unknown.json()["refused"][0]["code"] == "unknown_device"
    with engine.connect() as conn:
        kept = conn.execute(select(dead_letters).order_by(dead_letters.c.id)).all()
    assert [k.metadata["encoding"] for k in kept] == ["protobuf", "protobuf"]
    assert kept[1].raw == uplink_event(UNREGISTERED_EUI).SerializeToString()
