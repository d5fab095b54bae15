"""What every receiver hands to the pipeline: one message as it arrived, and why it may fail."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Source(StrEnum):
    """Where a message came from; it also says how its raw bytes are read."""

    http = "http"  # the native batch API, POST /api/v1/ingest
    chirpstack = "chirpstack"  # ChirpStack v4 (or v3) uplink JSON, by HTTP or MQTT
    tts = "tts"  # The Things Stack v3 uplink JSON, by webhook or MQTT
    mqtt = "mqtt"  # the generic topic scheme convergence/{siren}/{device}/up
    ocpp = "ocpp"  # a charge point's WebSocket handshake (charging/ocpp/central.py)


class Stage(StrEnum):
    """The step of the pipeline that refused a message."""

    receive = "receive"
    resolve = "resolve"
    decode = "decode"
    normalise = "normalise"
    validate = "validate"
    store = "store"


class Status(StrEnum):
    """Where a dead letter stands."""

    pending = "pending"
    replayed = "replayed"
    discarded = "discarded"


UNKNOWN_DEVICE = "unknown_device"
# Decoded numbers that no field map names: kept until the device model maps them.
UNMAPPED_FIELDS = "unmapped_fields"
# A webhook beyond its integration's expected rate: kept, since network servers do not retry.
RATE_LIMITED = "rate_limited"


@dataclass(frozen=True, slots=True)
class Envelope:
    """One message as received: raw bytes kept intact, so any refusal can be replayed."""

    source: Source
    raw: bytes
    received_at: datetime
    member_id: int | None = None
    device_ref: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a message, or part of it, was not taken in: a stage, a stable code, a reason."""

    stage: Stage
    code: str
    reason: str


class Refused(Exception):
    """Raised inside a stage to refuse the message being processed."""

    def __init__(self, stage: Stage, code: str, reason: str) -> None:
        super().__init__(reason)
        self.refusal = Refusal(stage, code, reason)
