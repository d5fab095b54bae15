"""Elsys ERS family: the type-length-value payload shared by every Elsys sensor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from convergence.decoders.binary import PayloadReader
from convergence.decoders.sdk import DecodeResult, Frame, Manifest, decoded

Reader = Callable[[PayloadReader, dict[str, Any]], None]


def _scaled_signed(key: str, size: int, divisor: int = 1) -> Reader:
    def read(reader: PayloadReader, out: dict[str, Any]) -> None:
        value = reader.sint(size, key)
        out[key] = value / divisor if divisor != 1 else value

    return read


def _unsigned(key: str, size: int) -> Reader:
    def read(reader: PayloadReader, out: dict[str, Any]) -> None:
        out[key] = reader.uint(size, key)

    return read


def _acceleration(reader: PayloadReader, out: dict[str, Any]) -> None:
    for axis in ("x", "y", "z"):
        out[axis] = reader.sint(1, f"acceleration {axis}")


def _gps(reader: PayloadReader, out: dict[str, Any]) -> None:
    # Elsys sends latitude and longitude as little-endian signed 24-bit, 1e-4 degree.
    out["lat"] = reader.sint(3, "latitude", little=True) / 10000
    out["long"] = reader.sint(3, "longitude", little=True) / 10000


def _ir_temperature(reader: PayloadReader, out: dict[str, Any]) -> None:
    out["irInternalTemperature"] = reader.sint(2, "IR internal temperature") / 10
    out["irExternalTemperature"] = reader.sint(2, "IR external temperature") / 10


def _grideye(reader: PayloadReader, out: dict[str, Any]) -> None:
    reference = reader.u8("grideye reference")
    out["grideye"] = [reference + reader.u8("grideye pixel") / 10.0 for _ in range(64)]


def _sound(reader: PayloadReader, out: dict[str, Any]) -> None:
    out["soundPeak"] = reader.u8("sound peak")
    out["soundAvg"] = reader.u8("sound average")


def _pressure(reader: PayloadReader, out: dict[str, Any]) -> None:
    out["pressure"] = reader.uint(4, "pressure") / 1000


def _external_temperature_2(reader: PayloadReader, out: dict[str, Any]) -> None:
    # Several probes on the second input arrive as repeated TLVs: keep them all, in order.
    value = reader.sint(2, "external temperature 2") / 10
    previous = out.get("externalTemperature2")
    if previous is None:
        out["externalTemperature2"] = value
    elif isinstance(previous, list):
        previous.append(value)
    else:
        out["externalTemperature2"] = [previous, value]


READERS: dict[int, Reader] = {
    0x01: _scaled_signed("temperature", 2, 10),
    0x02: _unsigned("humidity", 1),
    0x03: _acceleration,
    0x04: _unsigned("light", 2),
    0x05: _unsigned("motion", 1),
    0x06: _unsigned("co2", 2),
    0x07: _unsigned("vdd", 2),
    0x08: _unsigned("analog1", 2),
    0x09: _gps,
    0x0A: _unsigned("pulse1", 2),
    0x0B: _unsigned("pulseAbs", 4),
    0x0C: _scaled_signed("externalTemperature", 2, 10),
    0x0D: _unsigned("digital", 1),
    0x0E: _unsigned("distance", 2),
    0x0F: _unsigned("accMotion", 1),
    0x10: _ir_temperature,
    0x11: _unsigned("occupancy", 1),
    0x12: _unsigned("waterleak", 1),
    0x13: _grideye,
    0x14: _pressure,
    0x15: _sound,
    0x16: _unsigned("pulse2", 2),
    0x17: _unsigned("pulseAbs2", 4),
    0x18: _unsigned("analog2", 2),
    0x19: _external_temperature_2,
    0x1A: _unsigned("digital2", 1),
    0x1B: _scaled_signed("analogUv", 4),
    0x1C: _unsigned("tvoc", 2),
}


def decode_elsys(payload: bytes) -> dict[str, Any]:
    """Decode an Elsys TLV payload; an unknown type ends the payload, as Elsys's decoder does."""
    reader = PayloadReader(payload)
    out: dict[str, Any] = {}
    while reader.remaining:
        read = READERS.get(reader.u8("type"))
        if read is None:
            break
        read(reader, out)
    return out


class ElsysDecoder:
    """Elsys ERS sensors (CO2, Sound, Lite, Eye, Desk, …) on any port."""

    manifest: ClassVar[Manifest] = Manifest(
        id="elsys",
        name="Elsys ERS (TLV)",
        vendors=("elsys",),
        models=("ers", "ers-co2", "ers-sound", "ers-lite", "ers-eye", "ers-desk", "ers-co2-lite"),
        version="1.0.0",
        description="Type-length-value payload of Elsys sensors: temperature, humidity, light, "
        "motion, CO2, sound, pressure, pulses and external probes.",
        licence="AGPL-3.0-or-later (Convergence implementation)",
        source="Elsys payload specification (elsys.se, 'Elsys LoRa payload'), checked against "
        "the TTN device-repository examples of ers-co2 and ers-sound",
        device_repository_codecs=("ers-co2-codec", "ers-sound-codec"),
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decoded(decode_elsys(frame.payload))
