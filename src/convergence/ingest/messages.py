"""The pipeline's unit of work: one device's data found inside an envelope."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from convergence.ingest.envelope import Refusal
from convergence.ingest.tables import DEVICE_REF_LENGTH


def _device_text(value: object) -> object:
    # A device is named by an asset id (a JSON number) or an identifier (a string).
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class ReadingIn(BaseModel):
    """A value of a canonical quantity sent by a device or a platform that already decoded it."""

    model_config = ConfigDict(extra="forbid")

    device: str = Field(min_length=1, max_length=DEVICE_REF_LENGTH)
    ts: AwareDatetime
    quantity: str = Field(min_length=1, max_length=64)
    # strict: `true` or "12" is not a measurement (lax mode would store 1.0 and 12.0).
    value: float = Field(allow_inf_nan=False, strict=True)
    unit: str | None = Field(default=None, max_length=20)

    _device = field_validator("device", mode="before")(_device_text)


class UplinkIn(BaseModel):
    """A raw LoRaWAN (or other) frame, decoded with the codec of the device's model."""

    model_config = ConfigDict(extra="forbid")

    device: str = Field(min_length=1, max_length=DEVICE_REF_LENGTH)
    fport: int = Field(ge=0, le=255)
    payload_hex: str = Field(max_length=2048, pattern=r"^[0-9a-fA-F\s]*$")
    ts: AwareDatetime | None = None

    _device = field_validator("device", mode="before")(_device_text)


@dataclass(slots=True)
class Uplink:
    """A frame: FPort and bytes, and what the network server already made of it."""

    fport: int
    payload: bytes
    decoded: dict[str, Any] | None = None
    normalized: Any = None
    hints: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Message:
    """One device's data inside an envelope, or the reason it could not even be read."""

    device_ref: str | None
    ts: datetime
    readings: list[ReadingIn] = field(default_factory=list)
    uplink: Uplink | None = None
    # Its own part of a batch, kept for a dead letter; None means the whole envelope.
    item: Any = None
    index: str | None = None  # where it sits in a batch, e.g. "readings[3]"
    metadata: dict[str, Any] = field(default_factory=dict)
    refusal: Refusal | None = None

    def raw(self, envelope_raw: bytes) -> bytes:
        """The bytes a dead letter of this message keeps."""
        if self.item is None:
            return envelope_raw
        return json.dumps(self.item, ensure_ascii=False, separators=(",", ":")).encode()
