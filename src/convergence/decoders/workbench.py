"""The codec workbench: one payload through one codec, everything a technician needs to see.

Used by ``POST /api/v1/decoders/try``, the page « Tester un décodeur » and ``convergence
decode``: the decoded object, the readings it normalises to (each with its validation), the
facts and unmapped fields, the codec's warnings and errors, and which sandbox limit stopped
it, if one did. Nothing is stored.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from convergence.decoders.normalise import Fact, FieldMapping, normalise, validate_reading
from convergence.decoders.sdk import DecodeError, DecodeErrorReason, Decoder, Frame

MAX_PAYLOAD_BYTES = 1024
MAX_PASTED_SOURCE = 256 * 1024
# The limits of the sandbox, as a technician reads them.
LIMIT_LABELS = {
    DecodeErrorReason.timeout: "délai dépassé",
    DecodeErrorReason.memory: "mémoire dépassée",
    DecodeErrorReason.stack_overflow: "pile d'appels dépassée",
}


class TryRequest(BaseModel):
    """A codec (by id, or pasted JavaScript), an fPort and a payload in hex or base64."""

    codec: str | None = Field(
        default=None, max_length=200, description="built-in codec id or js:<file>"
    )
    javascript: str | None = Field(
        default=None,
        max_length=MAX_PASTED_SOURCE,
        description="a codec in device-repository format (decodeUplink), pasted",
    )
    fport: int = Field(ge=0, le=255)
    payload_hex: str | None = Field(default=None, max_length=4 * MAX_PAYLOAD_BYTES)
    payload_base64: str | None = Field(default=None, max_length=4 * MAX_PAYLOAD_BYTES)
    field_map: dict[str, FieldMapping] | None = Field(
        default=None, description="decoded field -> quantity; none: well-known names only"
    )

    @model_validator(mode="after")
    def _one_codec_one_payload(self) -> TryRequest:
        if (self.codec is None) == (self.javascript is None or not self.javascript.strip()):
            raise ValueError("give either codec (an id) or javascript (a pasted codec)")
        if (self.payload_hex is None) == (self.payload_base64 is None):
            raise ValueError("give either payload_hex or payload_base64")
        return self

    def payload(self) -> bytes:
        """The payload's bytes; DecodeError when it is neither hex nor base64."""
        if self.payload_hex is not None:
            text = self.payload_hex.replace(" ", "").removeprefix("0x")
            try:
                return _bounded(bytes.fromhex(text))
            except ValueError:
                msg = f"payload_hex is not hexadecimal: {self.payload_hex[:40]!r}"
                raise DecodeError(msg, reason=DecodeErrorReason.unsupported) from None
        try:
            return _bounded(base64.b64decode(self.payload_base64 or "", validate=True))
        except (binascii.Error, ValueError):
            msg = f"payload_base64 is not base64: {(self.payload_base64 or '')[:40]!r}"
            raise DecodeError(msg, reason=DecodeErrorReason.unsupported) from None


def _bounded(payload: bytes) -> bytes:
    if len(payload) > MAX_PAYLOAD_BYTES:
        msg = f"the payload has {len(payload)} bytes; at most {MAX_PAYLOAD_BYTES} are accepted"
        raise DecodeError(msg, reason=DecodeErrorReason.unsupported)
    return payload


class TriedReading(BaseModel):
    """A normalised reading and whether ingestion would accept it."""

    field: str
    quantity: str
    value: float
    unit: str
    refused: str | None = None


class TryAnswer(BaseModel):
    """What the codec made of the payload; `limit` names the sandbox limit hit, if any."""

    codec: str
    fport: int
    payload_hex: str
    decoded: dict[str, Any] | None = None
    warnings: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    readings: list[TriedReading] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    unmapped: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    limit: DecodeErrorReason | None = None
    limit_label: str | None = None


def try_decoder(
    decoder: Decoder, *, fport: int, payload: bytes, now: datetime, field_map: Any = None
) -> TryAnswer:
    """Decode one frame and normalise it; a codec failure is part of the answer, not raised."""
    answer = TryAnswer(codec=decoder.manifest.id, fport=fport, payload_hex=payload.hex())
    frame = Frame(fport=fport, payload=payload, received_at=now)
    try:
        result = decoder.decode(frame)
    except DecodeError as error:
        answer.errors.append(error.message)
        if error.reason in LIMIT_LABELS:
            answer.limit, answer.limit_label = error.reason, LIMIT_LABELS[error.reason]
        return answer
    answer.decoded, answer.warnings, answer.errors = result.data, result.warnings, result.errors
    if result.errors:
        return answer
    normalisation = normalise(result.data, field_map or None, ts=now)
    answer.readings = [
        TriedReading(
            field=r.field,
            quantity=r.quantity,
            value=r.value,
            unit=r.unit,
            refused=validate_reading(r, now),
        )
        for r in normalisation.readings
    ]
    answer.facts, answer.unmapped = normalisation.facts, normalisation.unmapped
    answer.problems = normalisation.problems
    return answer
