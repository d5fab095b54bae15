"""MQTT messages per second through Mosquitto into storage, against the broker's own rate.

In one run, on a private Mosquitto (no queue limit):

1. the broker alone: each stream queued for an offline persistent session, then delivered to a
   QoS 1 subscriber that only counts;
2. ``convergence ingest mqtt`` (worker processes, QoS 1, ack after commit) draining the same
   kind of queued stream into SQLite and PostgreSQL, for native readings (generic topic
   scheme, one reading a message) and for ChirpStack uplinks (six readings a message: four
   measures, and the RSSI and SNR of the gateway that heard it best).

Queuing first takes the publisher's own speed out of both figures.

Run from the repository root::

    python bench/bench_ingest_mqtt.py [--messages 20000] [--workers 1] [--no-postgres]

Prints figures only; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import itertools
import json
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
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from scratch import postgres_database
from sqlalchemy import Engine, func, select

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
RECEIVE_MAXIMUM = 1000  # what the ingest worker asks for: two batches of 500 in flight
# Each stream's name, and the readings a message of it stores: a ChirpStack uplink's four
# measures, and the RSSI and SNR of the gateway that heard it best.
STREAMS = (("native readings, generic topic", 1), ("ChirpStack uplinks (4 measures + radio)", 6))
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


def _session_client(port: int, client_id: str, on_message: Any = None) -> mqtt.Client:
    """A QoS 1 client with a persistent session, connected; as the ingest worker connects."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    client.on_message = on_message
    properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    properties.SessionExpiryInterval = 3600
    properties.ReceiveMaximum = RECEIVE_MAXIMUM
    client.connect("127.0.0.1", port, clean_start=False, properties=properties)
    client.loop_start()
    return client


def broker_rate(port: int, stream: Stream) -> float:
    """How fast the broker delivers a queued stream to a QoS 1 subscriber that only counts.

    The subscription (the stream's first two topic levels: its own root, or its own ChirpStack
    application) is dropped at the end: the broker queues nothing more for the counter.
    """
    client_id = f"bench-counter-{secrets.token_hex(3)}"
    topic = "/".join(stream[0][0].split("/")[:2]) + "/#"
    subscribed = threading.Event()
    client = _session_client(port, client_id)
    client.on_subscribe = lambda *_args: subscribed.set()
    client.subscribe(topic, qos=1)
    subscribed.wait(timeout=10)
    client.disconnect()
    client.loop_stop()
    publish(port, stream)  # queued by the broker for the offline session
    arrivals: list[float] = []
    done = threading.Event()

    def on_message(_c: mqtt.Client, _u: object, _m: mqtt.MQTTMessage) -> None:
        arrivals.append(time.perf_counter())
        if len(arrivals) >= len(stream):
            done.set()

    client = _session_client(port, client_id, on_message)
    done.wait(timeout=600)
    unsubscribed = threading.Event()
    client.on_unsubscribe = lambda *_args: unsubscribed.set()
    client.unsubscribe(topic)
    unsubscribed.wait(timeout=10)
    client.disconnect()
    client.loop_stop()
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])


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
    url: str, port: int, topics: list[str], root: str, ids: list[str]
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``convergence ingest mqtt`` worker processes sharing one subscription."""
    env = os.environ | {"CONVERGENCE_DATABASE_URL": url, "CONVERGENCE_MQTT_PORT": str(port)}
    command = [sys.executable, "-m", "convergence.cli.ingest", "mqtt", "--root", root]
    command += ["--group", "bench", "--batch-size", str(RECEIVE_MAXIMUM // 2)]
    for topic in topics:
        command += ["--topic", topic]
    processes = [
        subprocess.Popen(
            [*command, "--client-id", client_id],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for client_id in ids
    ]
    try:
        yield processes
    finally:
        for process in processes:
            process.terminate()  # a graceful stop: the broker keeps the session
        for process in processes:
            process.wait(timeout=60)


def drain(engine: Engine, expected: int) -> tuple[float, float]:
    """Readings/s committed from the first to the last of a queued stream, and the fewest
    committed in any whole second of it (a stall shows as a slow second)."""
    before = stored(engine)
    wait_until(lambda: stored(engine) > before, timeout=120, every=0.01)
    first, start = stored(engine), time.perf_counter()
    counts, tick = [first], start + 1.0
    while counts[-1] < before + expected:
        time.sleep(max(0.0, tick - time.perf_counter()))
        counts.append(stored(engine))
        tick += 1.0
        if tick - start > 1800:
            raise TimeoutError("the stream was not stored within 30 minutes")
    elapsed = time.perf_counter() - start
    whole_seconds = [b - a for a, b in itertools.pairwise(counts[:-1])]  # the last ends early
    slowest = min(whole_seconds, default=float("nan"))
    return (before + expected - first) / elapsed, slowest


def peak_memory_mib(process: subprocess.Popen[bytes]) -> float:
    """The most resident memory the process has used so far (Linux ``VmHWM``), in MiB."""
    status = Path(f"/proc/{process.pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


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


def run_backend(
    label: str, url: str, port: int, args: argparse.Namespace, *, broker: tuple[float, float]
) -> None:
    """Queue each stream while the workers are stopped, then time how fast they store it
    (and its ratio to the ``broker``'s own rate)."""
    engine = make_engine(url)
    populate(engine)
    root, application = f"bench{secrets.token_hex(3)}", secrets.token_hex(8)
    topics = [f"{root}/+/+/up", f"application/{application}/device/+/event/up"]
    ids = [f"bench-{secrets.token_hex(3)}-{n}" for n in range(args.workers)]
    with workers(url, port, topics, root, ids):
        warm_up(engine, port, root)
    figures = []
    for stream, (_name, per_message) in zip(
        (native_stream(root, args.messages), chirpstack_stream(application, args.messages)),
        STREAMS,
        strict=True,
    ):
        before = stored(engine)
        publish(port, stream)
        with workers(url, port, topics, root, ids) as running:
            rate, slowest = drain(engine, len(stream) * per_message)
            peak = max(peak_memory_mib(process) for process in running)
        if stored(engine) - before != len(stream) * per_message:  # rates per message are wrong
            raise RuntimeError(
                f"{len(stream):,} messages stored {stored(engine) - before:,} readings, "
                f"not {per_message} each"
            )
        figures.append((rate / per_message, slowest / per_message, peak))
    print(f"{label} ({args.workers} worker(s), batches of {RECEIVE_MAXIMUM // 2}):")
    for (name, per_message), (rate, slowest, peak), alone in zip(
        STREAMS, figures, broker, strict=True
    ):
        print(
            f"  {name:<36} {rate:>8,.0f} messages/s {per_message * rate:>8,.0f} readings/s"
            f"  ratio {rate / alone:.2f}  slowest second {slowest:>7,.0f} messages"
            f"  peak memory {peak:,.0f} MiB/worker"
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, mosquitto(Path(scratch)) as port:
        work = Path(scratch)
        alone = (
            broker_rate(port, native_stream(f"raw{secrets.token_hex(3)}", args.messages)),
            broker_rate(port, chirpstack_stream(secrets.token_hex(8), args.messages)),
        )
        print("Mosquitto alone, queued stream → counting QoS 1 subscriber:")
        for (name, _per_message), rate in zip(STREAMS, alone, strict=True):
            print(f"  {name:<36} {rate:>8,.0f} messages/s")
        run_backend("SQLite", f"sqlite:///{work / 'bench.sqlite3'}", port, args, broker=alone)
        if not args.no_postgres:
            with postgres_database(POSTGRES_ADMIN) as url:
                run_backend("PostgreSQL", url, port, args, broker=alone)
        print("Ratio: the messages/s above divided by the broker's own rate for the same stream")
        print("(goal: 0.5).")


if __name__ == "__main__":
    main()
