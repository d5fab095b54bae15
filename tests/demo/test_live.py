"""The running demo: live data over HTTP (and MQTT when a broker answers), and the command."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from convergence.cli.demo import demo_runtime
from convergence.db.types import utcnow
from convergence.demo import chargers, live
from convergence.demo.build import Demo
from convergence.demo.catalogue import MQTT_COMMUNES
from convergence.ingest.tables import dead_letters
from convergence.members.tables import members
from convergence.runtime import Runtime
from convergence.timeseries.tables import events, readings, series
from convergence.web.app import create_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(check: Callable[[], bool], *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def runtime(built: Demo) -> Iterator[Runtime]:
    """The demo process's runtime (closed at the end)."""
    runtime = demo_runtime(built)
    yield runtime
    runtime.close()


@pytest.fixture
def server(built: Demo, runtime: Runtime) -> Iterator[str]:
    """The demo's application on a live server in this process."""
    port = free_port()
    app = create_app(runtime=runtime)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    assert wait_until(lambda: running.started, timeout=30)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


def _readings_between(demo: Demo, start: datetime, end: datetime, insee: frozenset[str]) -> int:
    query = (
        select(func.count())
        .select_from(readings.join(series).join(members, members.c.id == series.c.member_id))
        .where(readings.c.ts >= start, readings.c.ts < end, members.c.insee.in_(sorted(insee)))
    )
    with demo.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_a_tick_sends_every_commune_s_readings_over_http(built: Demo, server: str) -> None:
    sender = live.LiveSender(built, base_url=server, publisher=None)
    start = sender.since = utcnow().replace(microsecond=0) - timedelta(minutes=3)
    try:
        sender.tick()
    finally:
        sender.close()
    assert sender.sent >= 2 * (len(built.fleet.series) - 1)
    # Those back-filled already (the history ends when the demo was built) are duplicates; a
    # live value that differs from the back-filled one at the same instant is kept as a
    # conflicting_duplicate dead letter, never dropped. Nothing else is refused.
    with built.engine.connect() as conn:
        codes = conn.execute(
            select(dead_letters.c.reason_code, func.count())
            .where(dead_letters.c.last_received_at >= start)
            .group_by(dead_letters.c.reason_code)
        ).all()
    assert set(dict(codes)) <= {"conflicting_duplicate"}
    assert sender.stored >= 0.9 * sender.sent
    everyone = frozenset(built.state.tokens)
    assert _readings_between(built, start, sender.since, everyone) >= sender.sent


def test_some_communes_publish_over_mqtt_to_the_platform_s_subscriber(
    built: Demo, runtime: Runtime
) -> None:
    settings = built.settings
    if not live.broker_reachable(settings.mqtt_host, settings.mqtt_port):
        pytest.skip(f"no MQTT broker at {settings.mqtt_host}:{settings.mqtt_port}")
    root = f"convergence-demo-test-{secrets.token_hex(4)}"
    subscriber = live.mqtt_subscriber(built, root=root, runtime=runtime)
    thread = subscriber.start_background()
    publisher = live.MqttPublisher(settings.mqtt_host, settings.mqtt_port, root=root)
    start = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    try:
        assert subscriber.subscribed.wait(10)
        end = start + timedelta(minutes=2)
        items = live.live_items(built, start=start, end=end)
        mine = [item for item in items if item.insee in MQTT_COMMUNES]
        publisher.publish(mine)
        assert wait_until(lambda: subscriber.taken_in >= 1, timeout=20)
        assert wait_until(
            lambda: _readings_between(built, start, end, MQTT_COMMUNES) >= len(mine), timeout=20
        )
    finally:
        publisher.close()
        subscriber.stop()
        thread.join(timeout=10)


def test_the_command_serves_the_demo_until_interrupted(built: Demo, demo_dir: Path) -> None:
    port = free_port()
    command = [sys.executable, "-c", "from convergence.cli.main import run; run()", "demo",
               "--data-dir", str(demo_dir), "--days", "1", "--port", str(port)]  # fmt: skip
    env = {**os.environ, "CONVERGENCE_DATA_DIR": str(demo_dir.parent / "platform-data")}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        assert wait_until(lambda: _healthy(port) or process.poll() is not None, timeout=90)
        assert process.poll() is None, "the demo stopped before serving"
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").json()["status"] == "ok"
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0].decode()
    # uvicorn shuts down cleanly, then exits as interrupted (130), as `convergence serve` does.
    assert process.returncode in (0, 130), output
    assert "elu@versailles.demo.fr" in output
    assert "convergence-demo" in output


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_some_charge_points_connect_over_ocpp_with_their_password(built: Demo, server: str) -> None:
    fleet = chargers.ChargerFleet(built, ocpp_url=server.replace("http", "ws", 1) + "/ocpp")
    ids = [built.fleet.asset_ids[asset.serial] for asset in fleet.chargers]
    query = select(func.count(func.distinct(events.c.asset_id))).where(
        events.c.kind == "ocpp.boot", events.c.asset_id.in_(ids)
    )

    def booted() -> int:
        with built.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    fleet.start()
    try:
        assert wait_until(lambda: booted() == len(ids) == len(chargers.LIVE_COMMUNES), timeout=30)
    finally:
        fleet.stop()
