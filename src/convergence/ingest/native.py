"""Reading the native formats: the HTTP batch API and the generic MQTT topic scheme.

A body is a batch — ``{"readings": [...], "uplinks": [...]}`` or a JSON list of items — or one
item. A reading is ``{device, ts, quantity, value, unit}``, an uplink
``{device, fport, payload_hex, ts?}``. Each item is refused on its own: one bad item never
holds back the others.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from pydantic import ValidationError

from convergence.errors import PayloadTooLarge
from convergence.ingest.columns import ColumnReader, ReadingColumns
from convergence.ingest.envelope import Envelope, Refusal, Refused, Stage
from convergence.ingest.messages import Message, ReadingIn, Uplink, UplinkIn
from convergence.ingest.tables import DEVICE_REF_LENGTH

BATCH_KEYS = ("readings", "uplinks")


def load_json(raw: bytes) -> Any:
    """The JSON document in ``raw``; Refused (receive stage) when it is not JSON.

    orjson reads what senders send, several times faster; what it refuses (UTF-16, NaN,
    integers past 64 bits, lone surrogates) is read by the standard parser as before.
    """
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        reason = f"le message n'est pas du JSON valide / the message is not valid JSON: {error}"
        raise Refused(Stage.receive, "invalid_json", reason[:500]) from None


def parse_native(
    envelope: Envelope, *, max_items: int, slot: int = 0
) -> tuple[ReadingColumns, list[tuple[int, Message]]]:
    """The readings of a native body as columns, and its other items as messages with their
    position; a topic's device (MQTT) names the device of every item."""
    document = load_json(envelope.raw)
    sections = _sections(document)
    count = sum(len(items) for _, items in sections)
    if count > max_items:
        raise PayloadTooLarge(
            f"lot de {count} éléments, limite {max_items} / batch of {count} items "
            f"exceeds the limit of {max_items}: split it",
            items=count,
            limit=max_items,
        )
    batch = isinstance(document, list) or _is_batch(document)
    columns = ReadingColumns(slot=slot, envelope=envelope, batch=batch)
    reader = ColumnReader(columns, envelope.device_ref)
    others: list[tuple[int, Message]] = []
    first = 0
    for key, items in sections:
        labels: list[str | None] = (
            [f"{key}[{i}]" for i in range(len(items))] if batch else [None] * len(items)
        )
        for i in reader.take_all(first, labels, items):
            others.append((first + i, _message(items[i], labels[i], envelope, batch=batch)))
        first += len(items)
    return columns, others


def _is_batch(document: Any) -> bool:
    return isinstance(document, dict) and any(key in document for key in BATCH_KEYS)


def _sections(document: Any) -> list[tuple[str, list[Any]]]:
    """The items of a body by where they sit: (label prefix, items); one item's label is ""."""
    if isinstance(document, list):
        return [("", document)]
    if _is_batch(document):
        extra = sorted(set(document) - set(BATCH_KEYS))
        if extra:
            reason = f"unexpected key(s) {', '.join(map(repr, extra))} next to readings/uplinks"
            raise Refused(Stage.receive, "invalid_shape", reason[:500])
        sections = []
        for key in BATCH_KEYS:
            entries = document.get(key, [])
            if not isinstance(entries, list):
                raise Refused(Stage.receive, "invalid_shape", f"{key!r} must be a list")
            sections.append((key, entries))
        return sections
    if isinstance(document, dict):
        return [("", [document])]
    reason = (
        "attendu un objet ou une liste / expected an object {readings: [...]}, "
        "a list of items, or one item"
    )
    raise Refused(Stage.receive, "invalid_shape", reason)


def _message(item: Any, label: str | None, envelope: Envelope, *, batch: bool) -> Message:
    kept = item if batch else None
    if not isinstance(item, dict):
        refusal = Refusal(Stage.receive, "invalid_item", "an item must be a JSON object")
        return Message(None, envelope.received_at, item=kept, index=label, refusal=refusal)
    if envelope.device_ref is not None:  # the topic names the device
        item = {**item, "device": envelope.device_ref}
        kept = item if batch else None
    try:
        if "payload_hex" in item:
            return _uplink_message(UplinkIn.model_validate(item), envelope, kept, label)
        reading = ReadingIn.model_validate(item)
    except ValidationError as error:
        refusal = Refusal(Stage.receive, "invalid_item", validation_reason(error))
        return Message(_ref(item), envelope.received_at, item=kept, index=label, refusal=refusal)
    return Message(reading.device, reading.ts, readings=[reading], item=kept, index=label)


def _uplink_message(uplink: UplinkIn, envelope: Envelope, kept: Any, label: str | None) -> Message:
    frame = Uplink(fport=uplink.fport, payload=bytes.fromhex("".join(uplink.payload_hex.split())))
    ts = uplink.ts or envelope.received_at
    return Message(uplink.device, ts, uplink=frame, item=kept, index=label)


def _ref(item: dict[str, Any]) -> str | None:
    device = item.get("device")
    if isinstance(device, str | int) and not isinstance(device, bool):
        return str(device)[:DEVICE_REF_LENGTH] or None
    return None


def validation_reason(error: ValidationError) -> str:
    """A pydantic error as one line: ``field: message; …``."""
    parts = []
    for problem in error.errors()[:10]:
        where = ".".join(str(p) for p in problem["loc"])
        message = str(problem["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)[:1000]
