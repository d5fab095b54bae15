"""Payloads decoded by the network server (ChirpStack, The Things Stack)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from convergence.decoders import (
    DecodeError,
    DecodeResult,
    PredecodedSource,
    normalise_predecoded,
    predecoded_result,
)

NOW = datetime(2026, 11, 28, 9, 15, 2, tzinfo=UTC)
CHIRPSTACK_OBJECT = {"temperature": 22.6, "humidity": 41, "light": 39, "motion": 6, "co2": 776}
TTS_DECODED = {
    "protocol_version": 2,
    "device_id": 303,
    "distance": {"displayName": "Distance", "unit": "mm", "value": 1234},
    "number_of_valid_samples": {"displayName": "Number of valid samples", "value": 1},
    "battery_voltage": {"displayName": "Battery voltage", "unit": "V", "value": 2.993},
}


def test_chirpstack_object_is_a_decode_result() -> None:
    result = predecoded_result(CHIRPSTACK_OBJECT, source=PredecodedSource.chirpstack_object)

    assert result == DecodeResult(data=CHIRPSTACK_OBJECT)


def test_chirpstack_v3_object_json_string_is_accepted() -> None:
    result = predecoded_result('{"co2": 776}', source=PredecodedSource.chirpstack_object)

    assert result.data == {"co2": 776}


def test_tts_decoded_payload_keeps_its_warnings_and_normalises_like_our_codecs() -> None:
    result = predecoded_result(
        TTS_DECODED, source=PredecodedSource.tts_decoded_payload, warnings=["low battery"]
    )
    readings = normalise_predecoded(
        TTS_DECODED, source=PredecodedSource.tts_decoded_payload, ts=NOW
    ).readings

    assert result.warnings == ["low battery"]
    assert [(r.quantity, r.value, r.unit) for r in readings] == [
        ("distance", 1.234, "m"),
        ("battery_voltage", 2.993, "V"),
    ]


def test_tts_normalized_payload_uses_its_fixed_names_units_and_times() -> None:
    payload = [
        {
            "air": {"temperature": 21.5, "relativeHumidity": 40, "pressure": 1012.3},
            "wind": {"speed": 3.2, "direction": 180},
            "time": "2026-11-28T09:00:00Z",
        },
        {"air": {"temperature": 21.7}},
    ]

    normalised = normalise_predecoded(
        payload, source=PredecodedSource.tts_normalized_payload, ts=NOW
    )

    assert [(r.quantity, r.value, r.unit) for r in normalised.readings] == [
        ("temperature", 21.5, "°C"),
        ("relative_humidity", 40.0, "%"),
        ("pressure", 1012.3, "hPa"),
        ("wind_speed", 3.2, "m/s"),
        ("wind_direction", 180.0, "°"),
        ("temperature", 21.7, "°C"),
    ]
    assert normalised.readings[0].ts == datetime(2026, 11, 28, 9, tzinfo=UTC)
    assert normalised.readings[-1].ts == NOW
    assert predecoded_result(payload, source=PredecodedSource.tts_normalized_payload).data == {
        "measurements": payload
    }


@pytest.mark.parametrize(
    ("value", "source"),
    [
        (None, PredecodedSource.chirpstack_object),
        ([1, 2], PredecodedSource.tts_decoded_payload),
        ("{not json", PredecodedSource.chirpstack_object),
        ([1], PredecodedSource.tts_normalized_payload),
    ],
)
def test_wrong_shapes_are_declared_errors(value: object, source: PredecodedSource) -> None:
    with pytest.raises(DecodeError):
        predecoded_result(value, source=source)


def test_invalid_normalized_time_is_a_declared_error() -> None:
    with pytest.raises(DecodeError):
        normalise_predecoded(
            [{"air": {"temperature": 1}, "time": "yesterday"}],
            source=PredecodedSource.tts_normalized_payload,
        )
