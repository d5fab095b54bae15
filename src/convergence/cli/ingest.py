"""``convergence ingest``: the MQTT subscriber (ChirpStack, The Things Stack, generic topics)."""

from __future__ import annotations

import logging
import signal
from types import FrameType

import typer

from convergence.cli.context import console, handle_errors, open_runtime
from convergence.collector import tune_collector
from convergence.ingest.mqtt import MqttOptions, Subscriber, default_client_id
from convergence.ingest.topics import GENERIC_ROOT, default_topics
from convergence.settings import get_settings

app = typer.Typer(help="Ingestion : abonné MQTT.", no_args_is_help=True)


@app.callback()
def ingest() -> None:
    """Ingestion : abonné MQTT (ChirpStack, The Things Stack, topics convergence/…)."""


@app.command("mqtt")
@handle_errors
def mqtt(
    host: str = typer.Option(None, help="Broker host (default: CONVERGENCE_MQTT_HOST)"),
    port: int = typer.Option(None, help="Broker port (default: CONVERGENCE_MQTT_PORT)"),
    worker: int = typer.Option(0, help="Worker number, part of the default client id"),
    client_id: str = typer.Option(
        None, help="MQTT client id; keep it stable so the broker keeps the session"
    ),
    topic: list[str] = typer.Option(
        None, help="Topic filter (repeatable; default: ChirpStack, TTS and the generic scheme)"
    ),
    group: str = typer.Option(
        "convergence", help="Shared subscription group ('' subscribes without sharing)"
    ),
    root: str = typer.Option(GENERIC_ROOT, help="First level of the generic topic scheme"),
    batch_size: int = typer.Option(500, min=1, max=10_000, help="Messages per transaction"),
) -> None:
    """Take MQTT messages (QoS 1) into storage; each is acknowledged after its commit."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = get_settings()
    options = MqttOptions(
        host=host or settings.mqtt_host,
        port=port or settings.mqtt_port,
        client_id=client_id or default_client_id(worker),
        topics=tuple(topic) if topic else default_topics(root),
        group=group or None,
        root=root,
        batch_size=batch_size,
        username=settings.mqtt_username,
        password=settings.mqtt_password.get_secret_value() if settings.mqtt_password else None,
        tls_ca_file=settings.mqtt_tls_ca_file,
    )
    _subscribe(options)


def _subscribe(options: MqttOptions) -> None:
    with open_runtime(background=True) as runtime:
        subscriber = Subscriber(
            runtime.engine, pipeline=runtime.pipeline, options=options, reactors=runtime.reactors
        )
        if runtime.settings.tune_collector:
            tune_collector()
        _stop_on_signals(subscriber)
        console.print(
            f"Abonné MQTT {options.client_id} sur {options.host}:{options.port} — "
            f"{', '.join(options.subscriptions())}"
        )
        subscriber.run()
    console.print(f"Arrêt : {subscriber.taken_in} messages pris en compte.")


def _stop_on_signals(subscriber: Subscriber) -> None:
    def stop(_signum: int, _frame: FrameType | None) -> None:
        subscriber.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


if __name__ == "__main__":
    app()
