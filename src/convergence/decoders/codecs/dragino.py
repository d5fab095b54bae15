"""Dragino LDDS75 ultrasonic distance sensor, firmware 1.1.4 and 1.2."""

from __future__ import annotations

from typing import Any, ClassVar

from convergence.decoders.binary import PayloadReader
from convergence.decoders.sdk import DecodeResult, Frame, Manifest, decoded, refused

DATA_PORT = 2
# Below 280 mm the sensor's blind zone makes a reading meaningless (LDDS75 manual).
MIN_VALID_DISTANCE_MM = 280
SOURCE = (
    "Dragino LDDS75 user manual, 'Uplink payload' (battery, distance, interrupt flag, "
    "DS18B20 temperature, sensor flag), checked against the TTN device-repository examples"
)
LICENCE = "AGPL-3.0-or-later (Convergence implementation)"


def _battery_volts(reader: PayloadReader) -> float:
    # The two top bits of the battery word carry other flags.
    return (reader.uint(2, "battery") & 0x3FFF) / 1000


def decode_ldds75_v114(fport: int, payload: bytes) -> DecodeResult:
    """Firmware 1.1.4: every field, the distance as a string with its unit."""
    if fport != DATA_PORT:
        return refused("unknown FPort")
    reader = PayloadReader(payload)
    out: dict[str, Any] = {"Bat": _battery_volts(reader)}
    out["Distance"] = f"{reader.uint(2, 'distance')} mm"
    out["Interrupt_flag"] = reader.u8("interrupt flag")
    out["TempC_DS18B20"] = f"{reader.sint(2, 'DS18B20 temperature') / 10:.2f}"
    out["Sensor_flag"] = reader.u8("sensor flag")
    return decoded(out)


def decode_ldds75_v12(fport: int, payload: bytes) -> DecodeResult:
    """Firmware 1.2: the distance in mm, or why there is none."""
    if fport != DATA_PORT:
        return refused("unknown FPort")
    reader = PayloadReader(payload)
    _battery_volts(reader)
    distance = reader.uint(2, "distance")
    # A payload cut before the sensor-flag byte has no probe report: treat it as "no probe".
    sensor_flag = payload[7] if len(payload) >= 8 else 0
    if not sensor_flag or distance == 0:
        return decoded({"distance": "No Sensor"})
    if distance < MIN_VALID_DISTANCE_MM:
        return decoded({"distance": "Invalid Reading"})
    return decoded({"distance": distance})


class Ldds75V114Decoder:
    """Dragino LDDS75, firmware 1.1.4."""

    manifest: ClassVar[Manifest] = Manifest(
        id="dragino-ldds75-v114",
        name="Dragino LDDS75 (firmware 1.1.4)",
        vendors=("dragino",),
        models=("ldds75",),
        firmware=("1.1.4",),
        version="1.0.0",
        description="Battery (V), distance as a string in mm, interrupt and sensor flags, "
        "DS18B20 temperature as a string.",
        ports=(DATA_PORT,),
        licence=LICENCE,
        source=SOURCE,
        device_repository_codecs=("ldds75-114-codec",),
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decode_ldds75_v114(frame.fport, frame.payload)


class Ldds75Decoder:
    """Dragino LDDS75, firmware 1.2 and later."""

    manifest: ClassVar[Manifest] = Manifest(
        id="dragino-ldds75",
        name="Dragino LDDS75 (firmware 1.2)",
        vendors=("dragino",),
        models=("ldds75",),
        firmware=("1.2",),
        version="1.0.0",
        description="Distance in mm, or 'No Sensor' / 'Invalid Reading'.",
        ports=(DATA_PORT,),
        licence=LICENCE,
        source=SOURCE,
        device_repository_codecs=("ldds75-codec",),
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decode_ldds75_v12(frame.fport, frame.payload)
