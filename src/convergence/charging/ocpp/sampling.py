"""Sampled meter values, whatever the OCPP version, reduced to one energy and one power.

OCPP samples carry a measurand, a unit, sometimes a phase and a location. The platform keeps
the active energy imported (register, Wh) and the active power imported (W) at the outlet:
the value without phase when given, otherwise the sum of the phases. Values measured in the
vehicle (``location = EV``) and signed data are left aside.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from convergence.charging.ocpp.observations import MeterSample

ENERGY_MEASURAND = "Energy.Active.Import.Register"
POWER_MEASURAND = "Power.Active.Import"
# Multipliers to Wh and W; OCPP's default unit of a measurand is Wh (energy) and W (power).
UNIT_SCALE = {"Wh": 1.0, "kWh": 1000.0, "W": 1.0, "kW": 1000.0}


@dataclass(frozen=True, slots=True)
class SampledValue:
    """One sampled value in its base unit (Wh or W)."""

    measurand: str
    value: float
    phase: str | None = None


def scaled(raw: object, unit: str | None, multiplier: int = 0) -> float | None:
    """A sampled value in Wh or W, or None when it is not a finite number in a known unit."""
    try:
        number = float(str(raw))
    except ValueError:
        return None
    scale = UNIT_SCALE.get(unit or "Wh")
    if scale is None or not math.isfinite(number):
        return None
    return number * scale * 10.0**multiplier


def combine(ts: datetime, values: Iterable[SampledValue]) -> MeterSample | None:
    """The energy and power of one sampled instant, or None when it has neither."""
    kept = list(values)
    energy = _total(v for v in kept if v.measurand == ENERGY_MEASURAND)
    power = _total(v for v in kept if v.measurand == POWER_MEASURAND)
    if energy is None and power is None:
        return None
    return MeterSample(ts=ts, energy_wh=energy, power_w=power)


def _total(values: Iterable[SampledValue]) -> float | None:
    found = list(values)
    totals = [v.value for v in found if v.phase is None]
    if totals:
        return totals[-1]
    phases = {v.phase: v.value for v in found}
    return sum(phases.values()) if phases else None
