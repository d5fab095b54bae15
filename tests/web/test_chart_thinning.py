"""Long periods are drawn with longer steps: a chart never writes more than CHART_NUMBERS
numbers (a time weighing three), and a longer step's value is the mean of its readings
(energetic for decibels); their tables have a row a week."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from convergence.indicators.timewindows import local_wall_time
from convergence.timeseries.buckets import MERGED, Bucket
from convergence.timeseries.query_schemas import Point, Resolution
from convergence.timeseries.rollups import energetic_mean
from convergence.web.pages.domains.summaries import DailyRow, weekly_rows
from convergence.web.pages.domains.thinning import (
    CHART_NUMBERS,
    TIME_WEIGHT,
    Step,
    step_for,
    thinned,
)

MONDAY = date(2026, 11, 2)


def hourly(day: date, hour: int, value: float | None, count: int = 1) -> Point:
    return Point(start=local_wall_time(day, hour), value=value, count=count)


def test_a_month_of_two_stations_stays_hourly() -> None:
    assert step_for(Resolution.hourly, 30 * 24, 2) == Step(Resolution.hourly, 1)
    assert Step(Resolution.hourly, 1).words == "moyennes horaires"


@pytest.mark.parametrize(
    ("days", "curves", "hours", "words"),
    [
        (30, 4, 2, "moyennes sur 2 heures"),
        (60, 5, 3, "moyennes sur 3 heures"),
        (60, 8, 4, "moyennes sur 4 heures"),
        (62, 12, 6, "moyennes sur 6 heures"),
        (62, 40, 24, "moyennes journalières"),
    ],
)
def test_longer_periods_and_more_stations_take_longer_steps(
    days: int, curves: int, hours: int, words: str
) -> None:
    step = step_for(Resolution.hourly, days * 24, curves)
    assert step.buckets == hours
    assert step.words == words
    assert math.ceil(days * 24 / hours) * (TIME_WEIGHT + curves) <= CHART_NUMBERS


def test_daily_means_are_drawn_by_week_beyond_the_budget() -> None:
    assert step_for(Resolution.daily, 400, 9) == Step(Resolution.daily, 7)
    assert Step(Resolution.daily, 7).words == "moyennes hebdomadaires"
    assert step_for(Resolution.daily, 400, 8) == Step(Resolution.daily, 1)
    assert step_for(Resolution.raw, 100_000, 8) == Step(Resolution.raw, 1)


def test_a_step_of_one_bucket_draws_every_point_as_it_was() -> None:
    points = [hourly(MONDAY, 10, 1.5), hourly(MONDAY, 11, None, 0)]
    assert thinned(points, Step(Resolution.hourly, 1), decibel=False) == (
        ["2026-11-02 10:00", "2026-11-02 11:00"],
        [1.5, None],
    )


def test_a_group_is_the_mean_of_its_readings_not_of_its_hours() -> None:
    # 10 µg/m³ from one reading, 20 from three: (10 + 3 × 20) / 4 = 17.5.
    points = [hourly(MONDAY, 9, 10.0, 1), hourly(MONDAY, 10, 20.0, 3), hourly(MONDAY, 11, 4.0)]
    times, values = thinned(points, Step(Resolution.hourly, 2), decibel=False)
    assert times == ["2026-11-02 08:00", "2026-11-02 10:00"]
    assert values == [10.0, pytest.approx((3 * 20.0 + 4.0) / 4)]
    times, values = thinned(points, Step(Resolution.hourly, 3), decibel=False)
    assert times == ["2026-11-02 09:00"]
    assert values == [pytest.approx(74.0 / 5)]


def test_decibels_are_averaged_energetically() -> None:
    # 60 and 70 dB(A), one reading each: 10·log10((10⁶ + 10⁷) / 2) = 67.40 dB(A), not 65.
    points = [hourly(MONDAY, 0, 60.0), hourly(MONDAY, 1, 70.0)]
    _, values = thinned(points, Step(Resolution.hourly, 2), decibel=True)
    assert values == [pytest.approx(67.4036, abs=1e-4)]
    assert values[0] == pytest.approx(energetic_mean(10**6 + 10**7, 2))


def test_groups_follow_local_hours_across_the_change_to_winter_time() -> None:
    # 25 October 2026 has 25 local hours: 02:00 comes twice; groups of 3 still start at 00:00.
    day = date(2026, 10, 25)
    start = local_wall_time(day, 0)
    points = [Point(start=start + timedelta(hours=h), value=1.0, count=1) for h in range(25)]
    times, values = thinned(points, Step(Resolution.hourly, 3), decibel=False)
    assert times == [f"2026-10-25 {h:02d}:00" for h in range(0, 24, 3)]
    assert values == [1.0] * 8


def test_a_week_starts_on_monday_and_empty_buckets_leave_a_gap() -> None:
    def day(d: date, value: float | None, count: int) -> Point:
        return Point(start=local_wall_time(d, 0), day=d, value=value, count=count)

    points = [
        day(MONDAY - timedelta(days=1), 5.0, 24),  # a Sunday: the week before
        day(MONDAY, 1.0, 24),
        day(MONDAY + timedelta(days=6), 3.0, 24),
        day(MONDAY + timedelta(days=7), None, 0),
    ]
    times, values = thinned(points, Step(Resolution.daily, 7), decibel=False)
    assert times == ["2026-10-26 00:00", "2026-11-02 00:00", "2026-11-09 00:00"]
    assert values == [5.0, 2.0, None]


def test_points_are_placed_in_paris_time() -> None:
    winter_noon = Point(start=datetime(2026, 12, 1, 11, tzinfo=UTC), value=1.0, count=1)
    assert thinned([winter_noon], Step(Resolution.hourly, 6), decibel=False)[0] == [
        "2026-12-01 12:00"
    ]


def test_a_long_period_s_table_has_a_row_a_week_from_its_daily_rollups() -> None:
    def day(d: date, count: int, total: float, low: float, high: float) -> Bucket:
        return Bucket(MERGED, local_wall_time(d, 0), d, count, total, low, high, None)

    rows = weekly_rows(
        [
            day(MONDAY + timedelta(days=1), 24, 240.0, 5.0, 15.0),  # no value on Monday
            day(MONDAY + timedelta(days=6), 12, 360.0, 20.0, 40.0),
            day(MONDAY + timedelta(days=7), 24, 24.0, 1.0, 1.0),
        ],
        decibel=False,
    )
    assert rows == [
        DailyRow(MONDAY, mean=600.0 / 36, low=5.0, high=40.0, count=36),
        DailyRow(MONDAY + timedelta(days=7), mean=1.0, low=1.0, high=1.0, count=24),
    ]
