"""Nwave G4 parking sensor (NPS405) and car counter (NCC405)."""

from __future__ import annotations

from typing import Any, ClassVar

from convergence.decoders.binary import PayloadReader, signed
from convergence.decoders.sdk import DecodeResult, Frame, Manifest, decoded, refused

SOURCE = (
    "Nwave 'LoRaWAN Parking Sensor / Car Counter - Getting Started' application protocol "
    "(ports, bit fields, battery formula), checked against the TTN device-repository examples"
)
LICENCE = "AGPL-3.0-or-later (Convergence implementation)"
# The duration field is exact up to 95 minutes, then counts 8-minute steps (±4 minutes).
EXACT_DURATION_LIMIT = 96
COARSE_STEP_MINUTES = 8
MAX_DURATION_CODE = 0x7F
BATTERY_HEALTH = {0: "normal", 1: "low", 2: "critical", 3: "reserved"}
RESET_CAUSES = {2: "power_on"}


def battery_volts(raw: int) -> float:
    """Battery voltage: 2.5 V plus 4 mV per step."""
    return (2500 + raw * 4) / 1000


def _reset_cause(raw: int) -> str:
    return RESET_CAUSES.get(raw, f"code_{raw}")


def parking_status(byte: int) -> dict[str, Any]:
    """Occupancy (bit 0) and the compressed duration of the previous state (bits 7..1)."""
    code = byte >> 1
    if code < EXACT_DURATION_LIMIT:
        duration, error = code, 0
    else:
        duration = EXACT_DURATION_LIMIT + (code - EXACT_DURATION_LIMIT) * COARSE_STEP_MINUTES
        error = COARSE_STEP_MINUTES // 2
    return {
        "occupied": bool(byte & 1),
        "previous_state_duration": duration,
        "previous_state_duration_error": error,
        "previous_state_duration_overflow": code == MAX_DURATION_CODE,
    }


def _nps_heartbeat(reader: PayloadReader) -> dict[str, Any]:
    head = reader.u8("status")
    battery = reader.u8("battery")
    health = reader.u8("temperature and battery health")
    return {
        "type": "heartbeat",
        "occupied": bool(head & 1),
        "battery_voltage": battery_volts(battery),
        # Temperature: signed 6 bits above a 2-bit battery-health code.
        "temperature": signed(health >> 2, 6),
        "battery_health": BATTERY_HEALTH[health & 0x03],
        "hw_health_status": head >> 1,
    }


def _firmware(reader: PayloadReader) -> str:
    major, minor, patch = reader.take(3, "firmware version")
    return f"{major}.{minor}.{patch}"


def decode_nps405(fport: int, payload: bytes) -> DecodeResult:
    """Decode a parking-sensor uplink by port."""
    reader = PayloadReader(payload)
    if fport == 1:
        return decoded({"type": "parking_status", **parking_status(reader.u8("status"))})
    if fport == 2:
        return decoded(_nps_heartbeat(reader))
    if fport == 3:
        firmware = _firmware(reader)
        cause = _reset_cause(reader.u8("reset cause"))
        occupied = bool(reader.u8("status") & 1)
        return decoded(
            {
                "type": "startup",
                "firmware_version": firmware,
                "reset_cause": cause,
                "occupied": occupied,
            }
        )
    if fport == 10:
        status = parking_status(reader.u8("status"))
        tag = reader.take(4, "tag id").hex().upper()
        return decoded({"type": "user_registration", **status, "tag_id": tag})
    return refused("unknown FPort")


def decode_ncc405(fport: int, payload: bytes) -> DecodeResult:
    """Decode a car-counter uplink by port."""
    reader = PayloadReader(payload)
    if fport == 1:
        return decoded({"type": "counter_update", "counter_value": reader.uint(2, "counter")})
    if fport == 2:
        health = reader.u8("hardware health") & 0x3F
        last, mean = reader.u8("battery"), reader.u8("battery mean 24 h")
        return decoded(
            {
                "type": "heartbeat",
                "hw_health_status": health,
                "battery_voltage": battery_volts(last),
                "battery_voltage_mean_24h": battery_volts(mean),
            }
        )
    if fport == 3:
        firmware = _firmware(reader)
        cause = _reset_cause(reader.u8("reset cause"))
        return decoded({"type": "startup", "firmware_version": firmware, "reset_cause": cause})
    return refused("unknown FPort")


class Nps405Decoder:
    """Nwave smart parking sensor G4 (surface and flush mount)."""

    manifest: ClassVar[Manifest] = Manifest(
        id="nwave-nps405",
        name="Nwave NPS405 parking sensor",
        vendors=("nwave",),
        models=("nps405sm", "nps405fm"),
        version="1.0.0",
        description="Parking occupancy with the duration of the previous state (minutes), "
        "heartbeat (battery, temperature), startup and RFID user registration.",
        ports=(1, 2, 3, 10),
        licence=LICENCE,
        source=SOURCE,
        device_repository_codecs=("nps405-codec",),
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decode_nps405(frame.fport, frame.payload)


class Ncc405Decoder:
    """Nwave smart car counter G4."""

    manifest: ClassVar[Manifest] = Manifest(
        id="nwave-ncc405",
        name="Nwave NCC405 car counter",
        vendors=("nwave",),
        models=("ncc405sm",),
        version="1.0.0",
        description="Cumulative vehicle counter, heartbeat (battery last and 24 h mean, "
        "hardware health) and startup.",
        ports=(1, 2, 3),
        licence=LICENCE,
        source=SOURCE,
        device_repository_codecs=("ncc405-codec",),
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decode_ncc405(frame.fport, frame.payload)
