"""Adeunis generic interfaces: Analog (v1 and v2) and Pulse 4."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from convergence.decoders.binary import PayloadReader, js_round
from convergence.decoders.sdk import DecodeResult, Frame, Manifest, refused

SOURCE = (
    "Adeunis technical reference manuals (frame codes, status byte, channel encoding, "
    "timestamps since 2013-01-01 UTC), checked against the TTN device-repository examples"
)
LICENCE = "AGPL-3.0-or-later (Convergence implementation)"
ADEUNIS_EPOCH = datetime(2013, 1, 1, tzinfo=UTC)
ANALOG_V1_UNITS = {0x01: ("V", 1_000_000), 0x02: ("mA", 100_000)}
PULSE_CHANNELS = {0x5A: "A", 0x5B: "B", 0x5C: "C", 0x5D: "D"}
# Status byte: frame counter in bits 7..5, then flags whose meaning depends on the frame family.
ANALOG_V1_FLAGS = {
    "hardwareError": 0x04,
    "lowBattery": 0x02,
    "configurationDone": 0x01,
    "alarmChannelA": 0x08,
    "alarmChannelB": 0x10,
}
ANALOG_V2_FLAGS = {
    "hardwareError": 0x08,
    "lowBattery": 0x02,
    "configurationDone": 0x01,
    "configurationInconsistency": 0x10,
    "timestamp": 0x04,
}
PULSE_FLAGS = {
    "hardwareError": 0x08,
    "lowBattery": 0x02,
    "configurationDone": 0x01,
    "timestamp": 0x04,
}


def _status(byte: int, flags: dict[str, int]) -> dict[str, Any]:
    status: dict[str, Any] = {"frameCounter": byte >> 5}
    status.update({name: bool(byte & mask) for name, mask in flags.items()})
    return status


def _adeunis_time(seconds: int) -> str:
    moment = ADEUNIS_EPOCH + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000")


def _result(frame: dict[str, Any], warnings: list[str]) -> DecodeResult:
    return DecodeResult(data={"bytes": frame}, warnings=warnings, errors=[])


def decode_analog_v1(payload: bytes) -> DecodeResult:
    """Frame 0x42: two 24-bit channels, each preceded by its input type."""
    reader = PayloadReader(payload)
    if (code := reader.u8("frame code")) != 0x42:
        return refused(f"unsupported Adeunis Analog frame code 0x{code:02x}")
    status = _status(reader.u8("status"), ANALOG_V1_FLAGS)
    channels, warnings = [], []
    for name in ("channel A", "channel B"):
        kind, raw = reader.u8("input type"), reader.sint(3, "channel value")
        if kind not in ANALOG_V1_UNITS:
            warnings.append(f"{name}: input type 0x{kind:02x} not supported, value ignored")
            continue
        unit, divisor = ANALOG_V1_UNITS[kind]
        channels.append({"name": name, "unit": unit, "value": js_round(raw / divisor, 3)})
    frame = {"type": "0x42 Analog data", "status": status, "channels": channels}
    return _result(frame, warnings)


def _analog_v2_layout(config: int) -> list[tuple[str, str]]:
    layout = []
    for name, enabled, is_current in (("channel A", 0x01, 0x02), ("channel B", 0x04, 0x08)):
        if config & enabled:
            layout.append((name, "mA" if config & is_current else "V"))
    return layout


def decode_analog_v2(payload: bytes) -> DecodeResult:
    """Frame 0x71: periodic samples of the enabled channels, newest first, interleaved."""
    reader = PayloadReader(payload)
    if (code := reader.u8("frame code")) != 0x71:
        return refused(f"unsupported Adeunis Analog V2 frame code 0x{code:02x}")
    status = _status(reader.u8("status"), ANALOG_V2_FLAGS)
    layout = _analog_v2_layout(reader.u8("channel configuration"))
    words = (reader.remaining - (4 if status["timestamp"] else 0)) // 2
    if not layout or words % len(layout):
        return refused("Adeunis Analog V2 frame: samples do not match the channel configuration")
    samples: list[list[float]] = [[] for _ in layout]
    for index in range(words):
        samples[index % len(layout)].append(reader.uint(2, "sample") / 1000)
    frame: dict[str, Any] = {"type": "0x71 Analog V2 periodic data", "status": status}
    if status["timestamp"]:
        frame["timestamp"] = _adeunis_time(reader.uint(4, "timestamp"))
    frame["decodingInfo"] = "values: [t=0, t-1, t-2, ...]"
    frame["channels"] = [
        {"name": name, "unit": unit, "values": values}
        for (name, unit), values in zip(layout, samples, strict=True)
    ]
    return _result(frame, [])


def decode_pulse4(payload: bytes) -> DecodeResult:
    """Frames 0x5a–0x5d: a 32-bit index then decrements for older periods, newest first."""
    reader = PayloadReader(payload)
    code = reader.u8("frame code")
    if code not in PULSE_CHANNELS:
        return refused(f"unsupported Adeunis Pulse 4 frame code 0x{code:02x}")
    status = _status(reader.u8("status"), PULSE_FLAGS)
    counter = reader.uint(4, "counter")
    deltas = (reader.remaining - (4 if status["timestamp"] else 0)) // 2
    values = [counter]
    for _ in range(deltas):
        values.append(values[-1] - reader.uint(2, "counter decrement"))
    frame: dict[str, Any] = {
        "type": f"0x{code:02x} Pulse 4 data - channel {PULSE_CHANNELS[code]}",
        "status": status,
    }
    if status["timestamp"]:
        frame["timestamp"] = _adeunis_time(reader.uint(4, "timestamp"))
    frame["decodingInfo"] = "counterValues: [t=0, t-1, t-2, ...]"
    frame["counterValues"] = values
    return _result(frame, [])


class _AdeunisDecoder:
    manifest: ClassVar[Manifest]


class AnalogV1Decoder(_AdeunisDecoder):
    """Adeunis Analog (firmware 1.x): 0–10 V / 4–20 mA inputs."""

    manifest: ClassVar[Manifest] = Manifest(
        id="adeunis-analog-v1",
        name="Adeunis Analog (firmware 1.x)",
        vendors=("adeunis",),
        models=("analog",),
        firmware=("1",),
        version="1.0.0",
        description="Two analog inputs (V or mA) with alarms, for 4–20 mA and 0–10 V probes "
        "such as water-level transmitters.",
        licence=LICENCE,
        source=SOURCE,
        device_repository_codecs=("analog-codec",),
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decode_analog_v1(frame.payload)


class AnalogV2Decoder(_AdeunisDecoder):
    """Adeunis Analog (firmware 2.1.x): periodic samples of both inputs."""

    manifest: ClassVar[Manifest] = Manifest(
        id="adeunis-analog-v2",
        name="Adeunis Analog (firmware 2.1.x)",
        vendors=("adeunis",),
        models=("analog",),
        firmware=("2.1",),
        version="1.0.0",
        description="Periodic samples (newest first) of two analog inputs in V or mA.",
        licence=LICENCE,
        source=SOURCE,
        device_repository_codecs=("analog2-codec",),
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decode_analog_v2(frame.payload)


class Pulse4Decoder(_AdeunisDecoder):
    """Adeunis Pulse 4 / Pulse 4 ATEX metering interface."""

    manifest: ClassVar[Manifest] = Manifest(
        id="adeunis-pulse-4",
        name="Adeunis Pulse 4",
        vendors=("adeunis",),
        models=("pulse-4", "pulse-4-atex"),
        version="1.0.0",
        description="Pulse counter index per channel with history (newest first) and an "
        "optional timestamp, for water and energy meters.",
        licence=LICENCE,
        source=SOURCE,
        device_repository_codecs=("pulse-codec",),
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decode_pulse4(frame.payload)
