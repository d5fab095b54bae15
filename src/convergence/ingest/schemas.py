"""Pydantic models of ingestion at the API and CLI boundaries."""

from __future__ import annotations

import base64
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from convergence.ingest.envelope import Source, Stage, Status
from convergence.registry.schemas import DeviceModelOut


class RejectionOut(BaseModel):
    """A refused item: where it sat in the batch, why, and the dead letter that keeps it."""

    index: str | None
    device: str | None
    stage: Stage
    code: str
    reason: str
    dead_letter_id: int | None = Field(
        description="the dead letter keeping it; null when the member and source are over "
        "the dead-letter quota (the message is counted, not kept)"
    )


class IngestReport(BaseModel):
    """The answer to a sender, given after the commit."""

    messages: int = Field(description="items or uplinks received")
    stored: int = Field(description="readings inserted")
    duplicates: int = Field(description="readings already stored (a retry or a replay)")
    events: int = Field(description="non-numeric facts stored")
    refused: list[RejectionOut] = Field(default_factory=list)


class IntegrationKind(StrEnum):
    chirpstack = "chirpstack"
    tts = "tts"
    mqtt = "mqtt"
    http = "http"


# A network server sends one request per uplink and retries none: its limit is sized to what
# it is expected to send (100,000 devices once a minute is ~1,700 uplinks/s), not per token.
DEFAULT_UPLINKS_PER_SECOND = 2000


class Marshaler(StrEnum):
    """How a ChirpStack HTTP integration encodes its events (its `marshaler` setting)."""

    json = "json"
    protobuf = "protobuf"


class IntegrationConfig(BaseModel):
    """What routes messages to the member, and what the network server is expected to send."""

    application_ids: list[str] = Field(
        default_factory=list,
        description="ChirpStack application UUIDs, or TTS `application-id@tenant` ids",
    )
    max_uplinks_per_second: int = Field(
        default=DEFAULT_UPLINKS_PER_SECOND,
        ge=1,
        le=1_000_000,
        description=(
            "webhook requests per second the network server is expected to send, with a "
            "minute of burst; beyond it uplinks are kept as `rate_limited` dead letters to "
            "replay, never refused"
        ),
    )
    marshaler: Marshaler = Field(
        default=Marshaler.json,
        description=(
            "ChirpStack only: the encoding its HTTP integration sends; a body announced as "
            "application/x-protobuf or application/octet-stream is read as Protobuf anyway"
        ),
    )


class IntegrationCreate(BaseModel):
    kind: IntegrationKind
    name: str = Field(min_length=1, max_length=200)
    config: IntegrationConfig = Field(default_factory=IntegrationConfig)
    member_id: int | None = Field(default=None, description="defaults to the caller's member")


class IntegrationOut(BaseModel):
    id: int
    member_id: int
    kind: IntegrationKind
    name: str
    config: IntegrationConfig
    created_at: datetime


class DeadLetterSelection(BaseModel):
    """Which dead letters: pending by default, by reason, source, device or member."""

    status: Status | None = Status.pending
    reason_code: str | None = None
    source: Source | None = None
    device: str | None = None
    member_id: int | None = None


class DeadLetterFilters(DeadLetterSelection):
    """A selection and a page of it, by offset (the administration page, the CLI)."""

    limit: int = Field(default=100, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)


class DeadLetterOut(BaseModel):
    id: int
    received_at: datetime
    last_received_at: datetime
    times_received: int
    source: Source
    member_id: int | None
    device_ref: str | None
    stage: Stage
    reason_code: str
    reason: str
    status: Status
    replayed_at: datetime | None
    metadata: dict[str, Any]
    raw_size: int
    raw_text: str | None = Field(description="the raw bytes as UTF-8 text, when they are")
    raw_base64: str


def raw_views(raw: bytes) -> dict[str, Any]:
    """The raw bytes of a dead letter as text (if UTF-8) and as base64."""
    try:
        text: str | None = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return {"raw_size": len(raw), "raw_text": text, "raw_base64": base64.b64encode(raw).decode()}


class DiscoveredDevice(BaseModel):
    """A device that sent data before being registered: its messages wait as dead letters."""

    member_id: int | None
    device_ref: str
    first_seen: datetime
    last_seen: datetime
    messages: int
    sample: DeadLetterOut


class ReplayReport(BaseModel):
    replayed: list[int] = Field(default_factory=list, description="dead letters taken in")
    still_refused: list[int] = Field(default_factory=list, description="refused again")
    stored: int = 0
    duplicates: int = 0


class DeviceModelUpdated(BaseModel):
    """The model as changed, and the waiting messages of its assets run again."""

    device_model: DeviceModelOut
    replay: ReplayReport


class CodecSuspensionOut(BaseModel):
    """A codec suspended after failing again and again, in this process."""

    codec: str
    since: datetime
    until: datetime
    failures: int
    last_failure: str
