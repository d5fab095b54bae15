"""OCPP 1.6 ``MeterValue`` lists read into samples (values are strings, ``unit`` beside)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from convergence.charging.ocpp.observations import MeterSample
from convergence.charging.ocpp.sampling import ENERGY_MEASURAND, SampledValue, combine, scaled
from convergence.charging.ocpp.timestamps import parse_ocpp_time


def samples_of(
    meter_values: Iterable[Mapping[str, Any]], *, received_at: datetime
) -> list[MeterSample]:
    """The energy/power samples of a 1.6 ``meterValue`` (or ``transactionData``) list."""
    samples = []
    for meter_value in meter_values:
        ts = parse_ocpp_time(meter_value.get("timestamp"), received_at=received_at)
        values = (_value(v) for v in meter_value.get("sampled_value", []))
        sample = combine(ts, (v for v in values if v is not None))
        if sample is not None:
            samples.append(sample)
    return samples


def _value(sampled: Mapping[str, Any]) -> SampledValue | None:
    if sampled.get("location") == "EV" or sampled.get("format") == "SignedData":
        return None
    value = scaled(sampled.get("value"), sampled.get("unit"))
    if value is None:
        return None
    measurand = sampled.get("measurand") or ENERGY_MEASURAND
    return SampledValue(measurand, value, sampled.get("phase"))
