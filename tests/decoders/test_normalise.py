"""Normalisation to canonical quantities, and validation of readings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from convergence.decoders import (
    Fact,
    FieldMapping,
    NormalisedReading,
    normalise,
    validate_reading,
)

NOW = datetime(2026, 11, 28, 9, 15, tzinfo=UTC)


def values(data: dict[str, object], field_map: dict[str, object] | None = None) -> dict[str, float]:
    result = normalise(data, field_map)  # type: ignore[arg-type]
    return {reading.quantity: reading.value for reading in result.readings}


def test_well_known_field_names_map_without_a_device_model() -> None:
    result = normalise({"temperature": 22.6, "humidity": 41, "co2": 776, "pm2_5": 10}, ts=NOW)

    assert [(r.quantity, r.unit, r.value) for r in result.readings] == [
        ("temperature", "°C", 22.6),
        ("relative_humidity", "%", 41.0),
        ("co2", "ppm", 776.0),
        ("pm25", "µg/m³", 10.0),
    ]
    assert all(r.ts == NOW for r in result.readings)


def test_ambiguous_names_wait_for_a_device_model() -> None:
    result = normalise({"battery": 3.6, "o3": 20, "motion": 6})

    assert result.readings == []
    assert result.unmapped == ["battery", "o3", "motion"]


def test_nested_fields_scale_and_units_from_a_device_model() -> None:
    data = {"bytes": {"channels": [{"name": "A", "value": 1234}, {"name": "B", "value": 7}]}}
    field_map = {
        "bytes.channels.0.value": {"quantity": "distance", "unit": "mm"},
        "bytes.channels.1.value": {"quantity": "temperature", "unit": "°C", "scale": 0.5},
    }

    assert values(data, field_map) == {"distance": 1.234, "temperature": 3.5}


def test_self_describing_values_carry_their_unit() -> None:
    data = {
        "distance": {"displayName": "Distance", "unit": "mm", "value": 1234},
        "barometric_pressure": {"displayName": "Barometric pressure", "unit": "Pa", "value": 96800},
    }

    assert values(data) == {"distance": 1.234, "pressure": 968.0}
    assert values({"Distance": "2799 mm"}, {"Distance": {"quantity": "distance"}}) == {
        "distance": 2.799
    }


def test_unit_conversions_to_the_canonical_unit() -> None:
    field_map = {
        "t": FieldMapping(quantity="temperature", unit="°F"),
        "e": FieldMapping(quantity="energy", unit="Wh"),
        "level": FieldMapping(quantity="water_level", unit="cm"),
        "v": FieldMapping(quantity="speed", unit="m/s"),
    }

    converted = values({"t": 212, "e": 1110, "level": 250, "v": 10}, field_map)

    assert converted == pytest.approx(
        {"temperature": 100.0, "energy": 1.11, "water_level": 2.5, "speed": 36.0}
    )


def test_ppb_to_micrograms_is_refused_without_a_factor() -> None:
    refused = normalise({"no2": 21}, {"no2": {"quantity": "no2", "unit": "ppb"}})
    accepted = normalise({"no2": 21}, {"no2": {"quantity": "no2", "unit": "ppb", "scale": 1.88}})

    assert refused.readings == []
    assert "molar mass" in refused.problems[0]
    assert accepted.readings[0].value == pytest.approx(39.48)


def test_a_4_20_ma_loop_becomes_a_water_level_with_scale_and_offset() -> None:
    # 4 mA = 0 m, 20 mA = 5 m.
    field_map = {
        "current": {"quantity": "water_level", "unit": "mA", "scale": 5 / 16, "offset": -4 * 5 / 16}
    }

    assert values({"current": 12.0}, field_map) == {"water_level": 2.5}


def test_a_unit_contradicting_the_codec_is_a_problem() -> None:
    data = {"distance": {"unit": "cm", "value": 12}}

    result = normalise(data, {"distance": {"quantity": "distance", "unit": "mm"}})

    assert result.readings == []
    assert "the codec says 'cm'" in result.problems[0]


def test_non_numeric_fields_become_facts_and_nothing_is_dropped() -> None:
    data = {
        "distance": "No Sensor",
        "tilt": "tilt",
        "occupied": True,
        "status": {"alarm": False},
        "device_id": 303,
    }

    result = normalise(data, {"distance": {"quantity": "distance", "unit": "mm"}}, ts=NOW)

    assert result.readings == []
    assert result.facts == [
        Fact(field="distance", value="No Sensor", ts=NOW),
        Fact(field="tilt", value="tilt", ts=NOW),
        Fact(field="occupied", value=True, ts=NOW),
        Fact(field="status.alarm", value=False, ts=NOW),
    ]
    assert result.unmapped == ["device_id"]


def test_booleans_mapped_to_a_state_quantity_become_zero_or_one() -> None:
    assert values({"occupied": True}) == {"occupancy_state": 1.0}


def test_an_integer_too_large_for_a_float_is_a_fact_not_a_crash() -> None:
    result = normalise({"temperature": 10**400, "humidity": 40}, ts=NOW)

    assert result.facts == [Fact(field="temperature", value=10**400, ts=NOW)]
    assert [(r.quantity, r.value) for r in result.readings] == [("relative_humidity", 40.0)]


def test_unknown_quantities_and_units_are_problems_not_crashes() -> None:
    result = normalise(
        {"a": 1, "b": 2}, {"a": {"quantity": "nope"}, "b": {"quantity": "co2", "unit": "furlong"}}
    )

    assert result.readings == []
    assert len(result.problems) == 2


def reading(quantity: str, unit: str, value: float, ts: datetime | None = NOW) -> NormalisedReading:
    return NormalisedReading(quantity=quantity, unit=unit, value=value, ts=ts)


def test_validation_accepts_plausible_readings() -> None:
    assert validate_reading(reading("temperature", "°C", 22.6), NOW) is None
    assert validate_reading(reading("laeq", "dB(A)", 62.0, None), NOW) is None
    assert validate_reading(reading("co2", "ppm", 776, NOW + timedelta(minutes=4)), NOW) is None


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        (reading("temperature", "°C", 150.0), "outside the plausible range [-50, 70] °C"),
        (reading("relative_humidity", "%", -3.0), "outside the plausible range"),
        (reading("distance", "m", 2116.0), "outside the plausible range [0, 100] m"),
        (reading("co2", "ppm", 700, NOW + timedelta(hours=1)), "is in the future"),
        (reading("temperature", "°F", 70.0), "must be in °C"),
        (reading("temperature", "°C", float("nan")), "not a finite number"),
        (reading("unobtainium", "kg", 1.0), "unknown quantity"),
    ],
)
def test_validation_refuses_with_a_reason(candidate: NormalisedReading, reason: str) -> None:
    refusal = validate_reading(candidate, NOW)

    assert refusal is not None
    assert reason in refusal
