"""Units and their conversion: affine conversions within one dimension, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from convergence.errors import InvalidInput


class Dimension(StrEnum):
    """What a unit measures; conversion never crosses dimensions without an explicit factor."""

    temperature = "temperature"
    length = "length"
    ratio = "ratio"
    mixing_ratio = "mixing_ratio"
    mass_concentration = "mass_concentration"
    number_concentration = "number_concentration"
    sound_level = "sound_level"
    speed = "speed"
    pressure = "pressure"
    energy = "energy"
    power = "power"
    voltage = "voltage"
    current = "current"
    illuminance = "illuminance"
    counting = "count"
    duration = "duration"
    angle = "angle"
    volume = "volume"
    flow = "flow"
    frequency = "frequency"
    state = "state"
    score = "index"
    resistance = "resistance"
    radio_power = "radio_power"  # received signal strength, dBm
    signal_ratio = "signal_ratio"  # signal-to-noise ratio, dB


@dataclass(frozen=True)
class Unit:
    """A unit as `base = value × factor + offset` in its dimension's base unit."""

    symbol: str
    dimension: Dimension
    factor: float = 1.0
    offset: float = 0.0


class UnitConversionRefused(InvalidInput):
    """A conversion that units alone cannot make (different dimensions, unknown unit)."""

    code = "unit_conversion_refused"


# Every accepted spelling of a unit, grouped by dimension: (spellings, factor, offset); the
# first spelling is the canonical symbol.
UNIT_TABLE: list[tuple[Dimension, list[tuple[tuple[str, ...], float, float]]]] = [
    (
        Dimension.temperature,
        [
            (("°C", "C", "degC", "celsius", "℃"), 1, 0),
            (("°F", "F", "degF", "fahrenheit"), 5 / 9, -32 * 5 / 9),
            (("K", "kelvin"), 1, -273.15),
        ],
    ),
    (
        Dimension.length,
        [
            (("m",), 1, 0),
            (("cm",), 0.01, 0),
            (("mm",), 0.001, 0),
            (("km",), 1000, 0),
            (("ft",), 0.3048, 0),
            (("in",), 0.0254, 0),
        ],
    ),
    (
        Dimension.ratio,
        [
            (("%", "%RH", "% RH", "percent", "pct"), 1, 0),
            (("ratio", "fraction"), 100, 0),
            (("‰",), 0.1, 0),
        ],
    ),
    (Dimension.mixing_ratio, [(("ppm",), 1, 0), (("ppb",), 0.001, 0)]),
    (
        Dimension.mass_concentration,
        [
            (("µg/m³", "ug/m3", "µg/m3", "µg⋅m⁻³", "ug/m^3", "μg/m³"), 1, 0),
            (("mg/m³", "mg/m3", "mg⋅m⁻³"), 1000, 0),
            (("ng/m³", "ng/m3"), 0.001, 0),
        ],
    ),
    (Dimension.number_concentration, [(("1/cm³", "1⋅cm⁻³", "#/cm3", "1/cm3"), 1, 0)]),
    (Dimension.sound_level, [(("dB(A)", "dBA", "dB A", "dBa"), 1, 0)]),
    (Dimension.radio_power, [(("dBm",), 1, 0)]),
    (Dimension.signal_ratio, [(("dB",), 1, 0)]),
    (
        Dimension.speed,
        [
            (("km/h", "kmh", "kph"), 1, 0),
            (("m/s",), 3.6, 0),
            (("mph",), 1.609344, 0),
            (("kn", "kt"), 1.852, 0),
        ],
    ),
    (
        Dimension.pressure,
        [
            (("hPa", "mbar"), 1, 0),
            (("Pa",), 0.01, 0),
            (("kPa",), 10, 0),
            (("bar",), 1000, 0),
            (("psi",), 68.947572932, 0),
        ],
    ),
    (
        Dimension.energy,
        [
            (("kWh",), 1, 0),
            (("Wh",), 0.001, 0),
            (("MWh",), 1000, 0),
            (("J",), 1 / 3_600_000, 0),
        ],
    ),
    (Dimension.power, [(("W",), 1, 0), (("kW",), 1000, 0), (("mW",), 0.001, 0)]),
    (Dimension.voltage, [(("V",), 1, 0), (("mV",), 0.001, 0)]),
    (Dimension.current, [(("A",), 1, 0), (("mA",), 0.001, 0), (("µA", "uA"), 1e-6, 0)]),
    (Dimension.illuminance, [(("lx", "lux", "Lux"), 1, 0), (("klx",), 1000, 0)]),
    (
        Dimension.counting,
        [
            (
                (
                    "count",
                    "1",
                    "",
                    "veh",
                    "vehicles",
                    "pers",
                    "persons",
                    "people",
                    "pulses",
                    "events",
                ),
                1,
                0,
            )
        ],
    ),
    (
        Dimension.duration,
        [(("s",), 1, 0), (("min",), 60, 0), (("h",), 3600, 0), (("ms",), 0.001, 0)],
    ),
    (Dimension.angle, [(("°", "deg"), 1, 0), (("rad",), 57.29577951308232, 0)]),
    (Dimension.volume, [(("m³", "m3"), 1, 0), (("L", "l"), 0.001, 0)]),
    (
        Dimension.flow,
        [(("m³/h", "m3/h"), 1, 0), (("L/s", "l/s"), 3.6, 0), (("L/min", "l/min"), 0.06, 0)],
    ),
    (Dimension.frequency, [(("Hz",), 1, 0), (("kHz",), 1000, 0)]),
    (Dimension.state, [(("bool", "state"), 1, 0)]),
    (Dimension.score, [(("index",), 1, 0)]),
    (Dimension.resistance, [(("Ω", "ohm", "Ohm"), 1, 0), (("kΩ", "kohm"), 1000, 0)]),
]


def _units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for dimension, rows in UNIT_TABLE:
        for symbols, factor, offset in rows:
            for symbol in symbols:
                units[symbol] = Unit(symbols[0], dimension, factor, offset)
    return units


UNITS = _units()


def unit(symbol: str) -> Unit:
    """The unit for a symbol (several spellings are accepted); refused when unknown."""
    found = UNITS.get(symbol.strip())
    if found is None:
        raise UnitConversionRefused(f"unknown unit {symbol!r}", unit=symbol)
    return found


def _cross_dimension_reason(source: Unit, target: Unit) -> str:
    if {source.dimension, target.dimension} == {
        Dimension.mixing_ratio,
        Dimension.mass_concentration,
    }:
        return (
            f"{source.symbol} → {target.symbol} is not a unit conversion: it depends on the "
            "gas's molar mass, the temperature and the pressure; give an explicit factor "
            "(e.g. the device model's `scale`)"
        )
    return (
        f"{source.symbol} ({source.dimension}) cannot be converted to {target.symbol} "
        f"({target.dimension}) without an explicit factor"
    )


def convert(value: float, source: str, target: str, *, factor: float | None = None) -> float:
    """Convert `value` from `source` to `target` units; an explicit factor crosses dimensions."""
    from_unit, to_unit = unit(source), unit(target)
    if from_unit.dimension is not to_unit.dimension:
        if factor is None:
            reason = _cross_dimension_reason(from_unit, to_unit)
            raise UnitConversionRefused(reason, source=source, target=target)
        return value * factor
    if from_unit == to_unit:
        return value
    base = value * from_unit.factor + from_unit.offset
    return (base - to_unit.offset) / to_unit.factor
