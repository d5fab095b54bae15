"""Starting and stopping everything that keeps a running demo alive (see ``live``)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from convergence.demo import chargers, live
from convergence.demo.build import Demo
from convergence.ingest.mqtt import Subscriber
from convergence.runtime import Runtime

logger = logging.getLogger(__name__)
SUBSCRIBE_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class FeedOptions:
    base_url: str  # http://host:port of the running server
    mqtt: bool = True
    ocpp: bool = True


@dataclass(slots=True)
class LiveFeeds:
    """The running feeds; ``started`` says which, in French, for the console."""

    demo: Demo
    options: FeedOptions
    runtime: Runtime
    started: list[str] = field(default_factory=list)
    _tickers: list[live.Ticker] = field(default_factory=list)
    _subscriber: tuple[Subscriber, threading.Thread] | None = None
    _publisher: live.MqttPublisher | None = None
    _sender: live.LiveSender | None = None
    _chargers: chargers.ChargerFleet | None = None

    def start(self) -> None:
        """Start the MQTT path (if a broker answers), the chargers, the HTTP feed, the alerts."""
        if self.options.mqtt:
            self._start_mqtt()
        skip = self._start_chargers() if self.options.ocpp else frozenset()
        self._sender = live.LiveSender(
            self.demo, base_url=self.options.base_url, publisher=self._publisher
        )
        self._sender.skip |= skip
        self._run("demo-live", live.TICK_S, self._sender.tick)
        period = float(self.demo.settings.alert_evaluation_period_s)
        self.started.append("données en direct (HTTP) chaque minute")
        self.started.append(f"évaluation des alertes toutes les {period:g} s")

    def _run(self, name: str, period_s: float, tick: Callable[[], None]) -> None:
        ticker = live.Ticker(name, period_s, tick)
        ticker.start()
        self._tickers.append(ticker)

    def _start_mqtt(self) -> None:
        settings = self.demo.settings
        if not live.broker_reachable(settings.mqtt_host, settings.mqtt_port):
            self.started.append(
                f"MQTT : aucun broker sur {settings.mqtt_host}:{settings.mqtt_port}"
            )
            return
        root = live.topic_root(self.demo)
        subscriber = live.mqtt_subscriber(self.demo, root=root, runtime=self.runtime)
        thread = subscriber.start_background()
        if not subscriber.subscribed.wait(SUBSCRIBE_TIMEOUT_S):
            logger.warning("the MQTT subscription was not confirmed in time")
        self._subscriber = (subscriber, thread)
        self._publisher = live.MqttPublisher(settings.mqtt_host, settings.mqtt_port, root=root)
        self.started.append(f"MQTT via {settings.mqtt_host}:{settings.mqtt_port} ({root}/…)")

    def _start_chargers(self) -> frozenset[str]:
        ocpp_url = self.options.base_url.replace("http", "ws", 1) + "/ocpp"
        fleet = chargers.ChargerFleet(self.demo, ocpp_url=ocpp_url)
        fleet.start()
        self._chargers = fleet
        self.started.append(f"{len(fleet.chargers)} bornes en OCPP 1.6 sur {ocpp_url}")
        return fleet.serials

    def request_stop(self) -> None:
        """Tell every feed to stop, without waiting (from a signal handler)."""
        for ticker in self._tickers:
            ticker.stopping.set()
        if self._chargers is not None:
            self._chargers.request_stop()

    def stop(self) -> None:
        """Stop every feed (each within a few seconds)."""
        self.request_stop()
        for ticker in self._tickers:
            ticker.stop()
        if self._chargers is not None:
            self._chargers.stop()
        if self._subscriber is not None:
            subscriber, thread = self._subscriber
            subscriber.stop()
            thread.join(timeout=10)
        for closable in (self._publisher, self._sender):
            if closable is not None:
                closable.close()
