"""Recorder and camera credentials: sealed in the database, never shown back in clear.

A ZoneMinder URL given with ``user:password@`` is split: the system keeps the address, the
credentials are sealed (Fernet) under a key kept outside the database. Neither the API, nor
the tables, nor the audit log hold the password in clear; the connector gets it back.
"""

from __future__ import annotations

from contextlib import closing

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from convergence.errors import InvalidInput
from convergence.members.scope import command_line_scope
from convergence.members.tables import audit_log
from convergence.video import service
from convergence.video.connectors.zoneminder import ZoneMinderRecorder
from convergence.video.credentials import Credentials, Sealer
from convergence.video.tables import video_cameras, video_systems
from convergence.web.deps import runtime_of
from tests.support import Territory
from tests.video.planting import create_camera, create_system

PASSWORD = "Zm-s3cret-Pass!"
CAMERA_PASSWORD = "onvif-P4ss-42"


def _everything_stored(engine: Engine) -> str:
    with engine.connect() as conn:
        rows = [
            *conn.execute(select(video_systems)),
            *conn.execute(select(video_cameras)),
            *conn.execute(select(audit_log)),
        ]
    return repr(rows)


def _sealer(client: TestClient) -> Sealer:
    return Sealer(runtime_of(client.app).settings.resolved_video_credentials_key)


def test_a_recorder_password_is_sealed_and_the_connector_gets_it_back(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    versailles = territory.versailles
    system_id = create_system(
        client,
        versailles,
        "ZMC",
        recorder=f"zoneminder:http://admin:{PASSWORD}@nvr.example:8080/zm",
    )
    shown = client.get(f"/api/v1/video/systems/{system_id}", headers=versailles.bearer()).json()
    assert shown["recorder"] == "zoneminder:http://nvr.example:8080/zm"
    assert shown["recorder_credentials_set"] is True
    assert PASSWORD not in str(shown)
    assert PASSWORD not in _everything_stored(engine)
    assert "admin:" not in _everything_stored(engine)

    with engine.connect() as conn:
        connector = service.recorder_connector(
            conn, scope=command_line_scope(), system_id=system_id, sealer=_sealer(client)
        )
    with closing(connector):
        assert isinstance(connector, ZoneMinderRecorder)
        assert connector.base_url == "http://nvr.example:8080/zm"
        assert connector._credentials == ("admin", PASSWORD)

    # Another key (a stolen dump read elsewhere) opens nothing.
    with engine.connect() as conn, pytest.raises(InvalidInput):
        service.recorder_connector(
            conn, scope=command_line_scope(), system_id=system_id,
            sealer=Sealer(Fernet.generate_key()),
        )  # fmt: skip


def test_a_new_password_replaces_the_sealed_one_and_changing_the_address_alone_keeps_it(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    versailles = territory.versailles
    system_id = create_system(client, versailles, "ZMD", recorder="zoneminder:http://nvr:8080/zm")
    path, headers = f"/api/v1/video/systems/{system_id}", versailles.bearer()
    assert client.get(path, headers=headers).json()["recorder_credentials_set"] is False
    changed = client.patch(
        path, headers=headers, json={"recorder_user": "viewer", "recorder_password": PASSWORD}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["recorder_credentials_set"] is True
    assert PASSWORD not in changed.text
    moved = client.patch(path, headers=headers, json={"recorder": "zoneminder:http://nvr2/zm"})
    assert moved.json()["recorder_credentials_set"] is True  # the password stays sealed
    assert PASSWORD not in _everything_stored(engine)
    with engine.connect() as conn:
        sealed = conn.execute(
            select(video_systems.c.recorder_credentials).where(video_systems.c.id == system_id)
        ).scalar_one()
    assert _sealer(client).open(sealed) == Credentials("viewer", PASSWORD)
    cleared = client.patch(path, headers=headers, json={"recorder_user": ""})
    assert cleared.json()["recorder_credentials_set"] is False


def test_camera_credentials_are_sealed_out_of_its_rtsp_address(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    versailles = territory.versailles
    system_id = create_system(client, versailles, "CAM")
    camera = create_camera(client, versailles, "parvis", system_id=system_id)
    linked = client.put(
        f"/api/v1/video/cameras/{camera}",
        headers=versailles.bearer(),
        json={"system_id": system_id, "host": "10.0.0.7", "onvif_port": 80,
              "rtsp_url": f"rtsp://onvif:{CAMERA_PASSWORD}@10.0.0.7:554/stream1"},
    )  # fmt: skip
    assert linked.status_code == 200, linked.text
    assert linked.json()["rtsp_url"] == "rtsp://10.0.0.7:554/stream1"
    assert linked.json()["credentials_set"] is True
    assert CAMERA_PASSWORD not in linked.text
    assert CAMERA_PASSWORD not in _everything_stored(engine)
    with engine.connect() as conn:
        sealed = conn.execute(
            select(video_cameras.c.credentials).where(video_cameras.c.asset_id == camera)
        ).scalar_one()
    assert _sealer(client).open(sealed) == Credentials("onvif", CAMERA_PASSWORD)
    again = client.put(f"/api/v1/video/cameras/{camera}", headers=versailles.bearer(),
                       json={"system_id": system_id, "vv_authorised": True})  # fmt: skip
    assert again.json()["credentials_set"] is True  # re-saved without them: kept sealed
    assert "***" in repr(Credentials("onvif", CAMERA_PASSWORD))
    assert CAMERA_PASSWORD not in repr(Credentials("onvif", CAMERA_PASSWORD))
