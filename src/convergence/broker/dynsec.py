"""A client of Mosquitto's dynamic-security plugin, driven over MQTT.

Commands are JSON documents published to ``$CONTROL/dynamic-security/v1``; the plugin answers
on ``…/response``. Going through the running broker (rather than editing its JSON file) takes
effect at once — a deleted client is disconnected on the spot — and the plugin writes its own
file, so nothing races with it.
"""

from __future__ import annotations

import json
import queue
import secrets
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from convergence.errors import ConvergenceError

CONTROL_TOPIC = "$CONTROL/dynamic-security/v1"
RESPONSE_TOPIC = f"{CONTROL_TOPIC}/response"


class BrokerUnavailable(ConvergenceError):
    """The broker cannot be reached, refused our login, or did not answer."""

    code: ClassVar[str] = "broker_unavailable"
    http_status: ClassVar[int] = 503


class BrokerRefused(ConvergenceError):
    """The dynamic-security plugin refused a command (the reason is its own)."""

    code: ClassVar[str] = "broker_refused"
    http_status: ClassVar[int] = 409


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    """Where the platform reaches its broker, and as whom."""

    host: str
    port: int
    username: str
    password: str
    ca_file: Path | None = None  # connect over TLS, trusting this CA


class Dynsec:
    """One connection to the broker as its dynamic-security administrator."""

    def __init__(self, client: mqtt.Client, answers: queue.Queue[dict[str, Any]]) -> None:
        self._client = client
        self._answers = answers

    def command(self, name: str, timeout_s: float = 10.0, **fields: Any) -> dict[str, Any]:
        """Run one command; its answer's ``data`` (empty when it has none)."""
        correlation = secrets.token_hex(8)
        body = {"commands": [{"command": name, "correlationData": correlation, **fields}]}
        info = self._client.publish(CONTROL_TOPIC, json.dumps(body), qos=1)
        info.wait_for_publish(timeout=timeout_s)
        try:
            while True:
                for answer in self._answers.get(timeout=timeout_s).get("responses", []):
                    if answer.get("correlationData") == correlation:
                        return _checked(name, answer)
        except queue.Empty:
            raise BrokerUnavailable(
                f"le broker n'a pas répondu à « {name} » / the broker did not answer {name}"
            ) from None


def _checked(name: str, answer: dict[str, Any]) -> dict[str, Any]:
    if answer.get("error"):
        raise BrokerRefused(f"{name}: {answer['error']}", reason=answer["error"])
    data = answer.get("data")
    return data if isinstance(data, dict) else {}


@contextmanager
def connect(address: BrokerAddress, *, timeout_s: float = 10.0) -> Iterator[Dynsec]:
    """A dynamic-security session on the broker, closed at the end."""
    answers: queue.Queue[dict[str, Any]] = queue.Queue()
    outcome: queue.Queue[str | None] = queue.Queue()
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=f"convergence-admin-{secrets.token_hex(4)}",
        protocol=mqtt.MQTTv5,
    )
    client.username_pw_set(address.username, address.password)
    if address.ca_file is not None:
        client.tls_set(ca_certs=str(address.ca_file), tls_version=ssl.PROTOCOL_TLS_CLIENT)

    def on_connect(c: mqtt.Client, _u: Any, _f: Any, code: Any, _p: Any) -> None:
        if code.is_failure:
            outcome.put(str(code))
            return
        c.subscribe(RESPONSE_TOPIC, qos=1)

    def on_subscribe(_c: mqtt.Client, _u: Any, _m: int, codes: Any, _p: Any) -> None:
        outcome.put(str(codes[0]) if codes[0].is_failure else None)

    def on_message(_c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        try:
            answers.put(json.loads(message.payload))
        except ValueError:
            return

    client.on_connect = on_connect
    client.on_subscribe = on_subscribe
    client.on_message = on_message
    where = f"{address.host}:{address.port}"
    try:
        client.connect(address.host, address.port, keepalive=30)
    except OSError as error:
        raise BrokerUnavailable(
            f"broker MQTT injoignable sur {where} / MQTT broker unreachable at {where}: {error}"
        ) from None
    client.loop_start()
    try:
        _wait_ready(outcome, where, address.username, timeout_s)
        yield Dynsec(client, answers)
    finally:
        client.disconnect()
        client.loop_stop()


def _wait_ready(
    outcome: queue.Queue[str | None], where: str, username: str, timeout: float
) -> None:
    try:
        refusal = outcome.get(timeout=timeout)
    except queue.Empty:
        raise BrokerUnavailable(
            f"le broker {where} ne répond pas / the broker at {where} does not answer"
        ) from None
    if refusal is not None:
        raise BrokerUnavailable(
            f"le broker {where} refuse l'administrateur {username!r} ({refusal}) : vérifiez "
            "CONVERGENCE_BROKER_ADMIN_USERNAME et CONVERGENCE_BROKER_ADMIN_PASSWORD / "
            f"the broker at {where} refuses the administrator {username!r} ({refusal})"
        )
