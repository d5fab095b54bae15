"""A second Mosquitto, started with the configuration ``convergence broker config`` writes.

The shared broker on 1883 stays anonymous for the other tests; this one runs on free ports,
its files in the test's directory, and is stopped at the end. Every ``convergence`` command
runs in its own process, configured by its environment only, as on a server.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import Engine

from convergence.broker.configuration import find_plugin
from tests.ingest.brokers import free_port, missing, reachable, wait_until

CLI = (sys.executable, "-c", "from convergence.cli.main import run; run()")


@dataclass
class SecuredBroker:
    directory: Path
    local_port: int
    device_port: int
    settings: dict[str, str]  # what `broker config` wrote for the platform's .env
    log: Path
    extra: list[str] = field(default_factory=list)

    def environment(self, engine: Engine, **more: str) -> dict[str, str]:
        """The environment of a platform process on this broker and ``engine``'s database."""
        return (
            os.environ
            | self.settings
            | {
                "CONVERGENCE_DATABASE_URL": engine.url.render_as_string(hide_password=False),
                "CONVERGENCE_DATA_DIR": str(self.directory / "platform"),
                **more,
            }
        )


def convergence(arguments: Sequence[str], env: dict[str, str] | None = None) -> str:
    """Run a ``convergence`` command; its output (it must succeed)."""
    done = subprocess.run(
        [*CLI, *arguments], env=env or dict(os.environ), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"convergence {' '.join(arguments)}: {done.stderr}{done.stdout}"
    return done.stdout


def read_env_file(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


@contextmanager
def secured_broker(directory: Path, *extra: str) -> Iterator[SecuredBroker]:
    """``convergence broker config`` on free ports, then Mosquitto started with it."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        missing("the mosquitto binary")
    if find_plugin() is None:
        missing("Mosquitto's dynamic-security plugin (mosquitto_dynamic_security.so)")
    local_port, device_port = free_port(), free_port()
    convergence([
        "broker", "config", "--directory", str(directory), "--bind", "127.0.0.1",
        "--local-port", str(local_port), "--device-port", str(device_port),
        "--user", getpass.getuser(), *extra,
    ])  # fmt: skip
    settings = read_env_file(directory / "convergence-broker.env")
    log = directory / "mosquitto.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [binary, "-c", str(directory / "mosquitto.conf")], stdout=output, stderr=output
        )
    try:
        wait_until(lambda: reachable("127.0.0.1", device_port), timeout=10)
        yield SecuredBroker(directory, local_port, device_port, settings, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def issue_login(broker: SecuredBroker, engine: Engine, member: str, name: str) -> tuple[str, str]:
    """``convergence broker credentials issue``: the username and password it printed."""
    output = convergence(
        ["broker", "credentials", "issue", member, "--name", name],
        env=broker.environment(engine),
    )
    fields = dict(line.split(" : ", 1) for line in output.splitlines() if " : " in line)
    return fields["utilisateur"].strip(), fields["mot de passe"].strip()


@dataclass
class Login:
    username: str | None = None
    password: str | None = None


def connect_code(
    port: int, login: Login, *, protocol: int = mqtt.MQTTv5, ca_file: Path | None = None
) -> str:
    """The broker's answer to a connection (``Success``, its refusal, or ``no answer``)."""
    answered = threading.Event()
    codes: list[str] = []
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=protocol)
    if login.username is not None:
        client.username_pw_set(login.username, login.password)
    if ca_file is not None:
        client.tls_set(ca_certs=str(ca_file), tls_version=ssl.PROTOCOL_TLS_CLIENT)

    def on_connect(_c: mqtt.Client, _u: object, _f: object, code: object, _p: object) -> None:
        codes.append(str(code))
        answered.set()

    client.on_connect = on_connect
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        if not answered.wait(10):
            return "no answer"
    finally:
        client.disconnect()
        client.loop_stop()
    return codes[0]


def publish_as(
    port: int,
    login: Login,
    messages: Sequence[tuple[str, bytes]],
    *,
    protocol: int = mqtt.MQTTv5,
    window: int = 10_000,
) -> list[str]:
    """Publish at QoS 1 with ``login``; the broker's answer to each message, in order."""
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=login.username or "", protocol=protocol
    )
    client.username_pw_set(login.username, login.password)
    client.max_inflight_messages_set(1000)
    answers: dict[int, str] = {}
    client.on_publish = lambda _c, _u, mid, code, _p: answers.__setitem__(mid, str(code))
    client.connect("127.0.0.1", port)
    client.loop_start()
    sent: list[mqtt.MQTTMessageInfo] = []
    try:
        for topic, payload in messages:
            if len(sent) >= window:
                sent[-window].wait_for_publish(timeout=120)
            sent.append(client.publish(topic, payload, qos=1))
        for info in sent[-window:]:
            info.wait_for_publish(timeout=120)
        wait_until(lambda: len(answers) >= len({info.mid for info in sent[-window:]}), timeout=30)
    finally:
        client.disconnect()
        client.loop_stop()
    return [answers.get(info.mid, "?") for info in sent[-window:]]


class IngestWorker:
    """``convergence ingest mqtt`` in its own process, logging in with the settings' login."""

    def __init__(self, broker: SecuredBroker, engine: Engine, log: Path, *, client_id: str) -> None:
        self.env = broker.environment(engine, CONVERGENCE_MQTT_PORT=str(broker.local_port))
        self.command = [*CLI, "ingest", "mqtt", "--client-id", client_id, "--group", client_id]
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=output, stderr=output
            )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
