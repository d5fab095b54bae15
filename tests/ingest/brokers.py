"""A real Mosquitto for the MQTT tests: the shared one on 1883, or a private one per test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from convergence.ingest.mqtt import Subscriber

SHARED_BROKER = ("127.0.0.1", 1883)
WINDOW = 10_000


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def missing(what: str) -> None:
    """Fail in CI, skip on a workstation."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available (set CI=1 to make this a failure)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def private_broker(directory: Path) -> Iterator[int]:
    """A Mosquitto of our own: no limit on queued messages, so a dead worker loses nothing."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        missing("the mosquitto binary")
    port = free_port()
    config = directory / "mosquitto.conf"
    config.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        "max_queued_messages 0\nmax_inflight_messages 0\n"
    )
    process = subprocess.Popen([binary, "-c", str(config)], stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: reachable("127.0.0.1", port), timeout=10)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_until(check: Callable[[], bool], *, timeout: float, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        time.sleep(every)


def publish(port: int, messages: Sequence[tuple[str, bytes]], *, host: str = "127.0.0.1") -> None:
    """Publish at QoS 1 and wait until the broker has acknowledged every message.

    At most WINDOW messages are outstanding: paho numbers them with 16-bit ids.
    """
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(1000)
    client.connect(host, port)
    client.loop_start()
    outstanding: deque[mqtt.MQTTMessageInfo] = deque()
    try:
        for topic, payload in messages:
            if len(outstanding) >= WINDOW:
                _acknowledged(outstanding.popleft())
            outstanding.append(client.publish(topic, payload, qos=1))
        while outstanding:
            _acknowledged(outstanding.popleft())
    finally:
        client.disconnect()
        client.loop_stop()


def _acknowledged(info: mqtt.MQTTMessageInfo) -> None:
    info.wait_for_publish(timeout=120)
    assert info.is_published(), f"message {info.mid} was not acknowledged by the broker"


class Publisher(threading.Thread):
    """``publish`` in a thread; ``join()`` re-raises what went wrong."""

    def __init__(self, port: int, messages: Sequence[tuple[str, bytes]]) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.messages = messages
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            publish(self.port, self.messages)
        except BaseException as error:
            self.error = error

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        if self.is_alive():
            raise TimeoutError(f"the publisher did not finish within {timeout} s")
        if self.error is not None:
            raise self.error


@contextmanager
def running(subscriber: Subscriber) -> Iterator[Subscriber]:
    """The subscriber in a thread, connected; stopped (gracefully) on exit."""
    thread = subscriber.start_background()
    try:
        assert subscriber.subscribed.wait(10), "the subscriber did not subscribe"
        yield subscriber
    finally:
        subscriber.stop()
        thread.join(timeout=10)
