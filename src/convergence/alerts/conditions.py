"""Pure tests of a rule's condition: threshold states with hysteresis, slopes, payload matches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from convergence.alerts.kinds import Comparison

HOUR = timedelta(hours=1)


class ConditionState(StrEnum):
    """Where a value stands against a limit with a hysteresis band."""

    holds = "holds"  # at or past the limit: an alert may fire
    between = "between"  # inside the band: an open alert stays open, none fires
    clear = "clear"  # past the band on the safe side: an open alert resolves


def threshold_state(
    value: float, *, comparison: Comparison, limit: float, hysteresis: float
) -> ConditionState:
    """State of ``value``: above X holds at X, and clears only below X − hysteresis."""
    sign = 1.0 if comparison is Comparison.above else -1.0
    excess = sign * (value - limit)
    if excess >= 0:
        return ConditionState.holds
    if excess > -hysteresis:
        return ConditionState.between
    return ConditionState.clear


def holds(value: float, *, comparison: Comparison, limit: float) -> bool:
    """True when the value is at or past the limit."""
    return value >= limit if comparison is Comparison.above else value <= limit


def slope_per_hour(points: Sequence[tuple[datetime, float]]) -> float | None:
    """Least-squares slope of the points, in units per hour; None with fewer than two instants.

    Regression rather than a two-point difference, so one noisy reading does not swing the
    rate (as the water indicator's rate of rise).
    """
    if len(points) < 2:
        return None
    origin = points[0][0]
    times = [(ts - origin) / HOUR for ts, _ in points]
    mean_t = sum(times) / len(times)
    mean_v = sum(v for _, v in points) / len(points)
    variance = sum((t - mean_t) ** 2 for t in times)
    if variance == 0:
        return None
    covariance = sum((t - mean_t) * (v - mean_v) for t, (_, v) in zip(times, points, strict=True))
    return covariance / variance


def payload_matches(payload: Mapping[str, Any], match: Mapping[str, str]) -> bool:
    """True when every ``match`` key is in the payload with that value (compared as text)."""
    return all(key in payload and str(payload[key]) == value for key, value in match.items())
