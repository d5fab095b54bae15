"""V85, V50, mean speed and shares above the limit, from spot speeds and speed classes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convergence.indicators.results import Unit
from convergence.indicators.traffic_speeds import (
    SpeedClass,
    nearest_rank_percentile,
    speed_statistics,
    speed_statistics_from_classes,
)

SPEEDS = [30, 32, 35, 38, 40, 41, 42, 44, 45, 46, 47, 48, 50, 50, 52, 53, 55, 58, 61, 66]


def test_v85_and_v50_by_nearest_rank_on_spot_speeds() -> None:
    # n = 20 sorted speeds. V85: rank ⌈0.85 × 20⌉ = 17 -> 17th speed = 55 km/h
    # (17 of 20 vehicles, 85 %, at or below 55). V50: rank ⌈0.50 × 20⌉ = 10 -> 46 km/h.
    # Mean = 933 / 20 = 46.65 km/h. Limit 50 km/h: strictly above are 52, 53, 55, 58, 61, 66
    # = 6 vehicles = 30 % (the two at exactly 50 are not above); above 60: 61, 66 = 10 %.
    stats = speed_statistics([float(s) for s in SPEEDS], limit_kmh=50)
    assert (stats.v85.value, stats.v50.value) == (55, 46)
    assert stats.mean.value == pytest.approx(46.65)
    assert stats.v85.unit is Unit.KM_PER_HOUR
    assert stats.share_above_limit is not None
    assert stats.share_above_limit.value == pytest.approx(30.0)
    assert stats.share_above_limit_plus_10 is not None
    assert stats.share_above_limit_plus_10.value == pytest.approx(10.0)


def test_v85_from_speed_classes_interpolates_inside_the_class() -> None:
    # Classes [0,30) 10, [30,40) 40, [40,50) 100, [50,60) 40, [60,70) 10: 200 vehicles.
    # V85: 0.85 × 200 = 170th vehicle; 150 below 50 km/h, so 20 of the 40 in [50,60):
    # 50 + 20/40 × 10 = 55.0 km/h. V50: 100th vehicle; 50 below 40, 50 of 100 in [40,50):
    # 40 + 50/100 × 10 = 45.0 km/h. Mean on mid-points:
    # (10×15 + 40×35 + 100×45 + 40×55 + 10×65) / 200 = 8 900 / 200 = 44.5 km/h.
    # Above 50: (40 + 10) / 200 = 25 %; above 60: 10 / 200 = 5 %.
    classes = [
        SpeedClass(0, 30, 10),
        SpeedClass(30, 40, 40),
        SpeedClass(40, 50, 100),
        SpeedClass(50, 60, 40),
        SpeedClass(60, 70, 10),
    ]
    stats = speed_statistics_from_classes(classes, limit_kmh=50)
    assert stats.v85.value == pytest.approx(55.0)
    assert stats.v50.value == pytest.approx(45.0)
    assert stats.mean.value == pytest.approx(44.5)
    assert stats.share_above_limit is not None
    assert stats.share_above_limit.value == pytest.approx(25.0)
    assert stats.share_above_limit_plus_10 is not None
    assert stats.share_above_limit_plus_10.value == pytest.approx(5.0)


def test_no_vehicle_gives_no_speed() -> None:
    stats = speed_statistics([], limit_kmh=50)
    assert stats.v85.value is None
    assert not stats.v85.completeness.complete


speeds = st.lists(st.floats(min_value=0, max_value=250, allow_nan=False), min_size=1)


@given(speeds)
def test_nearest_rank_percentiles_are_observed_and_ordered(values: list[float]) -> None:
    v85, v50 = nearest_rank_percentile(values, 85), nearest_rank_percentile(values, 50)
    assert v85 in values
    assert v50 <= v85
    assert sum(1 for v in values if v <= v85) >= 0.85 * len(values)
