"""MQTT messages per second through Mosquitto into storage, against the broker's own rate.

In one run, on a private Mosquitto (no queue limit):

1. the broker alone: a QoS 1 subscriber process that only counts, fed by a QoS 1 publisher;
2. ``convergence ingest mqtt`` (a worker process, QoS 1, ack after commit) storing the same
   stream on SQLite and on PostgreSQL, for native readings (generic topic scheme, one
   reading a message) and for ChirpStack uplinks (decoded object, four readings a message).

Run from the repository root::

    python bench/bench_ingest_mqtt.py [--messages 20000] [--workers 1] [--no-postgres]

Prints figures only; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

from convergence.bootstrap import prepare_database
from convergence.db.engine import make_engine
from convergence.members import service as members
from convergence.members.roles import MemberKind
from convergence.members.schemas import MemberCreate
from convergence.members.scope import command_line_scope
from convergence.registry import service as registry
from convergence.registry.schemas import AssetCreate
from convergence.timeseries.tables import readings

POSTGRES_ADMIN = os.environ.get(
    "CONVERGENCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SIREN = "217806462"
DEVICES = 100
T0 = datetime(2026, 11, 1, tzinfo=UTC)
WINDOW = 10_000
Stream = list[tuple[str, bytes]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def mosquitto(work: Path) -> Iterator[int]:
    """A private broker with no limit on queued or in-flight messages."""
    port = free_port()
    config = work / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "max_queued_messages 0\nmax_inflight_messages 0\n"
    )
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    process = subprocess.Popen([binary, "-c", str(config)], stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: _reachable(port), timeout=10)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def wait_until(check: Callable[[], bool], *, timeout: float, every: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not done within {timeout} s")
        time.sleep(every)


def publish(port: int, stream: Stream) -> float:
    """Publish at QoS 1 as fast as the broker acknowledges (at most WINDOW outstanding,
    paho numbers messages with 16-bit ids); seconds taken."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(1000)
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
    return elapsed


def _count_messages(port: int, topic: str, expected: int, ready: Any, done: Any) -> None:
    received = 0
    finished = threading.Event()

    def on_message(_c: mqtt.Client, _u: object, _m: mqtt.MQTTMessage) -> None:
        nonlocal received
        received += 1
        if received >= expected:
            finished.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.on_message = on_message
    client.on_subscribe = lambda *_args: ready.set()
    client.connect("127.0.0.1", port)
    client.subscribe(topic, qos=1)
    client.loop_start()
    finished.wait(timeout=600)
    done.set()
    client.loop_stop()


def broker_rate(port: int, stream: Stream) -> float:
    """Messages/s from a publisher to a counting QoS 1 subscriber in another process."""
    context = multiprocessing.get_context("spawn")
    ready, done = context.Event(), context.Event()
    counter = context.Process(
        target=_count_messages,
        args=(port, stream[0][0].rsplit("/", 3)[0] + "/#", len(stream), ready, done),
    )
    counter.start()
    ready.wait(timeout=30)
    start = time.perf_counter()
    threading.Thread(target=publish, args=(port, stream), daemon=True).start()
    done.wait(timeout=600)
    elapsed = time.perf_counter() - start
    counter.join(timeout=10)
    return len(stream) / elapsed


def native_stream(root: str, count: int) -> Stream:
    """One reading a message on the generic topic scheme."""
    stream = []
    for i in range(count):
        body = {
            "ts": (T0 + timedelta(seconds=i // DEVICES)).isoformat(),
            "quantity": "laeq",
            "value": 40 + i % 40,
        }
        stream.append((f"{root}/{SIREN}/BENCH-{i % DEVICES:03d}/up", json.dumps(body).encode()))
    return stream


def chirpstack_stream(application: str, count: int) -> Stream:
    """ChirpStack v4 uplinks with a decoded object of four measures."""
    stream = []
    for i in range(count):
        eui = f"70B3D5FFFE{i % DEVICES:06X}"
        body = {
            "time": (T0 + timedelta(seconds=i // DEVICES)).isoformat(),
            "deviceInfo": {
                "devEui": eui.lower(),
                "applicationId": application,
                "deviceName": f"s{i % DEVICES}",
            },
            "fPort": 1,
            "fCnt": i,
            "data": "AQDiAikEACcFBgYDCA==",
            "object": {
                "temperature": 15 + i % 10,
                "humidity": 40 + i % 30,
                "light": 39,
                "co2": 500 + i % 300,
            },
            "rxInfo": [{"gatewayId": "0016c001f153a14c", "rssi": -97, "snr": 7.5}],
        }
        stream.append(
            (f"application/{application}/device/{eui.lower()}/event/up", json.dumps(body).encode())
        )
    return stream


def populate(engine: Engine) -> None:
    prepare_database(engine)
    with engine.begin() as conn:
        member = members.create_member(
            conn,
            data=MemberCreate(
                siren=SIREN, name="Versailles", kind=MemberKind.commune, insee="78646"
            ),
            actor="bench",
        )
        for i in range(DEVICES):
            data = AssetCreate(
                member_id=member.id,
                name=f"Capteur {i}",
                kind="sensor",
                serial=f"BENCH-{i:03d}",
                dev_eui=f"70B3D5FFFE{i:06X}",
                lon=2.1301,
                lat=48.8049,
            )
            registry.create_asset(conn, scope=command_line_scope(), data=data)


def stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(readings)).scalar_one())


@contextmanager
def workers(
    url: str, port: int, topics: list[str], root: str, count: int, work: Path
) -> Iterator[None]:
    """``convergence ingest mqtt`` worker processes sharing one subscription."""
    env = os.environ | {"CONVERGENCE_DATABASE_URL": url, "CONVERGENCE_MQTT_PORT": str(port)}
    command = [
        sys.executable,
        "-m",
        "convergence.cli.ingest",
        "mqtt",
        "--root",
        root,
        "--group",
        "bench",
    ]
    for topic in topics:
        command += ["--topic", topic]
    processes = []
    with (work / "workers.log").open("ab") as log:
        for worker in range(count):
            client_id = f"bench-{secrets.token_hex(3)}-{worker}"
            processes.append(
                subprocess.Popen(
                    [*command, "--client-id", client_id], env=env, stdout=log, stderr=log
                )
            )
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def ingest_rate(engine: Engine, port: int, stream: Stream, readings_each: int) -> float:
    """Messages/s from the first publish until every reading is committed."""
    before = stored(engine)
    expected = before + len(stream) * readings_each
    start = time.perf_counter()
    threading.Thread(target=publish, args=(port, stream), daemon=True).start()
    wait_until(lambda: stored(engine) >= expected, timeout=1800, every=0.05)
    return len(stream) / (time.perf_counter() - start)


def warm_up(engine: Engine, port: int, root: str) -> None:
    """Until the workers have subscribed, a probe is sent again (it is one more reading)."""
    probe = native_stream(root, 1)
    body = json.loads(probe[0][1])
    body["ts"] = (T0 - timedelta(days=1)).isoformat()
    probe = [(probe[0][0], json.dumps(body).encode())]

    def probed() -> bool:
        publish(port, probe)
        return stored(engine) >= 1

    wait_until(probed, timeout=60, every=0.5)


def run_backend(label: str, url: str, port: int, args: argparse.Namespace, work: Path) -> None:
    engine = make_engine(url)
    populate(engine)
    root, application = f"bench{secrets.token_hex(3)}", secrets.token_hex(8)
    topics = [f"{root}/+/+/up", f"application/{application}/device/+/event/up"]
    with workers(url, port, topics, root, args.workers, work):
        warm_up(engine, port, root)
        native = ingest_rate(engine, port, native_stream(root, args.messages), 1)
        uplinks = ingest_rate(engine, port, chirpstack_stream(application, args.messages), 4)
    print(f"{label} ({args.workers} worker(s)):")
    print(
        f"  native readings, generic topic   {native:>10,.0f} messages/s ({native:,.0f} readings/s)"
    )
    print(
        f"  ChirpStack uplinks (4 measures)  {uplinks:>10,.0f} messages/s "
        f"({4 * uplinks:,.0f} readings/s)"
    )
    engine.dispose()


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"convergence_bench_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, mosquitto(Path(scratch)) as port:
        work = Path(scratch)
        rate = broker_rate(port, native_stream(f"raw{secrets.token_hex(3)}", args.messages))
        print(f"Mosquitto alone, QoS 1 publisher → QoS 1 subscriber: {rate:>10,.0f} messages/s")
        run_backend("SQLite", f"sqlite:///{work / 'bench.sqlite3'}", port, args, work)
        if not args.no_postgres:
            with postgres_database() as url:
                run_backend("PostgreSQL", url, port, args, work)
        print("Ratios are the rates above divided by the broker's own rate.")


if __name__ == "__main__":
    main()
