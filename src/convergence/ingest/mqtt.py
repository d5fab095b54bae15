"""The MQTT subscriber: QoS 1, each message acknowledged only after its data is committed.

The subscriber keeps a persistent session (a fixed client id, ``clean_start=False``, a long
session expiry): when it dies, the broker keeps its unacknowledged and queued messages and
delivers them again when it comes back. Several workers share the load through an MQTT
shared subscription (``$share/{group}/{topic}``). Messages are taken in batches — one
transaction, then one PUBACK per message, in the order they came.

The inbox between paho's network thread and the batches is bounded: when it is full, the
network thread waits, the socket stops being read and the broker holds what is left (TCP
back-pressure), so a burst of any size costs a worker the same memory. The broker is also
asked to keep no more unacknowledged messages in flight than the inbox holds (MQTT 5
``ReceiveMaximum``).

The broker must not drop queued messages: set ``max_queued_messages`` (Mosquitto's default
is 1,000 per client) well above what can pile up while a worker restarts —
``convergence broker config`` writes such a configuration. On that broker the worker logs in
with ``username``/``password`` (settings ``CONVERGENCE_MQTT_USERNAME``/``_PASSWORD``), over TLS
when ``tls_ca_file`` is set.
"""

from __future__ import annotations

import logging
import queue
import socket
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.ingest.envelope import Envelope
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.service import ingest
from convergence.ingest.topics import GENERIC_ROOT, MemberDirectory, default_topics, route
from convergence.timeseries.committed import Reactor

logger = logging.getLogger(__name__)
WEEK_S = 7 * 24 * 3600
MAX_BACKOFF_S = 30.0


def default_client_id(worker: int = 0) -> str:
    """A client id stable across restarts of one worker, so its session survives."""
    return f"convergence-ingest-{socket.gethostname()}-{worker}"[:64]


@dataclass(frozen=True, slots=True)
class MqttOptions:
    host: str = "127.0.0.1"
    port: int = 1883
    client_id: str = field(default_factory=default_client_id)
    topics: tuple[str, ...] = default_topics()
    group: str | None = "convergence"  # shared subscription group; None subscribes plainly
    root: str = GENERIC_ROOT
    batch_size: int = 500
    batch_wait_s: float = 0.05
    session_expiry_s: int = WEEK_S
    keepalive_s: int = 30
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls_ca_file: Path | None = None

    @property
    def inbox_size(self) -> int:
        """Messages waiting to be taken in, at most: two batches (one stored, one arriving)."""
        return min(65535, max(20, 2 * self.batch_size))

    def subscriptions(self) -> list[str]:
        """The topic filters to subscribe to, shared when a group is set."""
        return [f"$share/{self.group}/{t}" if self.group else t for t in self.topics]


@dataclass(frozen=True, slots=True)
class _Received:
    message: mqtt.MQTTMessage
    received_at: datetime


class Subscriber:
    """Takes MQTT messages into the pipeline until ``stop()``."""

    def __init__(
        self,
        engine: Engine,
        *,
        pipeline: Pipeline,
        options: MqttOptions,
        reactors: Sequence[Reactor] = (),
    ) -> None:
        self.engine = engine
        self.pipeline = pipeline
        self.options = options
        self.reactors = reactors
        self.directory = MemberDirectory(engine)
        self.taken_in = 0
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self._inbox: queue.Queue[_Received] = queue.Queue(maxsize=options.inbox_size)
        self._stopping = threading.Event()
        self._client = self._make_client()

    def _make_client(self) -> mqtt.Client:
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.options.client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if self.options.username is not None:
            client.username_pw_set(self.options.username, self.options.password)
        if self.options.tls_ca_file is not None:
            client.tls_set(
                ca_certs=str(self.options.tls_ca_file), tls_version=ssl.PROTOCOL_TLS_CLIENT
            )
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        return client

    def _on_connect(self, client: mqtt.Client, _u: Any, flags: Any, code: Any, _p: Any) -> None:
        if code.is_failure:
            logger.error("MQTT connection refused: %s", code)
            return
        logger.info("connected to MQTT (session present: %s)", flags.session_present)
        client.subscribe([(t, SubscribeOptions(qos=1)) for t in self.options.subscriptions()])
        self.connected.set()

    def _on_subscribe(self, _c: mqtt.Client, _u: Any, _mid: int, codes: Any, _p: Any) -> None:
        refused = [code for code in codes if code.is_failure]
        if refused:
            logger.error("subscription refused by the broker: %s", refused)
        else:
            self.subscribed.set()

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, code: Any, _p: Any) -> None:
        self.connected.clear()
        self.subscribed.clear()
        if not self._stopping.is_set():
            logger.warning("disconnected from MQTT (%s); reconnecting", code)

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        received = _Received(message, utcnow())
        while not self._stopping.is_set():  # full: wait for the batch being stored
            try:
                self._inbox.put(received, timeout=0.5)
                return
            except queue.Full:
                continue

    def run(self) -> None:
        """Connect, then take messages in until ``stop()`` is called."""
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.SessionExpiryInterval = self.options.session_expiry_s
        # How many unacknowledged messages the broker may send: what the inbox holds.
        properties.ReceiveMaximum = self.options.inbox_size
        self._client.connect_async(
            self.options.host,
            self.options.port,
            keepalive=self.options.keepalive_s,
            clean_start=False,
            properties=properties,
        )
        self._client.loop_start()
        try:
            while not self._stopping.is_set():
                batch = self._next_batch()
                if batch:
                    self._take_in(batch)
        finally:
            self._client.disconnect()
            self._client.loop_stop()

    def start_background(self) -> threading.Thread:
        """Run in a daemon thread (``convergence serve`` taking MQTT in-process); returns it."""
        thread = threading.Thread(target=self.run, name="convergence-mqtt", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Finish the current batch, acknowledge it, and disconnect (the session stays)."""
        self._stopping.set()

    def _next_batch(self) -> list[_Received]:
        try:
            batch = [self._inbox.get(timeout=0.2)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.options.batch_wait_s
        while len(batch) < self.options.batch_size:
            try:
                batch.append(self._inbox.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        return batch

    def _take_in(self, batch: list[_Received]) -> None:
        envelopes = [self._envelope(item) for item in batch]
        backoff = 0.5
        while True:
            try:
                ingest(
                    self.engine,
                    pipeline=self.pipeline,
                    envelopes=envelopes,
                    reactors=self.reactors,
                )
                break
            except Exception:
                # The database is away: keep the batch (unacknowledged) and try again.
                logger.exception("could not store a batch of %d messages; retrying", len(batch))
                time.sleep(backoff)
                backoff = min(MAX_BACKOFF_S, backoff * 2)
        for item in batch:
            self._client.ack(item.message.mid, item.message.qos)
        self.taken_in += len(batch)

    def _envelope(self, item: _Received) -> Envelope:
        topic = item.message.topic
        found = route(topic, root=self.options.root)
        return Envelope(
            source=found.source,
            raw=bytes(item.message.payload),
            received_at=item.received_at,
            member_id=self.directory.member_of(found),
            device_ref=found.device_ref,
            metadata={"transport": "mqtt", "topic": topic[:200], "event": found.event},
        )
