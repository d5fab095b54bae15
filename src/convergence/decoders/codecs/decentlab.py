"""Decentlab: protocol v2, a flag word followed by 16-bit words per present sensor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from convergence.decoders.binary import PayloadReader
from convergence.decoders.sdk import DecodeResult, Frame, Manifest, decoded, refused

PROTOCOL_VERSION = 2
SOURCE = (
    "Decentlab data sheets, section 'Payload' (protocol v2, conversions per sensor), checked "
    "against the TTN device-repository examples"
)
LICENCE = "AGPL-3.0-or-later (Convergence implementation)"


@dataclass(frozen=True)
class Value:
    """One decoded value of a sensor: name, label, conversion of the raw words, unit."""

    name: str
    display_name: str
    convert: Callable[[Sequence[int]], float]
    unit: str | None = None


@dataclass(frozen=True)
class Sensor:
    """A sensor present when its flag bit is set, with `length` 16-bit words."""

    length: int
    values: tuple[Value, ...]


def battery_sensor() -> Sensor:
    """The battery-voltage sensor that ends every Decentlab payload layout."""
    return Sensor(1, (Value("battery_voltage", "Battery voltage", lambda x: x[0] / 1000, "V"),))


def _render(value: Value, words: Sequence[int]) -> dict[str, Any]:
    out: dict[str, Any] = {"displayName": value.display_name, "value": value.convert(words)}
    if value.unit is not None:
        out["unit"] = value.unit
    return out


def decode_decentlab(payload: bytes, sensors: Sequence[Sensor]) -> DecodeResult:
    """Decode a protocol-v2 payload for the given sensor layout."""
    reader = PayloadReader(payload)
    version = reader.u8("protocol version")
    if version != PROTOCOL_VERSION:
        return refused(f"protocol version {version} doesn't match v2")
    data: dict[str, Any] = {"protocol_version": version, "device_id": reader.uint(2, "device id")}
    flags = reader.uint(2, "flags")
    for sensor in sensors:
        present, flags = flags & 1, flags >> 1
        if not present:
            continue
        words = [reader.uint(2, "sensor word") for _ in range(sensor.length)]
        for value in sensor.values:
            data[value.name] = _render(value, words)
    return decoded(data)


class _DecentlabDecoder:
    manifest: ClassVar[Manifest]
    sensors: ClassVar[tuple[Sensor, ...]]

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decode_decentlab(frame.payload, self.sensors)


def _tenth(index: int) -> Callable[[Sequence[int]], float]:
    def convert(x: Sequence[int]) -> float:
        return x[index] / 10

    return convert


def _pm_values() -> tuple[Value, ...]:
    mass = [("pm1_0", "PM1.0", 0), ("pm2_5", "PM2.5", 1), ("pm4", "PM4", 2), ("pm10", "PM10", 3)]
    number = [("pm0_5", "PM0.5", 5), ("pm1_0", "PM1.0", 6), ("pm2_5", "PM2.5", 7)]
    number += [("pm4", "PM4", 8), ("pm10", "PM10", 9)]
    values = [
        Value(f"{key}_mass_concentration", f"{label} mass concentration", _tenth(index), "µg⋅m⁻³")
        for key, label, index in mass
    ]
    values.append(Value("typical_particle_size", "Typical particle size", lambda x: x[4], "nm"))
    values += [
        Value(
            f"{key}_number_concentration", f"{label} number concentration", _tenth(index), "1⋅cm⁻³"
        )
        for key, label, index in number
    ]
    return tuple(values)


class DlPmDecoder(_DecentlabDecoder):
    """Decentlab DL-PM particulate matter, temperature, humidity and pressure sensor."""

    sensors: ClassVar[tuple[Sensor, ...]] = (
        battery_sensor(),
        Sensor(10, _pm_values()),
        Sensor(
            2,
            (
                Value(
                    "air_temperature",
                    "Air temperature",
                    lambda x: 175.72 * x[0] / 65536 - 46.85,
                    "°C",
                ),
                Value("air_humidity", "Air humidity", lambda x: 125 * x[1] / 65536 - 6, "%"),
            ),
        ),
        Sensor(1, (Value("barometric_pressure", "Barometric pressure", lambda x: x[0] * 2, "Pa"),)),
    )
    manifest: ClassVar[Manifest] = Manifest(
        id="decentlab-dl-pm",
        name="Decentlab DL-PM",
        vendors=("decentlab",),
        models=("dl-pm",),
        version="1.0.0",
        description="PM1/2.5/4/10 mass (µg/m³) and number concentrations, particle size, air "
        "temperature, humidity, barometric pressure (Pa), battery voltage.",
        licence=LICENCE,
        source=SOURCE,
        device_repository_codecs=("dl-pm-codec",),
    )


def _pr26_pressure(pressure_min: float, pressure_max: float) -> Callable[[Sequence[int]], float]:
    def convert(x: Sequence[int]) -> float:
        return (x[0] - 16384) / 32768 * (pressure_max - pressure_min) + pressure_min

    return convert


class DlPr26Decoder(_DecentlabDecoder):
    """Decentlab DL-PR26 pressure / liquid level sensor, 0–1 bar variant."""

    sensors: ClassVar[tuple[Sensor, ...]] = (
        Sensor(
            2,
            (
                Value("pressure", "Pressure", _pr26_pressure(0, 1), "bar"),
                Value("temperature", "Temperature", lambda x: (x[1] - 384) * 0.003125 - 50, "°C"),
            ),
        ),
        battery_sensor(),
    )
    manifest: ClassVar[Manifest] = Manifest(
        id="decentlab-dl-pr26-0-1",
        name="Decentlab DL-PR26 (0–1 bar)",
        vendors=("decentlab",),
        models=("dl-pr26",),
        version="1.0.0",
        description="Submerged pressure (bar, 0–1 bar range) and temperature, battery voltage; "
        "water level follows from pressure.",
        licence=LICENCE,
        source=SOURCE,
        device_repository_codecs=("dl-pr26-0-1-codec",),
    )


class DlMbxDecoder(_DecentlabDecoder):
    """Decentlab DL-MBX ultrasonic distance / level sensor."""

    sensors: ClassVar[tuple[Sensor, ...]] = (
        Sensor(
            2,
            (
                Value("distance", "Distance", lambda x: x[0], "mm"),
                Value("number_of_valid_samples", "Number of valid samples", lambda x: x[1]),
            ),
        ),
        battery_sensor(),
    )
    manifest: ClassVar[Manifest] = Manifest(
        id="decentlab-dl-mbx",
        name="Decentlab DL-MBX",
        vendors=("decentlab",),
        models=("dl-mbx",),
        version="1.0.0",
        description="Ultrasonic distance (mm) to the water surface, number of valid samples, "
        "battery voltage.",
        licence=LICENCE,
        source=SOURCE,
        device_repository_codecs=("dl-mbx-codec",),
    )
