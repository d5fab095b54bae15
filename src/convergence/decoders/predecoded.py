"""Payloads already decoded by the network server: ChirpStack `object`, TTS `decoded_payload`
and TTS `normalized_payload`, turned into the same results and readings as our own codecs."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, TypeAdapter, ValidationError

from convergence.decoders.normalise import FieldMapping, Normalisation, maps_quantities, normalise
from convergence.decoders.sdk import DecodeError, DecodeErrorReason, DecodeResult


class PredecodedSource(StrEnum):
    """Where an already-decoded payload comes from."""

    chirpstack_object = "chirpstack_object"
    tts_decoded_payload = "tts_decoded_payload"
    tts_normalized_payload = "tts_normalized_payload"


# The Things Stack normalized payload (device repository `lib/payload.json`): fixed names, fixed
# units. Only the air and wind measurements map to catalogue quantities; the rest (soil,
# actions, metering) is kept as facts or unmapped numbers.
TTS_NORMALIZED_FIELDS: dict[str, FieldMapping] = {
    "air.temperature": FieldMapping(quantity="temperature", unit="°C"),
    "air.relativeHumidity": FieldMapping(quantity="relative_humidity", unit="%"),
    "air.pressure": FieldMapping(quantity="pressure", unit="hPa"),
    "air.co2": FieldMapping(quantity="co2", unit="ppm"),
    "air.lightIntensity": FieldMapping(quantity="illuminance", unit="lx"),
    "wind.speed": FieldMapping(quantity="wind_speed", unit="m/s"),
    "wind.direction": FieldMapping(quantity="wind_direction", unit="°"),
}
_TIME = TypeAdapter(AwareDatetime)


def _refuse(message: str) -> DecodeError:
    return DecodeError(message, reason=DecodeErrorReason.unsupported)


def _as_object(value: Any, source: PredecodedSource) -> dict[str, Any]:
    if isinstance(value, str):
        # ChirpStack v3 sends `objectJSON`, the decoded object as a JSON string.
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise _refuse(f"{source}: not valid JSON") from None
    if not isinstance(value, dict):
        kind = "nothing" if value is None else type(value).__name__
        raise _refuse(f"{source}: expected a JSON object, got {kind}")
    return value


def _measurements(value: Any) -> list[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, dict) for item in items):
        raise _refuse("tts_normalized_payload: expected an object or a list of objects")
    return list(items)


def predecoded_result(
    value: Any, *, source: PredecodedSource, warnings: Sequence[str] = ()
) -> DecodeResult:
    """A DecodeResult for a payload decoded upstream; DecodeError when its shape is wrong."""
    if source is PredecodedSource.tts_normalized_payload:
        data: dict[str, Any] = {"measurements": _measurements(value)}
    else:
        data = _as_object(value, source)
    return DecodeResult(data=data, warnings=[str(warning) for warning in warnings])


def _measurement_time(item: Mapping[str, Any], default: datetime | None) -> datetime | None:
    moment = item.get("time")
    if moment is None:
        return default
    try:
        return _TIME.validate_python(moment)
    except ValidationError:
        raise _refuse(f"tts_normalized_payload: invalid time {moment!r}") from None


def normalise_predecoded(
    value: Any,
    *,
    source: PredecodedSource,
    field_map: Mapping[str, FieldMapping | Mapping[str, Any]] | None = None,
    ts: datetime | None = None,
) -> Normalisation:
    """Readings and facts of an upstream-decoded payload, as `normalise` gives for ours."""
    if source is not PredecodedSource.tts_normalized_payload:
        return normalise(_as_object(value, source), field_map, ts=ts)
    merged = Normalisation()
    for item in _measurements(value):
        moment = _measurement_time(item, ts)
        fields = {key: part for key, part in item.items() if key != "time"}
        part = normalise(fields, _with_tts_fields(field_map), ts=moment)
        merged.readings += part.readings
        merged.facts += part.facts
        merged.unmapped += part.unmapped
        merged.problems += part.problems
    return merged


def _with_tts_fields(
    field_map: Mapping[str, FieldMapping | Mapping[str, Any]] | None,
) -> Mapping[str, FieldMapping | Mapping[str, Any]]:
    """The model's map; TTS's own field names where it maps no quantity (ignores only)."""
    if field_map and maps_quantities(field_map):
        return field_map
    return {**TTS_NORMALIZED_FIELDS, **(field_map or {})}
