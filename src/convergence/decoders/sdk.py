"""The decoder SDK: frames in, TTN-shaped results out, and the manifest every codec carries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from convergence.errors import InvalidInput

CODEC_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,79}$"


class DecodeErrorReason(StrEnum):
    """Why a payload could not be decoded; stable values that dead letters record."""

    truncated = "truncated"
    unsupported = "unsupported"
    codec_error = "codec_error"
    codec_invalid = "codec_invalid"
    invalid_output = "invalid_output"
    timeout = "timeout"
    memory = "memory"
    stack_overflow = "stack_overflow"
    worker_crashed = "worker_crashed"


class DecodeError(InvalidInput):
    """A payload, or a codec, that cannot produce a decoded result."""

    code = "decode_error"

    def __init__(self, message: str, *, reason: DecodeErrorReason, **details: Any) -> None:
        super().__init__(message, reason=reason.value, **details)
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments need help to cross a process boundary intact.
        return (_rebuild_decode_error, (self.message, self.reason.value, self.details))


def _rebuild_decode_error(message: str, reason: str, details: dict[str, Any]) -> DecodeError:
    extra = {key: value for key, value in details.items() if key != "reason"}
    return DecodeError(message, reason=DecodeErrorReason(reason), **extra)


class Frame(BaseModel):
    """One uplink as a codec sees it: LoRaWAN FPort, raw bytes, reception time, metadata."""

    model_config = ConfigDict(frozen=True)

    fport: int = Field(ge=0, le=255)
    payload: bytes
    received_at: AwareDatetime | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def from_hex(cls, fport: int, payload_hex: str, received_at: datetime | None = None) -> Frame:
        """A frame from a hexadecimal payload (spaces allowed)."""
        try:
            payload = bytes.fromhex(payload_hex.replace(" ", ""))
        except ValueError as exc:
            msg = f"payload is not hexadecimal: {payload_hex[:40]!r}"
            raise DecodeError(msg, reason=DecodeErrorReason.unsupported) from exc
        return cls(fport=fport, payload=payload, received_at=received_at)


class DecodeResult(BaseModel):
    """A decoded uplink in The Things Network device-repository shape."""

    data: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the codec reported no error (TTN: errors mean decoding failed)."""
        return not self.errors

    def to_ttn(self) -> dict[str, Any]:
        """The result as a device-repository `decodeUplink` return value."""
        out: dict[str, Any] = {}
        if self.data or not self.errors:
            out["data"] = self.data
        if self.warnings:
            out["warnings"] = self.warnings
        if self.errors:
            out["errors"] = self.errors
        return out


class Example(BaseModel):
    """A payload and the result the codec must give for it, checked by the project linter."""

    model_config = ConfigDict(frozen=True)

    description: str
    fport: int = Field(ge=0, le=255)
    payload_hex: str
    expected: DecodeResult


class Manifest(BaseModel):
    """What a codec is, what it decodes and where its specification comes from."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=CODEC_ID_PATTERN)
    name: str = Field(min_length=1)
    vendors: tuple[str, ...] = Field(min_length=1)
    models: tuple[str, ...] = Field(min_length=1)
    firmware: tuple[str, ...] = ()
    version: str = Field(min_length=1)
    description: str = Field(min_length=1)
    ports: tuple[int, ...] = ()
    licence: str = Field(min_length=1)
    source: str = Field(min_length=1)
    device_repository_codecs: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()


@runtime_checkable
class Decoder(Protocol):
    """Anything with a manifest that turns a frame into a result (or raises DecodeError)."""

    @property
    def manifest(self) -> Manifest: ...

    def decode(self, frame: Frame) -> DecodeResult: ...


def decoded(data: dict[str, Any], *, warnings: list[str] | None = None) -> DecodeResult:
    """A successful result."""
    return DecodeResult(data=data, warnings=warnings or [])


def refused(*errors: str) -> DecodeResult:
    """A result that reports codec errors, as device-repository codecs do for unknown ports."""
    return DecodeResult(errors=list(errors))
