"""Native codecs beyond the published examples: other record types, refusals, edge cases."""

from __future__ import annotations

import pytest

from convergence.decoders import DecodeError, DecodeErrorReason, DecoderRegistry, Frame
from convergence.decoders.binary import PayloadReader, js_round, signed
from convergence.decoders.codecs.nwave import parking_status
from convergence.decoders.codecs.uradmonitor import crc8_maxim

REGISTRY = DecoderRegistry.from_entry_points()


def decode(codec_id: str, fport: int, payload_hex: str) -> dict[str, object]:
    result = REGISTRY.get(codec_id).decode(Frame.from_hex(fport, payload_hex))
    assert result.ok, result.errors
    return result.data


def test_cayenne_decodes_several_channels_and_types() -> None:
    payload = "0167ffd702687f0373276c0402fe0c05650190067d01f40700ff"
    data = decode("cayenne-lpp", 3, payload)

    assert data == {
        "temperature_1": -4.1,
        "relative_humidity_2": 63.5,
        "barometric_pressure_3": 1009.2,
        "analog_in_4": -5.0,
        "luminosity_5": 400,
        "concentration_6": 500,
        "digital_in_7": 255,
    }


def test_cayenne_refuses_unknown_types_and_truncation() -> None:
    with pytest.raises(DecodeError) as unknown:
        decode("cayenne-lpp", 1, "01ff00")
    assert unknown.value.reason is DecodeErrorReason.unsupported
    with pytest.raises(DecodeError) as short:
        decode("cayenne-lpp", 1, "016701")
    assert short.value.reason is DecodeErrorReason.truncated


def test_elsys_reads_every_common_type_and_stops_at_an_unknown_one() -> None:
    payload = "0700e60cff9c14000f76400a00103f0102"
    assert decode("elsys", 5, payload) == {
        "vdd": 230,
        "externalTemperature": -10.0,
        "pressure": 1013.312,
        "pulse1": 16,
    }


def test_elsys_repeated_external_probe_becomes_a_list() -> None:
    assert decode("elsys", 5, "1900641900c8")["externalTemperature2"] == [10.0, 20.0]


def test_milesight_device_information_and_switches() -> None:
    data = decode("milesight-ws558", 85, "ff0a01020831ff050480e803000007c9f401")

    assert data["firmware_version"] == "v1.2"
    assert [data[f"switch_{n}"] for n in range(1, 9)] == ["on", "off", "on"] + ["off"] * 5
    assert data["active_power"] == 1000
    assert data["total_current"] == 500


def test_milesight_people_counter_regions() -> None:
    data = decode("milesight-vs133", 85, "0fe30102030410e4021e002c01")

    assert data["region_4_count"] == 4
    assert data["region_2_avg_dwell"] == 30
    assert data["region_2_max_dwell"] == 300


def test_decentlab_refuses_another_protocol_version() -> None:
    result = REGISTRY.get("decentlab-dl-mbx").decode(Frame.from_hex(1, "03012f0002"))

    assert result.errors == ["protocol version 3 doesn't match v2"]


def test_uradmonitor_checks_the_packet_checksum() -> None:
    good = bytes.fromhex("8200029a6c4e0000025808e48ee470032dd33b0236000700140008000a000bd5")
    assert crc8_maxim(good[:-1]) == good[-1]
    bad = good[:-1] + b"\x00"

    result = REGISTRY.get("uradmonitor-a3").decode(Frame(fport=1, payload=bad))

    assert result.errors == ["uRADMonitor A3 packet checksum mismatch"]


def test_browan_board_temperature_and_battery_nibbles() -> None:
    data = decode("browan-tbsl100", 105, "010fff55")

    assert data == {"status": 1, "battery": 4.0, "temperatureBoard": 95, "decibel": 85}


def test_dragino_v12_reports_distance_and_invalid_readings() -> None:
    assert decode("dragino-ldds75", 2, "0e1c0b0500000001") == {"distance": 2821}
    assert decode("dragino-ldds75", 2, "0e1c001400000001") == {"distance": "Invalid Reading"}


def test_dragino_v114_negative_probe_temperature() -> None:
    assert decode("dragino-ldds75-v114", 2, "0d3b0aef00ff9c01")["TempC_DS18B20"] == "-10.00"


@pytest.mark.parametrize(
    ("byte", "duration", "error", "overflow"),
    [(0x00, 0, 0, False), (0xBE, 95, 0, False), (0xC0, 96, 4, False), (0xFF, 344, 4, True)],
)
def test_nwave_compressed_duration(byte: int, duration: int, error: int, overflow: bool) -> None:
    status = parking_status(byte)

    assert (status["previous_state_duration"], status["previous_state_duration_error"]) == (
        duration,
        error,
    )
    assert status["previous_state_duration_overflow"] is overflow


def test_nwave_unknown_port_is_reported_like_the_vendor_codecs() -> None:
    result = REGISTRY.get("nwave-ncc405").decode(Frame.from_hex(7, "00"))

    assert result.errors == ["unknown FPort"]


def test_adeunis_pulse_without_timestamp_and_unsupported_frames() -> None:
    data = decode("adeunis-pulse-4", 1, "5b2000000064000a")
    assert data["bytes"]["counterValues"] == [100, 90]
    assert data["bytes"]["type"] == "0x5b Pulse 4 data - channel B"
    assert "timestamp" not in data["bytes"]

    refused = REGISTRY.get("adeunis-analog-v2").decode(Frame.from_hex(1, "3000"))
    assert refused.errors == ["unsupported Adeunis Analog V2 frame code 0x30"]


def test_adeunis_analog_v1_warns_about_a_disabled_channel() -> None:
    result = REGISTRY.get("adeunis-analog-v1").decode(Frame.from_hex(1, "42000110000000000000"))

    assert [c["name"] for c in result.data["bytes"]["channels"]] == ["channel A"]
    assert result.warnings == ["channel B: input type 0x00 not supported, value ignored"]


def test_binary_helpers() -> None:
    reader = PayloadReader(b"\xff\x01\x02")
    assert reader.sint(1) == -1
    assert reader.uint(2, little=True) == 0x0201
    assert reader.remaining == 0
    assert signed(0b111111, 6) == -1
    assert signed(0b011111, 6) == 31
    assert js_round(1.0485, 3) == 1.049  # half up, like Math.round
    assert js_round(-2.5, 0) == -2.0
