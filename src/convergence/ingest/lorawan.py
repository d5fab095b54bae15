"""Reading uplinks of LoRaWAN network servers: ChirpStack v4 (and v3) and The Things Stack v3.

Both become one internal record (DevEUI, FPort, bytes, what the server already decoded,
time, radio metadata), following the mapping of section 5.3 of the LoRaWAN reference note.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, TypeAdapter, ValidationError

from convergence.ingest.chirpstack_protobuf import PROTOBUF, protobuf_document
from convergence.ingest.envelope import Envelope, Refused, Stage
from convergence.ingest.messages import Message, Uplink
from convergence.ingest.native import load_json

DEV_EUI = re.compile(r"^[0-9A-F]{16}$")
_INSTANT: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)
# TTS messages that are not uplinks, sent to the same webhook when so configured.
TTS_OTHER_MESSAGES = frozenset(
    {
        "join_accept",
        "downlink_ack",
        "downlink_nack",
        "downlink_sent",
        "downlink_failed",
        "downlink_queued",
        "downlink_queue_invalidated",
        "location_solved",
        "service_data",
    }
)


def normalise_dev_eui(value: Any) -> str:
    """A DevEUI as 16 upper-case hex digits; Refused when it is not one."""
    text = str(value).replace("-", "").replace(":", "").strip().upper() if value else ""
    if not DEV_EUI.match(text):
        shown = str(value)[:40] if value is not None else "nothing"
        raise Refused(Stage.receive, "invalid_format", f"DevEUI {shown!r} is not 16 hex digits")
    return text


def _object(document: Any, what: str) -> dict[str, Any]:
    if not isinstance(document, dict):
        raise Refused(Stage.receive, "invalid_format", f"{what} must be a JSON object")
    return document


def _base64(value: Any, what: str) -> bytes:
    if value in (None, ""):
        return b""
    if not isinstance(value, str):
        raise Refused(Stage.receive, "invalid_format", f"{what} must be a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Refused(Stage.receive, "invalid_format", f"{what} is not valid base64") from None


def _fport(value: Any) -> int:
    if value is None:
        return 0  # TTS omits fields equal to 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
        raise Refused(Stage.receive, "invalid_format", f"fPort {str(value)[:20]!r} is not 0–255")
    return value


def _instant(*candidates: Any) -> datetime | None:
    for candidate in candidates:
        if isinstance(candidate, str):
            try:
                return _INSTANT.validate_python(candidate)
            except ValidationError:
                continue
    return None


def _decoded(value: Any, what: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Refused(Stage.receive, "invalid_format", f"{what} must be a JSON object")
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _best_gateway(items: Any, snr_key: str = "snr") -> Mapping[str, Any]:
    """The reception of the gateway that heard the uplink best: highest RSSI, then SNR."""
    if not isinstance(items, list):
        return {}
    heard = [item for item in items if isinstance(item, dict)]
    if not heard:
        return {}
    return max(heard, key=lambda item: (_signal(item.get("rssi")), _signal(item.get(snr_key))))


def _signal(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return -math.inf


def parse_chirpstack(envelope: Envelope) -> list[Message]:
    """The uplink of a ChirpStack ``up`` event; other events carry no readings."""
    event = str(envelope.metadata.get("event", "up"))
    if envelope.metadata.get("encoding") == PROTOBUF:
        # Parsed even when it carries no readings, so that a wrong marshaler is told at once.
        document = protobuf_document(envelope.raw, event)
        if event != "up":
            return []
    else:
        if event != "up":
            return []
        document = _object(load_json(envelope.raw), "a ChirpStack event")
    if "deviceInfo" in document:
        return [_chirpstack_v4(document, envelope)]
    if "devEUI" in document or "applicationID" in document:
        return [_chirpstack_v3(document, envelope)]
    reason = "not a ChirpStack uplink: neither deviceInfo.devEui (v4) nor devEUI (v3)"
    raise Refused(Stage.receive, "invalid_format", reason)


def _chirpstack_v4(document: dict[str, Any], envelope: Envelope) -> Message:
    info = _object(document["deviceInfo"], "deviceInfo")
    dev_eui = normalise_dev_eui(info.get("devEui"))
    rx = _best_gateway(document.get("rxInfo"))
    tx = _mapping(document.get("txInfo"))
    uplink = Uplink(
        fport=_fport(document.get("fPort")),
        payload=_base64(document.get("data"), "data"),
        decoded=_decoded(document.get("object"), "object"),
        hints={"device_name": info.get("deviceName"), "profile": info.get("deviceProfileName")},
    )
    ts = _instant(document.get("time"), rx.get("nsTime"), rx.get("gwTime"))
    metadata = {
        "application_id": info.get("applicationId"),
        "device_name": info.get("deviceName"),
        "f_cnt": document.get("fCnt"),
        "gateway_id": rx.get("gatewayId"),
        "rssi": rx.get("rssi"),
        "snr": rx.get("snr"),
        "frequency": tx.get("frequency"),
        "dr": document.get("dr"),
    }
    return Message(dev_eui, ts or envelope.received_at, uplink=uplink, metadata=_compact(metadata))


def _chirpstack_v3(document: dict[str, Any], envelope: Envelope) -> Message:
    raw_eui = _base64(document.get("devEUI"), "devEUI")
    dev_eui = normalise_dev_eui(raw_eui.hex())
    decoded = document.get("object")
    if decoded is None and isinstance(document.get("objectJSON"), str):
        try:
            decoded = json.loads(document["objectJSON"]) or None
        except (json.JSONDecodeError, RecursionError):
            raise Refused(Stage.receive, "invalid_format", "objectJSON is not JSON") from None
    rx = _best_gateway(document.get("rxInfo"), "loRaSNR")
    uplink = Uplink(
        fport=_fport(document.get("fPort")),
        payload=_base64(document.get("data"), "data"),
        decoded=_decoded(decoded, "object"),
        hints={"device_name": document.get("deviceName")},
    )
    metadata = {
        "application_id": document.get("applicationID"),
        "device_name": document.get("deviceName"),
        "f_cnt": document.get("fCnt"),
        "rssi": rx.get("rssi"),
        "snr": rx.get("loRaSNR"),
    }
    ts = _instant(document.get("time"), rx.get("time"))
    return Message(dev_eui, ts or envelope.received_at, uplink=uplink, metadata=_compact(metadata))


def parse_tts(envelope: Envelope) -> list[Message]:
    """The uplink of a The Things Stack v3 message; other message types carry no readings."""
    document = _object(load_json(envelope.raw), "a The Things Stack message")
    if "uplink_message" not in document:
        if TTS_OTHER_MESSAGES & set(document):
            return []
        raise Refused(Stage.receive, "invalid_format", "not a TTS uplink: no uplink_message")
    ids = _object(document.get("end_device_ids"), "end_device_ids")
    message = _object(document["uplink_message"], "uplink_message")
    device = ids.get("dev_eui")
    device_ref = normalise_dev_eui(device) if device else _device_id(ids.get("device_id"))
    rx = _best_gateway(message.get("rx_metadata"))
    versions = _mapping(message.get("version_ids"))
    uplink = Uplink(
        fport=_fport(message.get("f_port")),
        payload=_base64(message.get("frm_payload"), "frm_payload"),
        decoded=_decoded(message.get("decoded_payload"), "decoded_payload"),
        normalized=message.get("normalized_payload"),
        hints={"device_name": ids.get("device_id"), "version_ids": versions},
    )
    ts = _instant(message.get("received_at"), document.get("received_at"))
    return [
        Message(device_ref, ts or envelope.received_at, uplink=uplink, metadata=_tts_meta(ids, rx))
    ]


def _device_id(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise Refused(
            Stage.receive, "invalid_format", "end_device_ids has no dev_eui nor device_id"
        )
    return value[:200]


def _tts_meta(ids: dict[str, Any], rx: Mapping[str, Any]) -> dict[str, Any]:
    application = _mapping(ids.get("application_ids"))
    gateway = _mapping(rx.get("gateway_ids"))
    return _compact(
        {
            "application_id": application.get("application_id"),
            "device_name": ids.get("device_id"),
            "gateway_id": gateway.get("gateway_id"),
            "rssi": rx.get("rssi"),
            "snr": rx.get("snr"),
        }
    )


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    """Only short JSON scalars: metadata lands in a JSON column and in dead letters."""
    return {key: value for key, value in values.items() if _scalar(value)}


def _scalar(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) <= 200
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int | bool)
