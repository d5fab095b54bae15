"""A QoS 1 burst through the broker ``convergence broker config`` writes: is anything lost?

1. ``convergence broker config`` in a temporary directory (free ports), Mosquitto started
   with that configuration (no anonymous access, dynamic security, queue limits);
2. an SQLite database with Versailles and 100 sensors, and a member login issued by the
   platform (``broker.credentials.issue``, as ``convergence broker credentials issue`` does);
3. ``convergence ingest mqtt`` running, logged in with the configuration's ingest account;
4. the burst published at QoS 1 with the member's login on the device listener, as fast as
   the broker acknowledges; then the count of stored readings is watched until it reaches the
   burst or stops moving for ``--settle`` seconds.

``--compare-defaults`` runs the same burst first through a Mosquitto left at its defaults
(anonymous, ``max_queued_messages`` 1,000), which is what the issue measured losing messages.

Run from the repository root::

    python bench/bench_broker_burst.py [--messages 100000] [--compare-defaults]

Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import paho.mqtt.client as mqtt
from bench_ingest_mqtt import free_port, native_stream, populate, stored, wait_until
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import Engine

from convergence.broker import credentials
from convergence.broker.configuration import (
    ADMIN_USERNAME,
    BrokerPlan,
    find_plugin,
    write_configuration,
)
from convergence.broker.dynsec import BrokerAddress, connect
from convergence.db.engine import make_engine
from convergence.members.queries import find_member
from convergence.members.scope import command_line_scope

ROOT = "convergence"
WINDOW = 10_000
Login = tuple[str, str] | None


@contextmanager
def mosquitto(config: Path, port: int) -> Iterator[None]:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    process = subprocess.Popen([binary, "-c", str(config)], stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: _reachable(port), timeout=10)
        yield
    finally:
        process.terminate()
        process.wait(timeout=60)


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def ingest_worker(url: str, port: int, login: Login) -> Iterator[None]:
    """``convergence ingest mqtt`` in its own process, with ``login`` from its settings."""
    env = os.environ | {"CONVERGENCE_DATABASE_URL": url, "CONVERGENCE_MQTT_PORT": str(port)}
    if login is not None:
        env |= {"CONVERGENCE_MQTT_USERNAME": login[0], "CONVERGENCE_MQTT_PASSWORD": login[1]}
    command = [sys.executable, "-m", "convergence.cli.ingest", "mqtt", "--client-id", "burst"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=60)


def publish(port: int, stream: list[tuple[str, bytes]], login: Login) -> tuple[int, float]:
    """Publish at QoS 1; how many the broker accepted (PUBACK success), and seconds taken."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    if login is not None:
        client.username_pw_set(*login)
    client.max_inflight_messages_set(1000)
    accepted = [0]

    def on_publish(_c: mqtt.Client, _u: object, _m: int, code: mqtt.ReasonCode, _p: object) -> None:
        accepted[0] += 0 if code.is_failure else 1

    client.on_publish = on_publish
    client.connect("127.0.0.1", port)
    client.loop_start()
    outstanding: deque[mqtt.MQTTMessageInfo] = deque()
    start = time.perf_counter()
    for topic, payload in stream:
        if len(outstanding) >= WINDOW:
            outstanding.popleft().wait_for_publish(timeout=600)
        outstanding.append(client.publish(topic, payload, qos=1))
    for info in outstanding:
        info.wait_for_publish(timeout=600)
    elapsed = time.perf_counter() - start
    client.disconnect()
    client.loop_stop()
    return accepted[0], elapsed


def until_listening(engine: Engine, port: int, login: Login) -> None:
    """Until the worker has subscribed, a probe reading (a day earlier) is sent again."""
    topic, _ = native_stream(ROOT, 1)[0]
    probe = b'{"ts": "2026-10-31T00:00:00+00:00", "quantity": "laeq", "value": 30}'
    wait_until(
        lambda: publish(port, [(topic, probe)], login)[0] == 1 and stored(engine) >= 1,
        timeout=180,
        every=0.5,
    )


def settle(engine: Engine, expected: int, quiet_s: float) -> tuple[int, float]:
    """Stored readings once the count reaches ``expected`` or stops moving; seconds taken."""
    start, last, last_change = time.perf_counter(), stored(engine), time.perf_counter()
    while last < expected and time.perf_counter() - last_change < quiet_s:
        time.sleep(0.5)
        now = stored(engine)
        if now != last:
            last, last_change = now, time.perf_counter()
    return last, last_change - start


def burst(label: str, *, url: str, ports: tuple[int, int], login: Login, args: argparse.Namespace,
          ingest_login: Login) -> None:  # fmt: skip
    engine = make_engine(url)
    local_port, device_port = ports
    stream = native_stream(ROOT, args.messages)
    with ingest_worker(url, local_port, ingest_login):
        until_listening(engine, device_port, login)
        accepted, published_s = publish(device_port, stream, login)
        count, drained_s = settle(engine, args.messages + 1, args.settle)
    engine.dispose()
    stored_burst = count - 1  # the probe
    print(
        f"{label}: {args.messages:,} published in {published_s:.1f} s "
        f"({args.messages / published_s:,.0f}/s), {accepted:,} acknowledged by the broker, "
        f"{stored_burst:,} stored, {args.messages - stored_burst:,} lost; "
        f"the last stored {drained_s:.1f} s after the burst was acknowledged"
    )


def fresh_database(work: Path, name: str) -> str:
    url = f"sqlite:///{work / name}"
    engine = make_engine(url)
    populate(engine)
    engine.dispose()
    return url


def secured(work: Path, args: argparse.Namespace) -> None:
    plugin = find_plugin()
    if plugin is None:
        sys.exit("mosquitto_dynamic_security.so not found")
    local_port, device_port = free_port(), free_port()
    plan = BrokerPlan(
        directory=work / "broker",
        plugin=plugin,
        local_port=local_port,
        device_port=device_port,
        device_bind="127.0.0.1",
        user=getpass.getuser(),
    )
    write_configuration(plan)
    settings = dict(
        line.split("=", 1)
        for line in plan.env_file.read_text().splitlines()
        if line and not line.startswith("#")
    )
    url = fresh_database(work, "secured.sqlite3")
    with mosquitto(plan.config_file, device_port):
        admin = BrokerAddress("127.0.0.1", local_port, ADMIN_USERNAME,
                              settings["CONVERGENCE_BROKER_ADMIN_PASSWORD"])  # fmt: skip
        engine = make_engine(url)
        with connect(admin) as dynsec, engine.begin() as conn:
            member = find_member(conn, ref="78646")
            issued = credentials.issue(conn, dynsec, scope=command_line_scope("bench"),
                                       member_id=member.id, label="bench")  # fmt: skip
        engine.dispose()
        ingest = (settings["CONVERGENCE_MQTT_USERNAME"], settings["CONVERGENCE_MQTT_PASSWORD"])
        burst("convergence broker config", url=url, ports=(local_port, device_port),
              login=(issued.username, issued.password), args=args, ingest_login=ingest)  # fmt: skip


def defaults(work: Path, args: argparse.Namespace) -> None:
    port = free_port()
    config = work / "defaults.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\n")
    url = fresh_database(work, "defaults.sqlite3")
    with mosquitto(config, port):
        burst("Mosquitto defaults", url=url, ports=(port, port), login=None, args=args,
              ingest_login=None)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--settle", type=float, default=30.0, help="seconds without progress")
    parser.add_argument("--compare-defaults", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="bench-broker-") as work:
        if args.compare_defaults:
            defaults(Path(work), args)
        secured(Path(work), args)


if __name__ == "__main__":
    main()
