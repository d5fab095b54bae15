"""Camera health through ONVIF and RTSP, stored as readings and events that fire alerts."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from convergence.simulation.onvif_cameras import CameraFleet, camera_host
from convergence.video import health
from convergence.video.credentials import Credentials
from convergence.video.tables import video_cameras
from tests.support import Territory
from tests.video.planting import create_camera, create_system
from tests.video.zoneminder import SIMULATOR, SYSTEM_PYTHON


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _cameras(
    client: TestClient, territory: Territory, engine: Engine, fleet: CameraFleet
) -> list[int]:
    system_id = create_system(client, territory.versailles, "V")
    ids = []
    for index in range(3):
        asset_id = create_camera(
            client, territory.versailles, f"caméra {index}", system_id=system_id
        )
        host = camera_host(index)
        with engine.begin() as conn:
            conn.execute(
                update(video_cameras)
                .where(video_cameras.c.asset_id == asset_id)
                .values(host=host, onvif_port=fleet.onvif_port, rtsp_url=fleet.rtsp_url(host))
            )
        ids.append(asset_id)
    return ids


def _firing(client: TestClient, territory: Territory) -> set[tuple[int, str]]:
    items = client.get("/api/v1/alerts", headers=territory.versailles.bearer()).json()["items"]
    return {(a["asset_id"], a["rule_name"]) for a in items if a["status"] == "firing"}


def test_a_stopped_stream_or_a_drifting_clock_opens_an_alert(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    fleet = CameraFleet.of_size(3)
    fleet.onvif_port, fleet.rtsp_port = _free_port(), _free_port()
    first, second, third = _cameras(client, territory, engine, fleet)

    async def scenario() -> list[list[health.HealthResult]]:
        await fleet.start()
        try:
            cycles = [await health.run_cycle(engine)]
            fleet.cameras[camera_host(1)].streaming = False
            fleet.cameras[camera_host(2)].clock_offset_s = 30
            cycles.append(await health.run_cycle(engine))
            fleet.cameras[camera_host(1)].streaming = True
            cycles.append(await health.run_cycle(engine))
        finally:
            await fleet.stop()
        return cycles

    healthy, broken, repaired = asyncio.run(scenario())
    assert all(r.up and abs(r.clock_drift_s or 99) < 2 for r in healthy)
    assert healthy[0].device == {
        "model": "SIM-IPC-2000",
        "firmware": "1.4.2",
        "serial": "SIM000000",
    }
    by_asset = {r.target.asset_id: r for r in broken}
    assert by_asset[second].problem == "rtsp answered RTSP/1.0 503 Service Unavailable"
    assert 29 <= abs(by_asset[third].clock_drift_s or 0) <= 31
    assert all(r.up for r in repaired)
    assert _firing(client, territory) == {(third, "Caméra : horloge dérivée")}
    items = client.get(
        "/api/v1/alerts", headers=territory.versailles.bearer(), params={"status": "resolved"}
    ).json()["items"]
    assert {(a["asset_id"], a["rule_name"]) for a in items} == {
        (second, "Caméra : flux interrompu")
    }
    assert first not in {a["asset_id"] for a in items}


def test_a_switched_off_camera_is_unreachable_and_its_stream_down(engine: Engine) -> None:
    fleet = CameraFleet.of_size(1)
    fleet.cameras[camera_host(0)].powered = False
    target = health.HealthTarget(1, 1, camera_host(0), 0, None)

    async def scenario() -> health.HealthResult:
        await fleet.start()
        try:
            probe = health.HealthTarget(
                1, 1, camera_host(0), fleet.onvif_port, fleet.rtsp_url(camera_host(0))
            )
            return await health.check_camera(probe, timeout_s=2)
        finally:
            await fleet.stop()

    result = asyncio.run(scenario())
    assert target.host == result.target.host
    assert not result.reachable
    assert not result.up
    assert result.problem.startswith("onvif unreachable")


@pytest.fixture
def gstreamer_camera() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [SYSTEM_PYTHON, str(SIMULATOR), str(port), "cam"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    yield f"rtsp://127.0.0.1:{port}/cam"
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


def test_describe_works_against_a_real_rtsp_server(gstreamer_camera: str) -> None:
    assert asyncio.run(health.describe(gstreamer_camera, timeout_s=10)) == ""
    missing = asyncio.run(health.describe(gstreamer_camera.replace("/cam", "/none"), timeout_s=10))
    assert missing == "rtsp answered RTSP/1.0 404 Not Found"


def test_describe_answers_a_digest_challenge_with_the_cameras_credentials() -> None:
    fleet = CameraFleet.of_size(1)
    fleet.cameras[camera_host(0)].rtsp_credentials = ("agent", "s3cret")

    async def scenario() -> list[str]:
        await fleet.start()
        try:
            address = fleet.rtsp_url(camera_host(0))
            return [
                await health.describe(address, timeout_s=5),
                await health.describe(address, timeout_s=5, credentials=Credentials("agent", "x")),
                await health.describe(
                    address, timeout_s=5, credentials=Credentials("agent", "s3cret")
                ),
            ]
        finally:
            await fleet.stop()

    anonymous, wrong, right = asyncio.run(scenario())
    assert anonymous == "rtsp answered RTSP/1.0 401 Unauthorized"
    assert wrong == "rtsp answered RTSP/1.0 401 Unauthorized"
    assert right == ""
