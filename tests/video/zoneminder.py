"""A real ZoneMinder (started by .ci/zoneminder) recording simulated RTSP cameras.

The fixture starts the GStreamer RTSP camera simulator, adds one ZoneMinder monitor per
camera through ZoneMinder's API (recording 10-second events with camera passthrough), waits
for finished events, and removes its monitors and events at the end. Without a ZoneMinder
the tests are skipped on a workstation and fail in CI.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ZONEMINDER_URL = os.environ.get("CONVERGENCE_TEST_ZONEMINDER_URL", "http://127.0.0.1:8089/zm")
SYSTEM_PYTHON = "/usr/bin/python3"
SIMULATOR = Path(__file__).with_name("rtsp_camera.py")


@dataclass
class ZoneMinder:
    url: str
    monitors: dict[str, int]  # camera name -> monitor id

    def api(self, path: str) -> str:
        return f"{self.url}/api/index.php/{path}"

    def finished_events(self, monitor_id: int) -> list[dict[str, str]]:
        response = httpx.get(self.api(f"events/index/MonitorId:{monitor_id}.json"), timeout=10)
        events = [e["Event"] for e in response.json()["events"]]
        return [e for e in events if e["EndDateTime"]]


def _reachable() -> bool:
    try:
        return httpx.get(
            f"{ZONEMINDER_URL}/api/index.php/host/getVersion.json", timeout=3
        ).is_success
    except httpx.HTTPError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start_cameras(names: list[str]) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    process = subprocess.Popen(
        [SYSTEM_PYTHON, str(SIMULATOR), str(port), *names],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        process.kill()
        pytest.fail("the RTSP camera simulator did not start (python3-gi, gst-rtsp-server?)")
    return process, port


def _add_monitor(url: str, name: str, rtsp: str) -> int:
    fields = {
        "Name": name,
        "Function": "Record",
        "Enabled": "1",
        "Type": "Ffmpeg",
        "Path": rtsp,
        "Method": "rtpRtsp",
        "Width": "320",
        "Height": "240",
        "Colours": "4",
        "SaveJPEGs": "0",
        "VideoWriter": "2",  # camera passthrough: each event is one MP4 file
        "SectionLength": "10",
        "MinSectionLength": "5",
    }
    data = {f"Monitor[{k}]": v for k, v in fields.items()}
    created = httpx.post(f"{url}/api/index.php/monitors.json", data=data, timeout=30)
    assert created.is_success, created.text
    listed = httpx.get(f"{url}/api/index.php/monitors.json", timeout=10).json()["monitors"]
    return max(int(m["Monitor"]["Id"]) for m in listed if m["Monitor"]["Name"] == name)


def _remove_monitor(zm: ZoneMinder, monitor_id: int) -> None:
    for event in httpx.get(zm.api(f"events/index/MonitorId:{monitor_id}.json"), timeout=10).json()[
        "events"
    ]:
        httpx.delete(zm.api(f"events/{event['Event']['Id']}.json"), timeout=10)
    httpx.delete(zm.api(f"monitors/{monitor_id}.json"), timeout=30)


@pytest.fixture(scope="session")
def zoneminder() -> Iterator[ZoneMinder]:
    """ZoneMinder with two recording cameras, each with a finished event (a test that needs
    more waits for them: the cameras keep recording meanwhile)."""
    if not _reachable():
        if os.environ.get("CI"):
            pytest.fail(f"ZoneMinder is required in CI: run .ci/zoneminder ({ZONEMINDER_URL})")
        pytest.skip(f"ZoneMinder is not running at {ZONEMINDER_URL} (run .ci/zoneminder)")
    names = [f"cvg-{secrets.token_hex(3)}-{n}" for n in ("a", "b")]
    process, port = _start_cameras(names)
    zm = ZoneMinder(ZONEMINDER_URL, {})
    try:
        for name in names:
            zm.monitors[name] = _add_monitor(
                ZONEMINDER_URL, name, f"rtsp://127.0.0.1:{port}/{name}"
            )
        _wait_for_events(zm, minimum=1)
        yield zm
    finally:
        for monitor_id in zm.monitors.values():
            _remove_monitor(zm, monitor_id)
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def _wait_for_events(zm: ZoneMinder, *, minimum: int, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(len(zm.finished_events(m)) >= minimum for m in zm.monitors.values()):
            return
        time.sleep(2)
    counts = {name: len(zm.finished_events(m)) for name, m in zm.monitors.items()}
    print(f"ZoneMinder events after {timeout_s}s: {counts}", file=sys.stderr)
    pytest.fail(f"ZoneMinder did not record {minimum} events per camera in {timeout_s}s: {counts}")
