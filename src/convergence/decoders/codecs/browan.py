"""Browan Tabs: the sound level sensor TBSL100."""

from __future__ import annotations

from typing import ClassVar

from convergence.decoders.binary import PayloadReader
from convergence.decoders.sdk import DecodeResult, Frame, Manifest, decoded, refused

SOUND_PORT = 105


def decode_tbsl100(fport: int, payload: bytes) -> DecodeResult:
    """Decode a TBSL100 uplink: status, battery, board temperature, sound level."""
    if fport != SOUND_PORT:
        return refused("unknown FPort")
    reader = PayloadReader(payload)
    status = reader.u8("status")
    battery = reader.u8("battery")
    temperature = reader.u8("temperature")
    decibel = reader.u8("decibel")
    return decoded(
        {
            "status": status,
            # Tabs encode battery as 2.5 V + n × 0.1 V in the low nibble.
            "battery": (25 + (battery & 0x0F)) / 10,
            "decibel": decibel,
            # Tabs encode temperature on 7 bits with an offset of 32 °C.
            "temperatureBoard": (temperature & 0x7F) - 32,
        }
    )


class Tbsl100Decoder:
    """Browan Tabs sound level sensor."""

    manifest: ClassVar[Manifest] = Manifest(
        id="browan-tbsl100",
        name="Browan TBSL100 sound level",
        vendors=("browan",),
        models=("tbsl100",),
        version="1.0.0",
        description="Sound level (dB, integer), battery voltage, board temperature, status.",
        ports=(SOUND_PORT,),
        licence="AGPL-3.0-or-later (Convergence implementation)",
        source="Browan Tabs payload description (status, battery, temperature, value bytes), "
        "checked against the TTN device-repository examples",
        device_repository_codecs=("tbsl100-codec",),
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decode_tbsl100(frame.fport, frame.payload)
