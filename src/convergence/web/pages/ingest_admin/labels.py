"""French words of the ingestion administration pages: sources, stages, dead-letter states."""

from __future__ import annotations

from collections.abc import Mapping

from convergence.ingest.envelope import Source, Stage, Status
from convergence.ingest.schemas import IntegrationKind

SOURCES: Mapping[str, str] = {
    Source.http: "API HTTP Convergence",
    Source.chirpstack: "ChirpStack",
    Source.tts: "The Things Stack",
    Source.mqtt: "MQTT",
    Source.ocpp: "OCPP (bornes de recharge)",
}
STAGES: Mapping[str, str] = {
    Stage.receive: "Réception",
    Stage.resolve: "Identification de l'appareil",
    Stage.decode: "Décodage",
    Stage.normalise: "Normalisation",
    Stage.validate: "Validation",
    Stage.store: "Enregistrement",
}
DEAD_LETTER_STATUSES: Mapping[str, str] = {
    Status.pending: "En attente",
    Status.replayed: "Rejoué",
    Status.discarded: "Abandonné",
}
INTEGRATION_KINDS: Mapping[str, str] = {
    IntegrationKind.chirpstack: "ChirpStack v4",
    IntegrationKind.tts: "The Things Stack v3",
}
INGEST_LABELS: Mapping[str, Mapping[str, str]] = {
    "source": SOURCES,
    "stage": STAGES,
    "dead_letter_status": DEAD_LETTER_STATUSES,
    "integration_kind": INTEGRATION_KINDS,
}
