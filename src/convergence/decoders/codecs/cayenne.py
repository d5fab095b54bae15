"""Cayenne Low Power Payload: channel, type, value records, with the common extended types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from convergence.decoders.binary import PayloadReader
from convergence.decoders.sdk import (
    DecodeError,
    DecodeErrorReason,
    DecodeResult,
    Example,
    Frame,
    Manifest,
    decoded,
)

Read = Callable[[PayloadReader], Any]


def _number(size: int, divisor: int = 1, *, signed: bool = False) -> Read:
    def read(reader: PayloadReader) -> Any:
        raw = (reader.sint if signed else reader.uint)(size, "value")
        return raw / divisor if divisor != 1 else raw

    return read


def _vector(divisor: int) -> Read:
    def read(reader: PayloadReader) -> Any:
        return {axis: reader.sint(2, f"{axis} axis") / divisor for axis in ("x", "y", "z")}

    return read


def _colour(reader: PayloadReader) -> Any:
    return {channel: reader.u8(channel) for channel in ("r", "g", "b")}


def _gps(reader: PayloadReader) -> Any:
    return {
        "latitude": reader.sint(3, "latitude") / 10000,
        "longitude": reader.sint(3, "longitude") / 10000,
        "altitude": reader.sint(3, "altitude") / 100,
    }


@dataclass(frozen=True)
class LppType:
    """An LPP data type: its output name and how to read its value."""

    name: str
    read: Read


LPP_TYPES: dict[int, LppType] = {
    0: LppType("digital_in", _number(1)),
    1: LppType("digital_out", _number(1)),
    2: LppType("analog_in", _number(2, 100, signed=True)),
    3: LppType("analog_out", _number(2, 100, signed=True)),
    100: LppType("generic_sensor", _number(4)),
    101: LppType("luminosity", _number(2)),
    102: LppType("presence", _number(1)),
    103: LppType("temperature", _number(2, 10, signed=True)),
    104: LppType("relative_humidity", _number(1, 2)),
    113: LppType("accelerometer", _vector(1000)),
    115: LppType("barometric_pressure", _number(2, 10)),
    116: LppType("voltage", _number(2, 100)),
    117: LppType("current", _number(2, 1000)),
    118: LppType("frequency", _number(4)),
    120: LppType("percentage", _number(1)),
    121: LppType("altitude", _number(2, signed=True)),
    125: LppType("concentration", _number(2)),
    128: LppType("power", _number(2)),
    130: LppType("distance", _number(4, 1000)),
    131: LppType("energy", _number(4, 1000)),
    132: LppType("direction", _number(2)),
    133: LppType("unixtime", _number(4)),
    134: LppType("gyrometer", _vector(100)),
    135: LppType("colour", _colour),
    136: LppType("gps", _gps),
    142: LppType("switch", _number(1)),
}


def decode_lpp(payload: bytes) -> dict[str, Any]:
    """Decode every record into `<type>_<channel>` keys, as The Things Stack names them."""
    reader = PayloadReader(payload)
    out: dict[str, Any] = {}
    while reader.remaining:
        channel = reader.u8("channel")
        type_id = reader.u8("type")
        lpp_type = LPP_TYPES.get(type_id)
        if lpp_type is None:
            msg = f"Cayenne LPP type {type_id} on channel {channel} is not supported"
            raise DecodeError(msg, reason=DecodeErrorReason.unsupported)
        out[f"{lpp_type.name}_{channel}"] = lpp_type.read(reader)
    return out


def _example(description: str, payload_hex: str, data: dict[str, Any]) -> Example:
    return Example(
        description=description, fport=1, payload_hex=payload_hex, expected=DecodeResult(data=data)
    )


class CayenneLppDecoder:
    """Cayenne LPP v1 and its common extensions (ElectronicCats / TTS set), any port."""

    manifest: ClassVar[Manifest] = Manifest(
        id="cayenne-lpp",
        name="Cayenne LPP",
        vendors=("mydevices", "generic"),
        models=("cayenne-lpp",),
        version="1.0.0",
        description="Self-describing channel/type/value records: digital and analog I/O, "
        "temperature, humidity, pressure, light, presence, accelerometer, GPS, voltage, "
        "current, power, energy, distance, concentration and more.",
        licence="AGPL-3.0-or-later (Convergence implementation)",
        source="myDevices Cayenne LPP documentation (data types and resolutions) and the "
        "ElectronicCats CayenneLPP extended types",
        examples=(
            _example(
                "two temperature sensors (Cayenne documentation)",
                "03670110056700ff",
                {"temperature_3": 27.2, "temperature_5": 25.5},
            ),
            _example("negative temperature", "0167ffd7", {"temperature_1": -4.1}),
            _example(
                "accelerometer (Cayenne documentation)",
                "067104d2fb2e0000",
                {"accelerometer_6": {"x": 1.234, "y": -1.234, "z": 0.0}},
            ),
            _example(
                "GPS (Cayenne documentation)",
                "018806765ff2960a0003e8",
                {"gps_1": {"latitude": 42.3519, "longitude": -87.9094, "altitude": 10.0}},
            ),
        ),
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decoded(decode_lpp(frame.payload))
