"""What a plausible value is, per quantity: physical range, spike step, flat-line duration.

Rules are set with care for each quantity, because a rule that is right for one is wrong for
another: a loud minute is a real noise event (so short noise values get no spike test, only
hourly-or-longer averages do), while a river does not rise ten metres in ten minutes. The
spike test is a rate-of-change limit against the last valid value (the WMO and hydrometric
QA/QC "step test"); the flat-line test catches a stuck sensor repeating one value. A device
model may narrow or widen any of them (``device_models.quality_rules``).

A cumulative quantity (a meter index: energy in kWh, water volume in m³) only grows: a
value below the last valid index is invalid (``index_decreased``), unless it falls to about
zero (under ``RESET_RATIO`` of the index: a meter replaced or its register rolled over,
which the energy computation treats as a reset). A lower value is a misreading far more
often than a meter replaced by one already counting; that rare case is a period a person
re-validates (``quality_periods``), the values set aside and counted until then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

HOUR_S = 3600.0


@dataclass(frozen=True, slots=True)
class Rule:
    """Limits of one quantity; None means the test does not apply."""

    low: float | None = None  # below: out of the physical range (invalid)
    high: float | None = None  # above: out of the physical range (invalid)
    # Largest change from the last valid value per hour elapsed (at least one hour's worth):
    # beyond it the value is a spike (suspect).
    step_per_hour: float | None = None
    # The spike test only judges values this far apart: a 1-minute noise level may jump.
    step_min_interval_s: float = 0.0
    flat_hours: float | None = None  # one value repeated this long: a stuck sensor (suspect)
    cumulative: bool = False  # a meter index, which never falls but to be reset

    def allowed_step(self, elapsed_s: float) -> float | None:
        """The largest plausible change over ``elapsed_s`` seconds."""
        if self.step_per_hour is None or elapsed_s < self.step_min_interval_s:
            return None
        return self.step_per_hour * max(elapsed_s / HOUR_S, 1.0)

    def is_reset(self, value: float, last_index: float) -> bool:
        """True when a cumulative index fell to about zero: a meter reset, not a misreading."""
        return value <= RESET_RATIO * last_index


POLLUTANT_FLAT_HOURS = 6.0
# A meter index falling below this share of its last valid value was reset, not misread.
RESET_RATIO = 0.01

# Levels seen in France: hourly NO2 rarely passes 400 µg/m³ even at roadside stations; O3
# builds up photochemically over hours (tens of µg/m³ an hour); a river in flood rises by
# decimetres an hour, a flash flood by a metre or two (Vigicrues records).
DEFAULT_RULES: dict[str, Rule] = {
    "no2": Rule(low=0, high=1000, step_per_hour=150, flat_hours=POLLUTANT_FLAT_HOURS),
    "o3": Rule(low=0, high=600, step_per_hour=80, flat_hours=POLLUTANT_FLAT_HOURS),
    "pm10": Rule(low=0, high=1000, step_per_hour=200, flat_hours=POLLUTANT_FLAT_HOURS),
    "pm25": Rule(low=0, high=700, step_per_hour=150, flat_hours=POLLUTANT_FLAT_HOURS),
    # SO2 sits at the detection limit for days: a repeated value is not a stuck sensor.
    "so2": Rule(low=0, high=1500, step_per_hour=250),
    "co": Rule(low=0, high=100, step_per_hour=30),
    # An ambient sound level above 110 dB(A) is past the threshold of pain: no street reads it.
    "laeq": Rule(low=20, high=110, step_per_hour=20, step_min_interval_s=1800, flat_hours=3),
    "lamax": Rule(low=20, high=140),
    "water_level": Rule(step_per_hour=2.0),
    "temperature": Rule(low=-40, high=55, step_per_hour=8, flat_hours=12),
    "water_temperature": Rule(low=-2, high=40, step_per_hour=3),
    # Urban counters: 200 km/h is a glitch of the radar, not a car.
    "speed": Rule(low=0, high=200),
    "relative_humidity": Rule(low=0, high=100),
    "occupancy": Rule(low=0, high=100),
    # The catalogue's bounds: what the validate stage refuses on the ingestion path, kept here
    # for the meter values a charge point sends over OCPP (they skip that stage).
    "power": Rule(low=0, high=1e8),
    "energy": Rule(low=0, cumulative=True),
    "water_volume": Rule(low=0, cumulative=True),
}
NO_RULE = Rule()


def rule_for(quantity: str, model_rules: Mapping[str, Any] | None) -> Rule:
    """The rule of ``quantity``, with the device model's own limits over the defaults."""
    base = DEFAULT_RULES.get(quantity, NO_RULE)
    override = (model_rules or {}).get(quantity)
    if not isinstance(override, Mapping):
        return base
    fields = {"low", "high", "step_per_hour", "step_min_interval_s", "flat_hours"}
    changes: dict[str, Any] = {
        k: float(v) for k, v in override.items() if k in fields and v is not None
    }
    return replace(base, **changes) if changes else base
