"""The ``convergence video`` commands, each run as a process of its own, as an operator runs
them (configured by its environment only): health, purge, verify-register.

The cameras are the ONVIF/RTSP simulator (served from a thread of the test while the command
runs), the recorder a segment directory; the command shares the platform's secret key, so it
opens the credentials the API sealed.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from convergence.simulation.onvif_cameras import CameraFleet, camera_host
from convergence.timeseries.tables import events
from convergence.video.tables import video_register
from convergence.web.deps import runtime_of
from tests.support import Territory
from tests.video.planting import create_camera, create_system
from tests.video.recordings import write_segment

NOW = datetime.now(UTC).replace(microsecond=0)


def convergence(
    client: TestClient, engine: Engine, *arguments: str
) -> subprocess.CompletedProcess[str]:
    """Run ``convergence <arguments>`` in a process against the test database."""
    settings = runtime_of(client.app).settings
    environment = os.environ | {
        "CONVERGENCE_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "CONVERGENCE_SECRET_KEY": settings.secret_key.get_secret_value(),
        "CONVERGENCE_DATA_DIR": str(settings.data_dir),
        "COLUMNS": "200",  # one line per message, whatever the terminal
    }
    command = [sys.executable, "-c", "from convergence.cli.main import run; run()", *arguments]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)


@pytest.fixture
def fleet() -> Iterator[CameraFleet]:
    """Two simulated cameras, served by an event loop in a thread of the test."""
    cameras = CameraFleet.of_size(2)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(cameras.start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield cameras
    asyncio.run_coroutine_threadsafe(cameras.stop(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    loop.close()


def test_video_health_checks_every_camera_with_its_sealed_credentials(
    client: TestClient, territory: Territory, engine: Engine, fleet: CameraFleet
) -> None:
    versailles = territory.versailles
    system_id = create_system(client, versailles, "H")
    ids = []
    for index in range(2):
        asset_id = create_camera(client, versailles, f"caméra {index}", system_id=system_id)
        host = camera_host(index)
        link = {"system_id": system_id, "host": host, "onvif_port": fleet.onvif_port,
                "rtsp_url": fleet.rtsp_url(host)}  # fmt: skip
        if index == 0:
            link |= {"username": "onvif-agent", "password": "p4ss-cam"}
        response = client.put(f"/api/v1/video/cameras/{asset_id}", headers=versailles.bearer(),
                               json=link)  # fmt: skip
        assert response.status_code == 200, response.text
        ids.append(asset_id)
    fleet.cameras[camera_host(1)].streaming = False
    # Camera 0 asks for RTSP Digest: only its sealed credentials open its stream.
    fleet.cameras[camera_host(0)].rtsp_credentials = ("onvif-agent", "p4ss-cam")

    done = convergence(client, engine, "video", "health", "--timeout", "10")
    assert done.returncode == 0, done.stderr
    assert "2 caméras vérifiées en" in done.stdout
    assert "1 en défaut." in done.stdout
    assert "onvif-agent" in fleet.cameras[camera_host(0)].users_seen  # opened and sent
    assert "onvif-agent" not in fleet.cameras[camera_host(1)].users_seen
    with engine.connect() as conn:
        stored = conn.execute(
            select(events.c.asset_id, events.c.payload).where(events.c.kind == "video.stream")
        ).all()
    states = {row.asset_id: row.payload["state"] for row in stored}
    assert states == {ids[0]: "up", ids[1]: "down"}


def test_video_purge_then_verify_register_and_a_tampered_line_exits_2(
    client: TestClient, territory: Territory, engine: Engine, tmp_path: Path
) -> None:
    versailles = territory.versailles
    root = tmp_path / "nvr"
    system_id = create_system(client, versailles, "P", retention_days=10,
                              recorder=f"segments:{root}")  # fmt: skip
    create_camera(client, versailles, "parvis", system_id=system_id, recorder_ref="cam1")
    old = write_segment(root, "cam1", NOW - timedelta(days=12))
    recent = write_segment(root, "cam1", NOW - timedelta(days=2))

    purged = convergence(client, engine, "video", "purge")
    assert purged.returncode == 0, purged.stderr
    assert (
        "P centre-ville : 1 enregistrement(s) détruit(s), 0 sous gel judiciaire, 0 échec(s)."
        in (purged.stdout)
    )
    assert not old.exists()
    assert recent.exists()

    verified = convergence(client, engine, "video", "verify-register", str(versailles.id))
    assert verified.returncode == 0, verified.stderr
    assert "Registre intègre : 1 lignes vérifiées." in verified.stdout

    with engine.begin() as conn:
        conn.execute(update(video_register).values(agent="quelqu'un d'autre"))
    tampered = convergence(client, engine, "video", "verify-register", str(versailles.id))
    assert tampered.returncode == 2
    assert "registre altéré à la ligne" in tampered.stdout + tampered.stderr
