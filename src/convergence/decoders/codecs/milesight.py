"""Milesight IoT: the channel-id / channel-type payload of AM307, EM310-UDL, VS133 and WS558."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from convergence.decoders.binary import PayloadReader
from convergence.decoders.sdk import DecodeResult, Frame, Manifest, decoded

Reader = Callable[[PayloadReader, dict[str, Any]], None]
Channels = Mapping[tuple[int, int], Reader]

MILESIGHT_SOURCE = (
    "Milesight IoT user guides, 'Uplink payload' tables (channel id, channel type, length, "
    "unit), checked against the TTN device-repository examples"
)
LICENCE = "AGPL-3.0-or-later (Convergence implementation)"


def _field(key: str, size: int, *, divisor: int = 1, signed: bool = False) -> Reader:
    def read(reader: PayloadReader, out: dict[str, Any]) -> None:
        raw = (reader.sint if signed else reader.uint)(size, key, little=True)
        out[key] = raw / divisor if divisor != 1 else raw

    return read


def _label(key: str, labels: Mapping[int, str]) -> Reader:
    def read(reader: PayloadReader, out: dict[str, Any]) -> None:
        raw = reader.u8(key)
        out[key] = labels.get(raw, "unknown")

    return read


def _version(key: str) -> Reader:
    def read(reader: PayloadReader, out: dict[str, Any]) -> None:
        major, minor = reader.take(2, key)
        out[key] = f"v{major}.{minor}"

    return read


def _serial(reader: PayloadReader, out: dict[str, Any]) -> None:
    out["sn"] = reader.take(8, "serial number").hex()


DEVICE_INFO: Channels = {
    (0xFF, 0x01): _field("ipso_version", 1),
    (0xFF, 0x09): _version("hardware_version"),
    (0xFF, 0x0A): _version("firmware_version"),
    (0xFF, 0x16): _serial,
}


def decode_channels(payload: bytes, channels: Channels) -> dict[str, Any]:
    """Walk channel records; an unknown record ends the payload, as Milesight's decoders do."""
    reader = PayloadReader(payload)
    out: dict[str, Any] = {}
    while reader.remaining >= 2:
        key = (reader.u8("channel id"), reader.u8("channel type"))
        read = channels.get(key) or DEVICE_INFO.get(key)
        if read is None:
            break
        read(reader, out)
    return out


class _MilesightDecoder:
    manifest: ClassVar[Manifest]
    channels: ClassVar[Channels]

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decoded(decode_channels(frame.payload, self.channels))


class Am307Decoder(_MilesightDecoder):
    """Milesight AM307 / AM307L indoor ambience monitor (7 in 1)."""

    channels: ClassVar[Channels] = {
        (0x01, 0x75): _field("battery", 1),
        (0x03, 0x67): _field("temperature", 2, divisor=10, signed=True),
        (0x04, 0x68): _field("humidity", 1, divisor=2),
        (0x05, 0x00): _label("pir", {0: "idle", 1: "trigger"}),
        (0x06, 0xCB): _field("light_level", 1),
        (0x07, 0x7D): _field("co2", 2),
        (0x08, 0x7D): _field("tvoc", 2),
        (0x09, 0x73): _field("pressure", 2, divisor=10),
    }
    manifest: ClassVar[Manifest] = Manifest(
        id="milesight-am307",
        name="Milesight AM307",
        vendors=("milesight-iot",),
        models=("am307", "am307l"),
        version="1.0.0",
        description="Indoor ambience: battery, temperature, humidity, PIR, light level, CO2, "
        "TVOC and barometric pressure.",
        ports=(85,),
        licence=LICENCE,
        source=MILESIGHT_SOURCE,
        device_repository_codecs=("am307-codec",),
    )


class Em310UdlDecoder(_MilesightDecoder):
    """Milesight EM310-UDL ultrasonic distance sensor."""

    channels: ClassVar[Channels] = {
        (0x01, 0x75): _field("battery", 1),
        (0x03, 0x82): _field("distance", 2),
        (0x04, 0x00): _label("tilt", {0: "normal", 1: "tilt"}),
    }
    manifest: ClassVar[Manifest] = Manifest(
        id="milesight-em310-udl",
        name="Milesight EM310-UDL",
        vendors=("milesight-iot",),
        models=("em310-udl",),
        version="1.0.0",
        description="Ultrasonic distance (mm), battery (%) and tilt state.",
        ports=(85,),
        licence=LICENCE,
        source=MILESIGHT_SOURCE,
        device_repository_codecs=("em310-udl-codec",),
    )


def _line_key(channel_id: int, first: int) -> str:
    return f"line_{(channel_id - first) // 3 + 1}"


def _line_total(channel_id: int, first: int, key: str) -> Reader:
    def read(reader: PayloadReader, out: dict[str, Any]) -> None:
        line = out.setdefault(_line_key(channel_id, first), {})
        line[key] = reader.uint(4, key, little=True)

    return read


def _line_period(channel_id: int) -> Reader:
    def read(reader: PayloadReader, out: dict[str, Any]) -> None:
        line = out.setdefault(_line_key(channel_id, 0x05), {})
        line["period_in"] = reader.uint(2, "period_in", little=True)
        line["period_out"] = reader.uint(2, "period_out", little=True)

    return read


def _region_counts(reader: PayloadReader, out: dict[str, Any]) -> None:
    for region in range(1, 5):
        out[f"region_{region}_count"] = reader.u8("region count")


def _region_dwell(reader: PayloadReader, out: dict[str, Any]) -> None:
    region = reader.u8("region")
    out[f"region_{region}_avg_dwell"] = reader.uint(2, "average dwell", little=True)
    out[f"region_{region}_max_dwell"] = reader.uint(2, "maximum dwell", little=True)


def _vs133_channels() -> Channels:
    channels: dict[tuple[int, int], Reader] = {}
    for line in range(4):
        base = 0x03 + 3 * line
        channels[(base, 0xD2)] = _line_total(base, 0x03, "total_in")
        channels[(base + 1, 0xD2)] = _line_total(base + 1, 0x04, "total_out")
        channels[(base + 2, 0xCC)] = _line_period(base + 2)
    channels[(0x0F, 0xE3)] = _region_counts
    channels[(0x10, 0xE4)] = _region_dwell
    return channels


class Vs133Decoder(_MilesightDecoder):
    """Milesight VS133 AI time-of-flight people counter (up to 4 lines)."""

    channels: ClassVar[Channels] = _vs133_channels()
    manifest: ClassVar[Manifest] = Manifest(
        id="milesight-vs133",
        name="Milesight VS133",
        vendors=("milesight-iot",),
        models=("vs133",),
        version="1.0.0",
        description="People counting per line (total and period in/out), region counts and "
        "dwell times.",
        ports=(85,),
        licence=LICENCE,
        source=MILESIGHT_SOURCE,
        device_repository_codecs=("vs133-codec",),
    )


def _switches(reader: PayloadReader, out: dict[str, Any]) -> None:
    reader.u8("switch change mask")  # which switches changed; the state byte says it all
    state = reader.u8("switch state")
    for index in range(8):
        out[f"switch_{index + 1}"] = "on" if (state >> index) & 1 else "off"


class Ws558Decoder(_MilesightDecoder):
    """Milesight WS558 smart light controller (8 circuits)."""

    channels: ClassVar[Channels] = {
        (0x03, 0x74): _field("voltage", 2, divisor=10),
        (0x04, 0x80): _field("active_power", 4),
        (0x05, 0x81): _field("power_factor", 1),
        (0x06, 0x83): _field("power_consumption", 4),
        (0x07, 0xC9): _field("total_current", 2),
        (0x08, 0x31): _switches,
    }
    manifest: ClassVar[Manifest] = Manifest(
        id="milesight-ws558",
        name="Milesight WS558",
        vendors=("milesight-iot",),
        models=("ws558",),
        version="1.0.0",
        description="Lighting controller: voltage (V), active power (W), power factor (%), "
        "energy (Wh), current (mA) and the state of 8 switches.",
        ports=(85,),
        licence=LICENCE,
        source=MILESIGHT_SOURCE,
        device_repository_codecs=("ws558-codec",),
    )
