"""Traffic counts, TMJA (SIREDO method), TMJO, peak hours and %PL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from convergence.indicators.timewindows import local_day_window
from convergence.indicators.traffic import (
    HourlyCount,
    day_traffic,
    days_traffic,
    hours_traffic,
    mean_daily_traffic,
    peak_hours,
    share_of_heavy_vehicles,
    tmja,
    tmjo,
)

TUESDAY = date(2026, 6, 16)


def constant_day(
    day: date, per_hour: dict[str, int], heavy: int | None = None
) -> list[HourlyCount]:
    window = local_day_window(day)
    return [
        HourlyCount(hour, direction, count, heavy)
        for hour in window.hour_starts()
        for direction, count in per_hour.items()
    ]


def day_with_volume(day: date, volume: int) -> list[HourlyCount]:
    """Every hour present in both directions; the whole volume in the first local hour."""
    hours = local_day_window(day).hour_starts()
    counts = [HourlyCount(hours[0], "1", volume // 2), HourlyCount(hours[0], "2", volume // 2)]
    counts += [HourlyCount(h, d, 0) for h in hours[1:] for d in ("1", "2")]
    return counts


def test_daily_counts_per_direction_and_both_directions() -> None:
    # 24 hours × 100 vehicles (direction 1, 10 of them heavy) and × 50 (direction 2, heavy 10):
    # direction 1: 2 400 vehicles, 240 heavy -> %PL = 240 / 2 400 = 10 %;
    # direction 2: 1 200; both: 3 600 vehicles, 480 heavy -> 13.33 %.
    counts = constant_day(TUESDAY, {"1": 100, "2": 50}, heavy=10)
    result = day_traffic(counts, TUESDAY, directions=["1", "2"])
    one, two = result.directions
    assert (one.vehicles.value, two.vehicles.value, result.both.vehicles.value) == (
        2400,
        1200,
        3600,
    )
    assert one.heavy_share is not None
    assert one.heavy_share.value == pytest.approx(10.0)
    assert result.both.heavy_share is not None
    assert result.both.heavy_share.value == pytest.approx(13.33, abs=0.01)
    assert result.valid


def test_a_day_with_a_missing_hour_is_shown_but_not_valid() -> None:
    # The first hour of direction 1 (100 vehicles) is missing: 47 of the 48 direction-hours,
    # total 3 600 − 100 = 3 500, too low by the missing hour -> the day is not valid.
    counts = constant_day(TUESDAY, {"1": 100, "2": 50})[1:]
    result = day_traffic(counts, TUESDAY, directions=["1", "2"])
    assert result.both.vehicles.value == 3500
    assert (result.both.vehicles.completeness.present, result.valid) == (47, False)


def test_the_23_hour_day_is_complete_with_23_hours_per_direction() -> None:
    # 2026-03-29 has 23 hours: 23 × 100 = 2 300 vehicles in direction 1, day valid.
    spring = date(2026, 3, 29)
    result = day_traffic(constant_day(spring, {"1": 100}), spring, directions=["1"])
    assert (result.both.vehicles.value, result.valid) == (2300, True)


def test_hourly_counts_of_the_25_hour_day() -> None:
    # 2026-10-25 has 25 hours; the local hour 2 occurs twice (02:00 CEST then 02:00 CET).
    autumn = date(2026, 10, 25)
    rows = hours_traffic(constant_day(autumn, {"1": 10, "2": 5}), autumn, directions=["1", "2"])
    assert len(rows) == 25
    assert [r.local_hour for r in rows].count(2) == 2
    assert all(r.both.value == 15 for r in rows)


def test_tmja_from_complete_months_with_missing_days() -> None:
    # Every day of month m carries 1 000·m vehicles (both directions), except:
    # - January: only days 1–21 counted (21/31 = 67.7 % < 75 %): the month is left out;
    # - February: days 24–28 missing (23/28 = 82 % >= 75 %): used with its 23 days;
    # - 10 March: one hour missing: the day is invalid, March is used with 30 days.
    # Kept volumes: Feb 23×2 000 = 46 000, Mar 30×3 000 = 90 000, Apr 30×4 000 = 120 000,
    # May 31×5 000 = 155 000, Jun 30×6 000 = 180 000, Jul 31×7 000 = 217 000,
    # Aug 31×8 000 = 248 000, Sep 30×9 000 = 270 000, Oct 31×10 000 = 310 000,
    # Nov 30×11 000 = 330 000, Dec 31×12 000 = 372 000: Σ = 2 338 000 vehicles
    # over 23+30+30+31+30+31+31+30+31+30+31 = 328 days.
    # TMJA = 2 338 000 / 328 = 7 128.05 vehicles/day; completeness 328/365 = 89.9 %.
    counts: list[HourlyCount] = []
    day = date(2026, 1, 1)
    while day.year == 2026:
        skipped = (day.month == 1 and day.day > 21) or (day.month == 2 and day.day > 23)
        if not skipped:
            hours = day_with_volume(day, 1000 * day.month)
            counts += hours[:-1] if day == date(2026, 3, 10) else hours
        day += timedelta(days=1)
    days = days_traffic(counts, date(2026, 1, 1), date(2026, 12, 31), directions=["1", "2"])
    result = tmja(days, 2026)
    assert result.value.value == pytest.approx(7128.05, abs=0.01)
    assert result.days_used == 328
    assert result.months_excluded == (1,)
    assert result.value.completeness.ratio == pytest.approx(328 / 365)
    assert result.value.completeness.complete  # 89.9 % >= 75 %
    # One direction: half of every volume -> 3 564.02.
    assert tmja(days, 2026, direction="1").value.value == pytest.approx(3564.02, abs=0.01)


def test_tmjo_keeps_working_days_and_drops_public_holidays() -> None:
    # Week of Monday 4 to Sunday 10 May 2026. Friday 8 May is a public holiday (Victoire 1945).
    # Mon–Thu 5 000 vehicles, Fri 8 May 1 500, Sat–Sun 2 000.
    # TMJO = mean of Mon–Thu = 5 000. TMJ of the week = (4×5 000 + 1 500 + 2×2 000) / 7
    #      = 25 500 / 7 = 3 642.86.
    volumes = [5000, 5000, 5000, 5000, 1500, 2000, 2000]
    first = date(2026, 5, 4)
    counts = [
        c for i, v in enumerate(volumes) for c in day_with_volume(first + timedelta(days=i), v)
    ]
    last = first + timedelta(days=6)
    days = days_traffic(counts, first, last, directions=["1", "2"])
    working = tmjo(days, first, last)
    assert (working.value.value, working.days_used) == (5000, 4)
    assert mean_daily_traffic(days, first, last).value.value == pytest.approx(3642.86, abs=0.01)


def test_morning_and_evening_peak_hours() -> None:
    # Local hours 7, 8, 9 carry 300, 450, 350 and 16, 17, 18 carry 400, 520, 480; the 18
    # other hours 100 each. Day total = 18×100 + 2 500 = 4 300.
    # HPM = 08h with 450 (450 / 4 300 = 10.47 % of the day); HPS = 17h with 520 (12.09 %).
    profile = {7: 300, 8: 450, 9: 350, 16: 400, 17: 520, 18: 480}
    hours = local_day_window(TUESDAY).hour_starts()
    # Hour i of a 24-hour local day starts at local i:00.
    counts = [HourlyCount(h, "1", profile.get(i, 100)) for i, h in enumerate(hours)]
    rows = hours_traffic(counts, TUESDAY, directions=["1"])
    day = day_traffic(counts, TUESDAY, directions=["1"])
    morning, evening = peak_hours(rows, day)
    assert (morning.local_hour, morning.vehicles.value) == (8, 450)
    assert (evening.local_hour, evening.vehicles.value) == (17, 520)
    assert morning.share_of_day is not None
    assert morning.share_of_day.value == pytest.approx(10.47, abs=0.01)
    assert evening.share_of_day is not None
    assert evening.share_of_day.value == pytest.approx(12.09, abs=0.01)


def test_share_of_heavy_vehicles_over_several_days() -> None:
    # Day 1: 24×100 vehicles, 24×5 heavy; day 2: 24×200 vehicles, 24×20 heavy.
    # %PL = (120 + 480) / (2 400 + 4 800) × 100 = 600 / 7 200 = 8.33 %.
    second = TUESDAY + timedelta(days=1)
    counts = constant_day(TUESDAY, {"1": 100}, heavy=5) + constant_day(second, {"1": 200}, 20)
    days = days_traffic(counts, TUESDAY, second, directions=["1"])
    assert share_of_heavy_vehicles(days).value == pytest.approx(8.33, abs=0.01)
