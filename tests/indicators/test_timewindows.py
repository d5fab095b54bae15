"""Local days and noise periods in Europe/Paris, including both 2026 DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from convergence.errors import InvalidInput
from convergence.indicators.timewindows import (
    HourlySample,
    NoisePeriod,
    group_by_local_day,
    hours_in_local_day,
    local_day_of,
    local_day_window,
    local_days_in,
    local_year_window,
    noise_period_of,
    noise_period_window,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_an_ordinary_summer_day_is_24_hours_from_22h_utc() -> None:
    # 2026-06-15 is CEST (UTC+2): local midnight = 2026-06-14T22:00Z, next one 2026-06-15T22:00Z.
    window = local_day_window(date(2026, 6, 15))
    assert (window.start_utc, window.end_utc) == (utc(2026, 6, 14, 22), utc(2026, 6, 15, 22))
    assert hours_in_local_day(date(2026, 6, 15)) == 24


def test_spring_change_day_2026_03_29_lasts_23_hours() -> None:
    # Midnight is still CET (UTC+1) -> 2026-03-28T23:00Z; clocks jump 02:00 -> 03:00;
    # the next midnight is CEST (UTC+2) -> 2026-03-29T22:00Z. 22:00 - 23:00(prev) = 23 h.
    window = local_day_window(date(2026, 3, 29))
    assert (window.start_utc, window.end_utc) == (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))
    assert hours_in_local_day(date(2026, 3, 29)) == 23
    assert len(window.hour_starts()) == 23


def test_autumn_change_day_2026_10_25_lasts_25_hours() -> None:
    # Midnight is CEST (UTC+2) -> 2026-10-24T22:00Z; clocks fall back 03:00 -> 02:00;
    # the next midnight is CET (UTC+1) -> 2026-10-25T23:00Z: 25 h.
    window = local_day_window(date(2026, 10, 25))
    assert (window.start_utc, window.end_utc) == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))
    assert hours_in_local_day(date(2026, 10, 25)) == 25


def test_hourly_samples_group_by_local_day_across_the_autumn_change() -> None:
    # UTC hours 2026-10-24T21:00Z .. 2026-10-26T00:00Z (28 hours):
    # 21:00Z is 23:00 CEST on the 24th (1 sample), the 25th has 25 hours (22:00Z..22:00Z+24h),
    # and 23:00Z, 00:00Z on the 26th are 00:00 and 01:00 CET on the 26th (2 samples).
    start = utc(2026, 10, 24, 21)
    samples = [HourlySample(start + timedelta(hours=i), float(i)) for i in range(28)]
    groups = group_by_local_day(samples)
    assert {d: len(v) for d, v in groups.items()} == {
        date(2026, 10, 24): 1,
        date(2026, 10, 25): 25,
        date(2026, 10, 26): 2,
    }


def test_a_night_crossing_midnight_belongs_to_the_day_it_starts() -> None:
    # 2026-06-15T23:30Z is 01:30 CEST on the 16th: inside the night that began at 22:00 on
    # the 15th, so it belongs to the 15th. The night window is 20:00Z (22:00 CEST) to
    # 04:00Z on the 16th (06:00 CEST).
    assert noise_period_of(utc(2026, 6, 15, 23, 30)) == (date(2026, 6, 15), NoisePeriod.NIGHT)
    assert noise_period_of(utc(2026, 6, 15, 20)) == (date(2026, 6, 15), NoisePeriod.NIGHT)
    assert noise_period_of(utc(2026, 6, 16, 4)) == (date(2026, 6, 16), NoisePeriod.DAY)
    assert noise_period_of(utc(2026, 6, 16, 16)) == (date(2026, 6, 16), NoisePeriod.EVENING)
    night = noise_period_window(date(2026, 6, 15), NoisePeriod.NIGHT)
    assert (night.start_utc, night.end_utc) == (utc(2026, 6, 15, 20), utc(2026, 6, 16, 4))


def test_dst_nights_last_7_and_9_hours_while_days_and_evenings_do_not_change() -> None:
    # Night of 2026-03-28: 22:00 CET = 21:00Z -> 06:00 CEST on the 29th = 04:00Z: 7 h.
    # Night of 2026-10-24: 22:00 CEST = 20:00Z -> 06:00 CET on the 25th = 05:00Z: 9 h.
    assert noise_period_window(date(2026, 3, 28), NoisePeriod.NIGHT).hours == 7
    assert noise_period_window(date(2026, 10, 24), NoisePeriod.NIGHT).hours == 9
    # 06–18 and 18–22 never contain 02:00–03:00, so they keep 12 h and 4 h.
    assert noise_period_window(date(2026, 3, 29), NoisePeriod.DAY).hours == 12
    assert noise_period_window(date(2026, 10, 25), NoisePeriod.EVENING).hours == 4


def test_a_local_year_has_8760_hours_and_365_days() -> None:
    # 2026 is not a leap year; the lost spring hour and the gained autumn hour cancel out.
    year = local_year_window(2026)
    assert year.hours == 8760
    assert len(local_days_in(year)) == 365


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(InvalidInput):
        HourlySample(datetime(2026, 1, 1, 0), 1.0)  # noqa: DTZ001 - the point of the test
    with pytest.raises(InvalidInput):
        local_day_of(datetime(2026, 1, 1, 0))  # noqa: DTZ001 - the point of the test
