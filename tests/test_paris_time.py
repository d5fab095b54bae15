"""Paris time across the 2026 clock changes: 29 March (23 hours) and 25 October (25 hours)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from convergence.paris_time import (
    hours_in_day,
    local_day,
    local_day_bounds,
    local_instant,
    local_midnight,
)


def test_the_spring_change_day_lasts_23_hours() -> None:
    start, end = local_day_bounds(date(2026, 3, 29))
    assert start == datetime(2026, 3, 28, 23, tzinfo=UTC)  # midnight CET (UTC+1)
    assert end == datetime(2026, 3, 29, 22, tzinfo=UTC)  # midnight CEST (UTC+2)
    assert hours_in_day(date(2026, 3, 29)) == 23


def test_the_autumn_change_day_lasts_25_hours() -> None:
    start, end = local_day_bounds(date(2026, 10, 25))
    assert start == datetime(2026, 10, 24, 22, tzinfo=UTC)
    assert end == datetime(2026, 10, 25, 23, tzinfo=UTC)
    assert hours_in_day(date(2026, 10, 25)) == 25


def test_ordinary_days_last_24_hours_in_winter_and_summer() -> None:
    assert hours_in_day(date(2026, 1, 15)) == 24
    assert hours_in_day(date(2026, 7, 14)) == 24
    assert local_midnight(date(2026, 1, 15)) == datetime(2026, 1, 14, 23, tzinfo=UTC)
    assert local_midnight(date(2026, 7, 14)) == datetime(2026, 7, 13, 22, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        # The last UTC hour before Paris midnight, either side of each change.
        (datetime(2026, 3, 28, 22, 59, tzinfo=UTC), date(2026, 3, 28)),
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), date(2026, 3, 29)),
        (datetime(2026, 3, 29, 21, 59, tzinfo=UTC), date(2026, 3, 29)),
        (datetime(2026, 3, 29, 22, 0, tzinfo=UTC), date(2026, 3, 30)),
        (datetime(2026, 10, 24, 21, 59, tzinfo=UTC), date(2026, 10, 24)),
        (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 22, 59, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 26)),
    ],
)
def test_an_instant_falls_in_its_paris_day(instant: datetime, day: date) -> None:
    assert local_day(instant) == day


def test_an_instant_with_another_offset_reads_the_same() -> None:
    new_york = timezone(timedelta(hours=-4))
    assert local_day(datetime(2026, 10, 24, 18, 30, tzinfo=new_york)) == date(2026, 10, 25)


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        local_day(datetime(2026, 3, 29, 12))  # noqa: DTZ001


def test_wall_clock_times_on_the_change_days() -> None:
    # 03:00 on 29 March is the first hour of summer time: UTC+2.
    assert local_instant(date(2026, 3, 29), time(3)) == datetime(2026, 3, 29, 1, tzinfo=UTC)
    # 01:00 on 25 October is still summer time; 04:00 is winter time.
    assert local_instant(date(2026, 10, 25), time(1)) == datetime(2026, 10, 24, 23, tzinfo=UTC)
    assert local_instant(date(2026, 10, 25), time(4)) == datetime(2026, 10, 25, 3, tzinfo=UTC)
