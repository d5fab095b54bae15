"""Water level against site thresholds (Vigicrues colours), rate of rise, next threshold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convergence.errors import InvalidInput
from convergence.indicators.regulations.water import VigilanceLevel
from convergence.indicators.results import Unit
from convergence.indicators.water import (
    LevelReading,
    SiteThresholds,
    assess_water_level,
    rate_of_rise,
    time_to_next_threshold,
    vigilance_level,
)

THRESHOLDS = SiteThresholds(jaune=1.00, orange=1.50, rouge=2.00)
T0 = datetime(2026, 1, 20, 10, 0, tzinfo=UTC)


def rising(levels: list[float], step: timedelta = timedelta(minutes=15)) -> list[LevelReading]:
    return [LevelReading(T0 + i * step, lv) for i, lv in enumerate(levels)]


def test_a_level_crossing_orange_with_its_rate_and_time_to_rouge() -> None:
    # Readings every 15 min from 10:00: 1.30, 1.35, 1.40, 1.45, 1.50, 1.55 m.
    # The level passes orange (1.50 m) at 11:00; the last reading, 1.55 m at 11:15, is orange.
    # Rate over the hour [10:15, 11:15]: +5 cm every 15 min = 20 cm/h (exact straight line).
    # Next threshold: rouge at 2.00 m, 45 cm above; 45 / 20 = 2.25 h = 2 h 15 min,
    # reached at 11:15 + 2:15 = 13:30 UTC.
    readings = rising([1.30, 1.35, 1.40, 1.45, 1.50, 1.55])
    result = assess_water_level(readings, THRESHOLDS, now=T0 + timedelta(minutes=80))
    assert result.level is VigilanceLevel.ORANGE
    assert result.height.value == 1.55
    assert result.height.unit is Unit.METRE
    assert result.rate.value == pytest.approx(20.0)
    assert result.rate.unit is Unit.CM_PER_HOUR
    assert result.rate.completeness.complete
    assert result.next_threshold is not None
    assert result.next_threshold.level is VigilanceLevel.ROUGE
    assert result.next_threshold.distance_cm == pytest.approx(45.0)
    assert result.next_threshold.eta == timedelta(hours=2, minutes=15)
    assert result.next_threshold.reached_at == datetime(2026, 1, 20, 13, 30, tzinfo=UTC)
    assert not result.stale


def test_the_previous_reading_was_still_jaune() -> None:
    # 1.45 m at 10:45 lies in [1.00, 1.50[ -> jaune; 1.50 m exactly reaches orange.
    assert vigilance_level(1.45, THRESHOLDS) is VigilanceLevel.JAUNE
    assert vigilance_level(1.50, THRESHOLDS) is VigilanceLevel.ORANGE
    assert vigilance_level(0.99, THRESHOLDS) is VigilanceLevel.VERT
    assert vigilance_level(2.30, THRESHOLDS) is VigilanceLevel.ROUGE


def test_hysteresis_keeps_a_level_until_the_water_drops_below_the_margin() -> None:
    # Margin 5 cm: a site in orange stays orange at 1.47 m (>= 1.50 − 0.05) and returns to
    # jaune at 1.44 m.
    site = SiteThresholds(jaune=1.00, orange=1.50, rouge=2.00, hysteresis_m=0.05)
    assert vigilance_level(1.47, site, previous=VigilanceLevel.ORANGE) is VigilanceLevel.ORANGE
    assert vigilance_level(1.44, site, previous=VigilanceLevel.ORANGE) is VigilanceLevel.JAUNE
    assert vigilance_level(1.47, site, previous=VigilanceLevel.JAUNE) is VigilanceLevel.JAUNE


def test_no_time_to_threshold_when_falling_or_stable() -> None:
    # Falling 1.55 -> 1.30 m: rate −20 cm/h, no next threshold.
    falling = rising([1.55, 1.50, 1.45, 1.40, 1.35, 1.30])
    result = assess_water_level(falling, THRESHOLDS, now=T0 + timedelta(hours=2))
    assert result.rate.value == pytest.approx(-20.0)
    assert result.next_threshold is None
    assert time_to_next_threshold(1.2, 0.0, THRESHOLDS, T0) is None
    # Above rouge there is no next threshold either.
    assert time_to_next_threshold(2.1, 30.0, THRESHOLDS, T0) is None


def test_a_stale_sensor_is_flagged() -> None:
    # Last reading 11:15; at 12:00 it is 45 min old, more than the 30 min allowed.
    readings = rising([1.30, 1.35, 1.40, 1.45, 1.50, 1.55])
    assert assess_water_level(readings, THRESHOLDS, now=T0 + timedelta(hours=2)).stale


def test_a_single_reading_gives_no_rate() -> None:
    rate = rate_of_rise([LevelReading(T0, 1.0)])
    assert rate.value is None
    assert not rate.completeness.complete


def test_thresholds_must_rise() -> None:
    with pytest.raises(InvalidInput):
        SiteThresholds(jaune=1.5, orange=1.5, rouge=2.0)


@given(st.floats(min_value=-5, max_value=10), st.floats(min_value=-5, max_value=10))
def test_level_is_monotonic_in_height(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert vigilance_level(low, THRESHOLDS) <= vigilance_level(high, THRESHOLDS)


@given(st.floats(min_value=-50, max_value=50, allow_nan=False))
def test_a_straight_line_gives_its_own_slope(slope_cm_h: float) -> None:
    readings = [
        LevelReading(T0 + timedelta(minutes=10 * i), 1 + slope_cm_h / 600 * i) for i in range(7)
    ]
    assert rate_of_rise(readings).value == pytest.approx(slope_cm_h, abs=1e-6)
