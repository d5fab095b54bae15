"""uRADMonitor model A3: a fixed-layout station packet protected by a Dallas CRC-8."""

from __future__ import annotations

from typing import Any, ClassVar

from convergence.decoders.binary import PayloadReader
from convergence.decoders.sdk import DecodeResult, Frame, Manifest, decoded, refused

MODEL_A3_CLASS = 0x82
PACKET_SIZE = 32


def crc8_maxim(data: bytes) -> int:
    """Dallas/Maxim 1-Wire CRC-8 (reflected polynomial 0x8C), the checksum uRADMonitor appends."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8C if crc & 1 else crc >> 1
    return crc


def indoor_air_index(co2_ppm: int) -> int:
    """The vendor's derived `iaq`, approximated from CO2 (its formula is not published)."""
    # 0 at outdoor background (400 ppm), 50 at the 1000 ppm comfort limit; fits the vendor example.
    return max(0, round((co2_ppm - 400) / 12))


def _environment(reader: PayloadReader, out: dict[str, Any]) -> None:
    out["temperature"] = reader.sint(2, "temperature") / 100
    # The station sends pressure minus 65535 Pa to fit 16 bits.
    out["pressure"] = reader.uint(2, "pressure") + 65535
    out["humidity"] = reader.u8("humidity") / 2
    out["gas_resistance"] = reader.uint(3, "gas resistance")
    out["sound"] = reader.u8("sound") / 2


def _pollutants(reader: PayloadReader, out: dict[str, Any]) -> None:
    # "ch20" (sic) is the key the vendor's codec publishes for formaldehyde (CH2O, ppb).
    for key in ("co2", "ch20", "o3", "pm1", "pm2_5", "pm10"):
        out[key] = reader.uint(2, key)
    out["iaq"] = indoor_air_index(out["co2"])


def decode_a3(payload: bytes) -> DecodeResult:
    """Decode a model A3 packet; a wrong length, class or checksum is reported as an error."""
    if len(payload) != PACKET_SIZE:
        return refused(f"uRADMonitor A3 packet must be {PACKET_SIZE} bytes, got {len(payload)}")
    if crc8_maxim(payload[:-1]) != payload[-1]:
        return refused("uRADMonitor A3 packet checksum mismatch")
    reader = PayloadReader(payload)
    device_class = reader.u8("device class")
    if device_class != MODEL_A3_CLASS:
        return refused(f"not a uRADMonitor A3 packet (device class 0x{device_class:02x})")
    reader.take(3, "device number")
    out: dict[str, Any] = {"model": "A3", "hardware_version": f"HW{reader.u8('hardware')}"}
    out["firmware_version"] = reader.u8("firmware")
    reader.take(4, "device clock")  # seconds of local uptime: no use once the network timestamps
    _environment(reader, out)
    _pollutants(reader, out)
    return decoded(out)


class ModelA3Decoder:
    """uRADMonitor model A3 outdoor air-quality station."""

    manifest: ClassVar[Manifest] = Manifest(
        id="uradmonitor-a3",
        name="uRADMonitor model A3",
        vendors=("uradmonitor",),
        models=("model-a3",),
        version="1.0.0",
        description="Temperature, pressure (Pa), humidity, VOC gas resistance (Ω), sound "
        "(dB(A)), CO2 (ppm), formaldehyde and ozone (ppb), PM1/PM2.5/PM10 (µg/m³). The `iaq` "
        "field is an approximation of the vendor's unpublished index.",
        licence="AGPL-3.0-or-later (Convergence implementation)",
        source="uRADMonitor packet layout (device id, versions, clock, sensors, CRC-8 as in the "
        "vendor's published firmware), checked against the TTN device-repository example",
        device_repository_codecs=("uradmonitor-model-a3-codec",),
    )

    def decode(self, frame: Frame) -> DecodeResult:
        """Decode one uplink."""
        return decode_a3(frame.payload)
