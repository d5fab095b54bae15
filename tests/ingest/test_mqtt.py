"""The MQTT subscriber against a real Mosquitto: formats, routing, QoS 1 and kill -9.

The tests share the broker on 127.0.0.1:1883 with whatever else runs there, so each uses its
own topics and its own shared-subscription group. The kill test runs a private Mosquitto with
no limit on queued messages (the shared one drops beyond 1,000 per offline client).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from convergence.ingest.decoding import Codecs
from convergence.ingest.mqtt import MqttOptions, Subscriber
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.schemas import IntegrationConfig, IntegrationCreate, IntegrationKind
from convergence.ingest.service import create_integration
from convergence.ingest.tables import dead_letters
from convergence.members.scope import command_line_scope
from convergence.timeseries.tables import readings, readings_hourly, series
from tests.ingest.brokers import (
    SHARED_BROKER,
    Publisher,
    missing,
    private_broker,
    publish,
    reachable,
    running,
    wait_until,
)
from tests.ingest.conftest import Sensors, register
from tests.ingest.payloads import UNREGISTERED_EUI, as_bytes, chirpstack_up, tts_up
from tests.support import MEMBER_DATA, Territory

pytestmark = pytest.mark.mqtt
VERSAILLES_SIREN = MEMBER_DATA["versailles"].siren
KILL_MESSAGES = int(os.environ.get("CONVERGENCE_MQTT_KILL_MESSAGES", "5000"))
T0 = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def pipeline() -> Iterator[Pipeline]:
    codecs = Codecs()
    yield Pipeline(codecs=codecs)
    codecs.close()


@pytest.fixture
def broker_port() -> int:
    if not reachable(*SHARED_BROKER):
        missing("Mosquitto on 127.0.0.1:1883")
    return SHARED_BROKER[1]


def _subscriber(
    engine: Engine, pipeline: Pipeline, port: int, *topics: str, root: str = "convergence"
) -> Subscriber:
    tag = secrets.token_hex(4)
    options = MqttOptions(
        port=port,
        client_id=f"test-{tag}",
        topics=topics,
        group=f"test-{tag}",
        root=root,
        batch_wait_s=0.01,
        session_expiry_s=60,
    )
    return Subscriber(engine, pipeline=pipeline, options=options)


def _count(engine: Engine, table: object = readings) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _chirpstack_integration(engine: Engine, member_id: int) -> str:
    """A ChirpStack integration of ``member_id``; returns its application id."""
    application = str(uuid.uuid4())
    config = IntegrationConfig(application_ids=[application])
    data = IntegrationCreate(
        kind=IntegrationKind.chirpstack, name="ChirpStack", member_id=member_id, config=config
    )
    with engine.begin() as conn:
        create_integration(conn, scope=command_line_scope(), data=data)
    return application


def test_chirpstack_uplinks_over_mqtt_are_routed_by_their_integration(
    engine: Engine, territory: Territory, sensors: Sensors, pipeline: Pipeline, broker_port: int
) -> None:
    application = _chirpstack_integration(engine, territory.versailles.id)
    topic = f"application/{application}/device/{{}}/event/up"
    uplinks = [
        (topic.format("a81758fffe0312ab"), as_bytes(chirpstack_up())),
        (topic.format(UNREGISTERED_EUI.lower()), as_bytes(chirpstack_up(devEui=UNREGISTERED_EUI))),
    ]
    with running(_subscriber(engine, pipeline, broker_port, topic.format("+"))):
        publish(broker_port, uplinks)
        # Two letters: the unknown device, and the Elsys "motion" count no field map names;
        # four series of the decoded values, two of the gateway's reception (RSSI, SNR).
        wait_until(lambda: _count(engine) == 6 and _count(engine, dead_letters) == 2, timeout=10)
    with engine.connect() as conn:
        letter = conn.execute(
            select(dead_letters).where(dead_letters.c.reason_code == "unknown_device")
        ).one()
    assert (letter.member_id, letter.device_ref) == (territory.versailles.id, UNREGISTERED_EUI)
    assert letter.source == "chirpstack"
    assert letter.metadata["topic"].startswith(f"application/{application}/")


def test_tts_uplinks_over_mqtt_find_their_device_by_dev_eui(
    engine: Engine, territory: Territory, sensors: Sensors, pipeline: Pipeline, broker_port: int
) -> None:
    application = f"crues-{secrets.token_hex(4)}"
    with running(_subscriber(engine, pipeline, broker_port, f"v3/{application}@ttn/devices/+/up")):
        publish(
            broker_port,
            [(f"v3/{application}@ttn/devices/pont-riviere-niveau-01/up", as_bytes(tts_up()))],
        )
        wait_until(lambda: _count(engine) == 4, timeout=10)  # distance, battery, RSSI, SNR
    with engine.connect() as conn:
        owners = set(conn.execute(select(series.c.member_id)).scalars())
    assert owners == {territory.versailles.id}


def test_the_generic_topic_scheme_names_member_and_device(
    engine: Engine, territory: Territory, sensors: Sensors, pipeline: Pipeline, broker_port: int
) -> None:
    root = f"cvg-{secrets.token_hex(4)}"
    batch = [
        {"ts": f"2026-11-28T09:0{m}:00Z", "quantity": "laeq", "value": 50 + m} for m in range(3)
    ]
    late = {"ts": "2026-11-28T10:00:00Z", "quantity": "laeq", "value": 61}
    with running(_subscriber(engine, pipeline, broker_port, f"{root}/+/+/up", root=root)):
        publish(
            broker_port,
            [
                (f"{root}/{VERSAILLES_SIREN}/SONO-01/up", json.dumps(batch).encode()),
                (f"{root}/{VERSAILLES_SIREN}/SONO-77/up", json.dumps(late).encode()),
            ],
        )
        wait_until(lambda: _count(engine) == 3 and _count(engine, dead_letters) == 1, timeout=10)
    with engine.connect() as conn:
        letter = conn.execute(select(dead_letters)).one()
    assert (letter.member_id, letter.device_ref, letter.reason_code) == (
        territory.versailles.id,
        "SONO-77",
        "unknown_device",
    )
    register(engine, territory.versailles.id, name="Sonomètre 77", serial="SONO-77")
    assert _count(engine) == 4


class _Worker:
    """``convergence ingest mqtt`` in its own process, always with the same client id."""

    def __init__(self, engine: Engine, port: int, root: str, log: Path) -> None:
        self.env = os.environ | {
            "CONVERGENCE_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "CONVERGENCE_MQTT_HOST": "127.0.0.1",
            "CONVERGENCE_MQTT_PORT": str(port),
        }
        self.command = [
            *(sys.executable, "-m", "convergence.cli.ingest", "mqtt"),
            *("--client-id", f"kill-test-{secrets.token_hex(4)}", "--group", "kill-test"),
            *("--topic", f"{root}/+/+/up", "--root", root),
        ]
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=output, stderr=output
            )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def _message(root: str, ts: datetime, value: float) -> tuple[str, bytes]:
    body = {"ts": ts.isoformat(), "quantity": "laeq", "value": value}
    return f"{root}/{VERSAILLES_SIREN}/SONO-01/up", json.dumps(body).encode()


def _wait_subscribed(engine: Engine, port: int, root: str) -> None:
    """Until the worker has subscribed (its session exists), a probe message is sent again."""

    def probe_stored() -> bool:
        publish(port, [_message(root, T0 - timedelta(days=1), 30)])
        return _count(engine) == 1

    wait_until(probe_stored, timeout=60, every=0.5)


def test_kill_9_in_the_middle_of_a_stream_stores_every_message_exactly_once(
    engine: Engine, territory: Territory, sensors: Sensors, tmp_path: Path
) -> None:
    expected = KILL_MESSAGES + 1  # the stream and the probe
    root = f"kill-{secrets.token_hex(4)}"
    stream = [_message(root, T0 + timedelta(seconds=i), 40 + i % 50) for i in range(KILL_MESSAGES)]
    with private_broker(tmp_path) as port:
        worker = _Worker(engine, port, root, tmp_path / "worker.log")
        try:
            worker.start()
            _wait_subscribed(engine, port, root)
            publisher = Publisher(port, stream)
            publisher.start()
            wait_until(lambda: _count(engine) > KILL_MESSAGES // 3, timeout=120)
            worker.kill()
            killed_at = _count(engine)
            worker.start()
            publisher.join(timeout=600)
            wait_until(lambda: _count(engine) >= expected, timeout=60 + KILL_MESSAGES / 200)
        finally:
            worker.stop()
    assert killed_at < expected, "the worker was killed after the stream, not during it"
    assert "session present: True" in worker.log.read_text()
    assert _count(engine) == expected
    with engine.connect() as conn:
        counted = conn.execute(select(func.sum(readings_hourly.c.count))).scalar_one()
    assert counted == expected  # no redelivered message counted twice in the rollups
    assert _count(engine, dead_letters) == 0
