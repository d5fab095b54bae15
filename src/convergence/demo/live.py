"""Keeping the demo alive once its server runs: live data, scheduled alerts.

- every minute, the fleet's readings since the last tick go to ``POST /api/v1/ingest`` with
  each commune's own token — a real HTTP client against the live server;
- when an MQTT broker answers at ``CONVERGENCE_MQTT_HOST:PORT``, the communes of
  ``MQTT_COMMUNES`` publish theirs instead (one topic per device, QoS 1), taken in by the
  platform's subscriber running in this process, on a topic root of this demo only;
- the alerts are the runtime's: its reactors evaluate what comes in, its worker sends the
  notifications and runs the schedule (silence rules) every ``alert_evaluation_period_s``.

Each feed is a daemon thread that stops when ``stop()`` is called.
"""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from convergence.db.types import utcnow
from convergence.demo.backfill import simulate_series
from convergence.demo.build import Demo
from convergence.demo.catalogue import MQTT_COMMUNES
from convergence.demo.scenario import Window
from convergence.ingest.mqtt import MqttOptions, Subscriber
from convergence.runtime import Runtime
from convergence.territory.reference import load_territory

logger = logging.getLogger(__name__)
LIVE_STEP = timedelta(minutes=1)
TICK_S = 60.0
CATCH_UP = timedelta(hours=1)  # after a long pause, older data is not sent again
POST_ITEMS = 2000


def broker_reachable(host: str, port: int, *, timeout_s: float = 1.0) -> bool:
    """True when something accepts TCP connections at the broker's address."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


@dataclass(frozen=True, slots=True)
class Item:
    """One live reading, with where it goes."""

    insee: str
    serial: str
    reading: dict[str, Any]


def live_items(
    demo: Demo, *, start: datetime, end: datetime, skip: frozenset[str] = frozenset()
) -> list[Item]:
    """The fleet's readings in [start, end) at the live step, but for the ``skip`` serials."""
    arrays = simulate_series(demo.fleet.plan, demo.story, window=Window(start, end, LIVE_STEP))
    items = []
    for series, (epoch, values) in zip(demo.fleet.series, arrays, strict=True):
        asset = series.asset
        if asset.serial in skip:
            continue
        for instant, value in zip(epoch.tolist(), values.tolist(), strict=True):
            ts = datetime.fromtimestamp(instant, UTC).isoformat()
            reading = {"device": asset.serial, "ts": ts, "quantity": series.quantity,
                       "value": value, "unit": series.unit}  # fmt: skip
            items.append(Item(asset.commune_insee, asset.serial, reading))
    return items


def _chunks(items: Sequence[Item], size: int) -> Iterator[Sequence[Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Ticker:
    """A daemon thread calling ``tick`` every ``period_s`` until stopped."""

    def __init__(self, name: str, period_s: float, tick: Callable[[], None]) -> None:
        self.stopping = threading.Event()
        self._tick, self._period_s = tick, period_s
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._tick()
            except Exception:
                logger.exception("%s failed; trying again next period", self.thread.name)
            self.stopping.wait(self._period_s)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=10)


class LiveSender:
    """Sends each tick's readings: HTTP per commune token, MQTT for some when it is up."""

    def __init__(self, demo: Demo, *, base_url: str, publisher: MqttPublisher | None) -> None:
        self.demo, self.publisher = demo, publisher
        self.client = httpx.Client(base_url=base_url, timeout=60.0)
        self.since = demo.history_end
        self.skip: frozenset[str] = frozenset({demo.story.silent_serial})
        self.sent = self.stored = self.refused = 0

    def tick(self) -> None:
        now = utcnow().replace(microsecond=0)  # the simulator works in whole seconds
        start = max(self.since, now - CATCH_UP)
        items = live_items(self.demo, start=start, end=now, skip=self.skip)
        by_commune: dict[str, list[Item]] = defaultdict(list)
        for item in items:
            by_commune[item.insee].append(item)
        for insee, mine in sorted(by_commune.items()):
            if self.publisher is not None and insee in MQTT_COMMUNES:
                self.publisher.publish(mine)
            else:
                self._post(insee, mine)
        self.since, self.sent = now, self.sent + len(items)

    def _post(self, insee: str, items: Sequence[Item]) -> None:
        headers = {"Authorization": f"Bearer {self.demo.state.tokens[insee]}"}
        for chunk in _chunks(items, POST_ITEMS):
            body = {"readings": [item.reading for item in chunk]}
            response = self.client.post("/api/v1/ingest", json=body, headers=headers)
            if response.status_code >= 400:
                logger.warning("live batch of %s refused: %s", insee, response.text[:300])
                self.refused += len(chunk)
                continue
            report = response.json()
            self.stored += int(report["stored"])
            self.refused += len(report["refused"])

    def close(self) -> None:
        self.client.close()


def topic_root(demo: Demo) -> str:
    """A topic root of this demo directory only (other demos on the broker stay apart)."""
    digest = hashlib.sha256(str(demo.settings.data_dir.resolve()).encode()).hexdigest()
    return f"convergence-demo-{digest[:10]}"


class MqttPublisher:
    """Devices publishing on ``{root}/{SIREN}/{serial}/up`` at QoS 1."""

    def __init__(self, host: str, port: int, *, root: str) -> None:
        self.root = root
        self.sirens = {c.insee: c.siren for c in load_territory().communes}
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        self.client.connect(host, port)
        self.client.loop_start()

    def publish(self, items: Sequence[Item]) -> None:
        by_device: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for item in items:
            by_device[(item.insee, item.serial)].append(item.reading)
        for (insee, serial), readings in sorted(by_device.items()):
            topic = f"{self.root}/{self.sirens[insee]}/{serial}/up"
            self.client.publish(topic, json.dumps(readings), qos=1)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def mqtt_subscriber(demo: Demo, *, root: str, runtime: Runtime) -> Subscriber:
    """The platform's MQTT subscriber, on this demo's topics, with the runtime's reactors."""
    settings = demo.settings
    options = MqttOptions(
        host=settings.mqtt_host, port=settings.mqtt_port, client_id=f"{root}-ingest",
        topics=(f"{root}/+/+/up",), group=None, root=root, session_expiry_s=3600,
    )  # fmt: skip
    return Subscriber(
        demo.engine, pipeline=runtime.pipeline, options=options, reactors=runtime.reactors
    )
