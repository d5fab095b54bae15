"""ChirpStack v4 events in Protobuf, as its HTTP integration sends them with the Protobuf marshaler.

The messages are those of the ``chirpstack-api`` package (``chirpstack_api.integration``). An
event is turned into the document ChirpStack's JSON marshaler would have sent (the proto3 JSON
mapping: camelCase names, bytes in base64, timestamps in RFC 3339), so that both encodings go
through one parser and store the same readings. The raw Protobuf bytes are what a dead letter
keeps; the envelope's ``encoding`` metadata says how to read them again on replay.
"""

from __future__ import annotations

from typing import Any

from chirpstack_api import integration
from google.protobuf.json_format import MessageToDict
from google.protobuf.message import DecodeError, Message

from convergence.ingest.envelope import Refused, Stage

PROTOBUF = "protobuf"
# Content types a ChirpStack HTTP integration uses for Protobuf bodies.
PROTOBUF_CONTENT_TYPES = frozenset(
    {"application/octet-stream", "application/x-protobuf", "application/protobuf"}
)
EVENTS: dict[str, type[Message]] = {
    "up": integration.UplinkEvent,
    "join": integration.JoinEvent,
    "ack": integration.AckEvent,
    "txack": integration.TxAckEvent,
    "log": integration.LogEvent,
    "status": integration.StatusEvent,
    "location": integration.LocationEvent,
}


def is_protobuf(content_type: str | None) -> bool:
    """True when a request's content type announces a Protobuf body."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media in PROTOBUF_CONTENT_TYPES


def protobuf_document(raw: bytes, event: str) -> dict[str, Any]:
    """The JSON-marshaler document of a Protobuf event; Refused when the bytes are not one."""
    kind = EVENTS.get(event)
    if kind is None:
        reason = f"unknown ChirpStack event {event[:40]!r}: expected one of {', '.join(EVENTS)}"
        raise Refused(Stage.receive, "invalid_format", reason)
    message = kind()
    try:
        message.ParseFromString(raw)
    except DecodeError as error:
        reason = (
            f"corps Protobuf illisible / not a ChirpStack {kind.__name__} in Protobuf: {error}; "
            "check the integration's marshaler (JSON or Protobuf)"
        )
        raise Refused(Stage.receive, "invalid_format", reason[:1000]) from None
    document: dict[str, Any] = MessageToDict(message)
    return document
