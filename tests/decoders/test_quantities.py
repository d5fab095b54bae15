"""The quantity catalogue and unit conversions."""

from __future__ import annotations

import pytest

from convergence.decoders import (
    CATALOGUE,
    UnitConversionRefused,
    convert,
    find_quantity,
    get_quantity,
)
from convergence.decoders.quantities import check_catalogue
from convergence.decoders.units import UNITS, Dimension, unit
from convergence.errors import NotFound

REQUIRED = {
    "temperature": "°C",
    "relative_humidity": "%",
    "co2": "ppm",
    "pm1": "µg/m³",
    "pm25": "µg/m³",
    "pm10": "µg/m³",
    "no2": "µg/m³",
    "o3": "µg/m³",
    "so2": "µg/m³",
    "co": "mg/m³",
    "laeq": "dB(A)",
    "lamax": "dB(A)",
    "water_level": "m",
    "distance": "m",
    "vehicle_count": "count",
    "people_count": "count",
    "speed": "km/h",
    "occupancy": "%",
    "energy": "kWh",
    "power": "W",
    "voltage": "V",
    "current": "A",
    "battery": "%",
    "illuminance": "lx",
    "pressure": "hPa",
    "rainfall": "mm",
}


def test_catalogue_is_consistent() -> None:
    check_catalogue()
    assert len({q.id for q in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize(("quantity_id", "canonical_unit"), sorted(REQUIRED.items()))
def test_required_quantities_and_their_canonical_units(
    quantity_id: str, canonical_unit: str
) -> None:
    quantity = get_quantity(quantity_id)

    assert quantity.unit == canonical_unit
    assert quantity.label_fr
    assert quantity.minimum < quantity.maximum


def test_decibel_quantities_are_averaged_energetically() -> None:
    decibel = {q.id for q in CATALOGUE if q.decibel}

    assert {"laeq", "lamax"} <= decibel
    assert all(get_quantity(q).domain == "noise" for q in decibel)


def test_tts_and_fiware_names_find_their_quantity() -> None:
    assert find_quantity("air.relativeHumidity") == get_quantity("relative_humidity")
    assert find_quantity("wind.speed") == get_quantity("wind_speed")
    assert find_quantity("LAeq") == get_quantity("laeq")
    assert find_quantity("intensity") == get_quantity("vehicle_count")
    assert find_quantity("atmosphericPressure") == get_quantity("pressure")
    assert find_quantity("pm2_5") == get_quantity("pm25")
    assert find_quantity("weight") is None


def test_unknown_quantity_lists_the_known_ones() -> None:
    with pytest.raises(NotFound) as caught:
        get_quantity("pm2.5x")

    assert "pm25" in caught.value.message


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (2799, "mm", "m", 2.799),
        (250, "cm", "m", 2.5),
        (212, "°F", "°C", 100.0),
        (273.15, "K", "°C", 0.0),
        (1110, "Wh", "kWh", 1.11),
        (96800, "Pa", "hPa", 968.0),
        (1, "bar", "hPa", 1000.0),
        (10, "m/s", "km/h", 36.0),
        (1500, "ppb", "ppm", 1.5),
        (0.25, "mg/m³", "µg/m³", 250.0),
        (0.87, "ratio", "%", 87.0),
        (500, "mA", "A", 0.5),
        (22.6, "°C", "°C", 22.6),
    ],
)
def test_unit_conversions(value: float, source: str, target: str, expected: float) -> None:
    assert convert(value, source, target) == pytest.approx(expected)


def test_cross_dimension_conversions_need_an_explicit_factor() -> None:
    with pytest.raises(UnitConversionRefused) as gas:
        convert(10, "ppb", "µg/m³")
    with pytest.raises(UnitConversionRefused) as other:
        convert(1, "bar", "m")

    assert "molar mass" in gas.value.message
    assert "without an explicit factor" in other.value.message
    assert convert(1, "bar", "m", factor=10.197) == 10.197


def test_unknown_units_are_refused() -> None:
    with pytest.raises(UnitConversionRefused):
        unit("furlong")


def test_every_spelling_resolves_to_its_dimension() -> None:
    assert unit("µg⋅m⁻³") == unit("ug/m3")
    assert unit("dBA").dimension is Dimension.sound_level
    assert all(u.factor > 0 for u in UNITS.values())
