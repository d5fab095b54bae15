"""From decoded fields to canonical readings, facts for everything that is not a measure.

A device model maps decoded fields (dotted paths, list indices allowed: "channels.0.value") to
catalogue quantities with the unit the codec uses; without a map, well-known field names are
recognised. Self-describing values ({"value": 1234, "unit": "mm"}, as Decentlab and Adeunis
codecs emit) and strings such as "2799 mm" carry their unit with them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from convergence.decoders.quantities import Quantity, get_quantity
from convergence.decoders.units import UnitConversionRefused, convert, unit
from convergence.errors import NotFound

NUMBER_WITH_UNIT = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*([^\d\s].*?)?\s*$")
DEFAULT_SKEW = timedelta(minutes=5)


class FieldMapping(BaseModel):
    """How one decoded field becomes a reading: its quantity, its unit, an optional scale.

    `scale` multiplies the decoded value and `offset` is added next. When `unit` and the
    quantity's canonical unit measure different things (ppb → µg/m³, bar of water → m, a 4–20 mA
    loop → m), they are the explicit conversion and the result is in the canonical unit.
    `ignore` says, instead, that the field is known and deliberately not measured (a motion
    counter nobody needs): it is neither stored nor kept as an unrecognised field.
    """

    model_config = ConfigDict(frozen=True)

    quantity: str | None = Field(default=None, min_length=1)
    unit: str | None = None
    scale: float | None = None
    offset: float | None = None
    ignore: bool = False

    @model_validator(mode="after")
    def _quantity_or_ignored(self) -> FieldMapping:
        if self.ignore and (self.quantity, self.unit, self.scale, self.offset) != (None,) * 4:
            raise ValueError("an ignored field takes no quantity, unit, scale nor offset")
        if not self.ignore and self.quantity is None:
            raise ValueError('a field is mapped to a quantity, or ignored ("ignore": true)')
        return self


class NormalisedReading(BaseModel):
    """A value of a canonical quantity, in the quantity's canonical unit."""

    model_config = ConfigDict(frozen=True)

    quantity: str
    unit: str
    value: float
    ts: AwareDatetime | None = None
    field: str = ""


class Fact(BaseModel):
    """A decoded value that is not a measure (a state, a label, an alarm): kept for events."""

    model_config = ConfigDict(frozen=True)

    field: str
    value: str | bool | int | float | None
    ts: AwareDatetime | None = None


class Normalisation(BaseModel):
    """Everything normalisation made of one decoded payload; nothing is dropped silently."""

    readings: list[NormalisedReading] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    unmapped: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)


class Measure(NamedTuple):
    """A number and, when known, its unit (made for each decoded value: no validation)."""

    value: float
    unit: str | None = None


def _float(number: int | float) -> float:
    try:
        return float(number)
    except OverflowError:  # an integer beyond any float: not a finite value of anything
        return math.inf


def _measure_object(node: Mapping[str, Any]) -> Measure | None:
    # {"value": 1234, "unit": "mm", "displayName": …} as Decentlab and Adeunis codecs emit.
    value = node.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if "unit" not in node and "displayName" not in node:
        return None
    declared = node.get("unit")
    return Measure(_float(value), declared if isinstance(declared, str) else None)


def as_measure(node: Any) -> Measure | None:
    """A number (with its unit when the value carries one), or None for a non-numeric value."""
    if isinstance(node, int | float):  # bool too: True is 1.0
        return Measure(_float(node))
    if isinstance(node, Mapping):
        return _measure_object(node)
    if isinstance(node, str) and (match := NUMBER_WITH_UNIT.match(node)):
        return Measure(float(match.group(1)), match.group(2))
    return None


def leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of decoded data as (dotted path, value); measure objects are leaves."""
    if isinstance(node, Mapping) and _measure_object(node) is None:
        for key, child in node.items():
            yield from leaves(child, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from leaves(child, f"{path}.{index}" if path else str(index))
    else:
        yield path, node


def resolve(data: Mapping[str, Any], path: str) -> tuple[bool, Any]:
    """The value at a dotted path ("channels.0.value"), and whether it exists."""
    node: Any = data
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False, None
    return True, node


# Field names whose meaning and unit are the same across vendors, used when a device model
# declares no map. Ambiguous names ("battery": % or V; "o3": ppb or µg/m³; "current": mA or
# A) are left out on purpose: they need a device model. The unit is a fallback for values that
# do not state theirs.
DEFAULT_FIELDS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("temperature", "air_temperature", "air.temperature", "ambient_temperature"),
        ("temperature", "°C"),
    ),
    **dict.fromkeys(
        ("humidity", "relative_humidity", "air_humidity", "air.relativehumidity"),
        ("relative_humidity", "%"),
    ),
    **dict.fromkeys(("co2", "air.co2"), ("co2", "ppm")),
    **dict.fromkeys(("pm1", "pm1_0", "pm1_0_mass_concentration"), ("pm1", "µg/m³")),
    **dict.fromkeys(("pm25", "pm2_5", "pm2_5_mass_concentration"), ("pm25", "µg/m³")),
    **dict.fromkeys(("pm10", "pm10_mass_concentration"), ("pm10", "µg/m³")),
    **dict.fromkeys(("laeq", "leq"), ("laeq", "dB(A)")),
    **dict.fromkeys(("lamax",), ("lamax", "dB(A)")),
    **dict.fromkeys(("lamin",), ("lamin", "dB(A)")),
    **dict.fromkeys(("pressure", "barometric_pressure", "air.pressure"), ("pressure", "hPa")),
    **dict.fromkeys(
        ("illuminance", "light", "lux", "luminosity", "air.lightintensity"), ("illuminance", "lx")
    ),
    # LoRaWAN distance and level sensors report millimetres unless they say otherwise.
    **dict.fromkeys(("distance",), ("distance", "mm")),
    **dict.fromkeys(("water_level",), ("water_level", "m")),
    **dict.fromkeys(("battery_voltage",), ("battery_voltage", "V")),
    **dict.fromkeys(("wind_speed", "wind.speed"), ("wind_speed", "m/s")),
    **dict.fromkeys(("wind_direction", "wind.direction"), ("wind_direction", "°")),
    **dict.fromkeys(("rainfall", "precipitation"), ("rainfall", "mm")),
    **dict.fromkeys(("occupied",), ("occupancy_state", "bool")),
    **dict.fromkeys(("people_count",), ("people_count", "count")),
}


def default_mapping(path: str, measure: Measure | None) -> FieldMapping | None:
    """The mapping of a well-known field name (full path first, then the last segment)."""
    name = path.rsplit(".", 1)[-1]
    known = DEFAULT_FIELDS.get(path.lower()) or DEFAULT_FIELDS.get(name.lower())
    if known is None:
        return None
    quantity, fallback_unit = known
    declared = measure.unit if measure is not None else None
    return _mapping(quantity, declared or fallback_unit)


@lru_cache(maxsize=1024)
def _mapping(quantity: str, unit: str) -> FieldMapping:
    """One frozen mapping per (quantity, unit) a well-known name gives."""
    return FieldMapping(quantity=quantity, unit=unit)


def to_canonical(measure: Measure, mapping: FieldMapping, quantity: Quantity) -> float:
    """The measure in the quantity's canonical unit; UnitConversionRefused when impossible."""
    if mapping.unit and measure.unit and unit(mapping.unit) != unit(measure.unit):
        msg = f"the device model says {mapping.unit!r} but the codec says {measure.unit!r}"
        raise UnitConversionRefused(msg)
    source_unit = mapping.unit or measure.unit or quantity.unit
    if mapping.scale is None and mapping.offset is None:
        return convert(measure.value, source_unit, quantity.unit)
    value = measure.value * (1.0 if mapping.scale is None else mapping.scale)
    value += mapping.offset or 0.0
    if unit(source_unit).dimension is not unit(quantity.unit).dimension:
        return value  # scale and offset are the explicit conversion to the canonical unit
    return convert(value, source_unit, quantity.unit)


def _scalar(node: Any) -> str | bool | int | float | None:
    return node if node is None or isinstance(node, str | bool | int | float) else str(node)


def _apply(
    result: Normalisation,
    path: str,
    node: Any,
    measure: Measure | None,
    mapping: FieldMapping,
    ts: datetime | None,
) -> None:
    if measure is None or not math.isfinite(measure.value):
        # "No Sensor", "tilt", a NaN: a state of the device, not a value of the quantity.
        result.facts.append(Fact(field=path, value=_scalar(node), ts=ts))
        return
    assert mapping.quantity is not None  # ignored fields never reach here
    try:
        quantity = get_quantity(mapping.quantity)
        value = to_canonical(measure, mapping, quantity)
    except (UnitConversionRefused, NotFound) as exc:
        result.problems.append(f"{path}: {exc.message}")
        return
    result.readings.append(
        NormalisedReading(quantity=quantity.id, unit=quantity.unit, value=value, ts=ts, field=path)
    )


def _covered(path: str, consumed: set[str]) -> bool:
    return any(path == done or path.startswith(f"{done}.") for done in consumed)


def _field_map(
    field_map: Mapping[str, FieldMapping | Mapping[str, Any]],
) -> dict[str, FieldMapping]:
    return {
        path: mapping if isinstance(mapping, FieldMapping) else FieldMapping.model_validate(mapping)
        for path, mapping in field_map.items()
    }


def maps_quantities(field_map: Mapping[str, FieldMapping | Mapping[str, Any]]) -> bool:
    """True when a map names at least one quantity (a map that only ignores fields does not)."""
    return any(not mapping.ignore for mapping in _field_map(field_map).values())


def normalise(
    data: Mapping[str, Any],
    field_map: Mapping[str, FieldMapping | Mapping[str, Any]] | None = None,
    *,
    ts: datetime | None = None,
) -> Normalisation:
    """Readings in canonical units, facts, unmapped numbers and problems of one decoded payload."""
    result = Normalisation()
    every = {} if field_map is None else _field_map(field_map)
    # A map that only ignores fields still lets well-known names speak for themselves.
    mappings = {path: m for path, m in every.items() if not m.ignore} or None
    consumed = {path for path, m in every.items() if m.ignore and resolve(data, path)[0]}
    for path, mapping in (mappings or {}).items():
        found, node = resolve(data, path)
        if found:
            consumed.add(path)
            _apply(result, path, node, as_measure(node), mapping, ts)
    for path, node in leaves(data):
        if consumed and _covered(path, consumed):
            continue
        measure = as_measure(node)
        default = default_mapping(path, measure) if mappings is None else None
        if default is not None:
            _apply(result, path, node, measure, default, ts)
        elif measure is not None and not isinstance(node, bool | str):
            result.unmapped.append(path)
        else:
            result.facts.append(Fact(field=path, value=_scalar(node), ts=ts))
    return result


def validate_reading(
    reading: NormalisedReading, now: datetime, *, skew: timedelta = DEFAULT_SKEW
) -> str | None:
    """Why a reading must be refused (implausible value, future timestamp), or None if valid."""
    return refusal_reason(reading.quantity, reading.unit, reading.value, reading.ts, now, skew=skew)


def refusal_reason(
    quantity_id: str,
    unit: str,
    value: float,
    ts: datetime | None,
    now: datetime,
    *,
    skew: timedelta = DEFAULT_SKEW,
) -> str | None:
    """``validate_reading`` of a reading given by its parts (no reading made to ask)."""
    try:
        quantity = get_quantity(quantity_id)
    except NotFound as exc:
        return exc.message
    if unit != quantity.unit:
        return f"{quantity.id} must be in {quantity.unit}, not {unit}"
    if not math.isfinite(value):
        return f"{quantity.id} is not a finite number ({value})"
    if not quantity.minimum <= value <= quantity.maximum:
        return (
            f"{quantity.id} = {value:g} {quantity.unit} is outside the plausible range "
            f"[{quantity.minimum:g}, {quantity.maximum:g}] {quantity.unit}"
        )
    if ts is not None and ts > now + skew:
        return f"timestamp {ts.isoformat()} is in the future (now {now.isoformat()})"
    return None
