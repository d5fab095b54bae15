"""SLA clocks against hand computations: business hours, weekends, public holidays, DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from convergence.maintenance.clocks import (
    PARIS,
    Calendar,
    deadline,
    elapsed_seconds,
    is_working_day,
    subtract,
)
from convergence.maintenance.kinds import HoursBasis

BUSINESS = Calendar(HoursBasis.business, time(8, 0), time(18, 0))
CALENDAR = Calendar(HoursBasis.calendar)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


def test_french_public_holidays_come_from_the_holidays_package() -> None:
    assert not is_working_day(date(2026, 5, 8))  # Victoire 1945, a Friday
    assert not is_working_day(date(2026, 5, 25))  # lundi de Pentecôte
    assert not is_working_day(date(2026, 5, 9))  # a Saturday
    assert is_working_day(date(2026, 5, 7))


def test_restoration_over_a_weekend_and_a_holiday_in_business_hours() -> None:
    # Fault Thursday 7 May 2026 16:30, restored Monday 11 May 10:15 (Paris time).
    # By hand: Thursday 16:30-18:00 = 90 min; Friday 8 May is a public holiday; Saturday and
    # Sunday do not count; Monday 08:00-10:15 = 135 min. Total 225 min.
    start, end = paris(2026, 5, 7, 16, 30), paris(2026, 5, 11, 10, 15)
    assert elapsed_seconds(start, end, BUSINESS) == 225 * 60
    # In calendar hours: 3 days 17 h 45 = 5385 min.
    assert elapsed_seconds(start, end, CALENDAR) == 5385 * 60


def test_a_pause_and_an_exclusion_do_not_count() -> None:
    start, end = paris(2026, 5, 7, 16, 30), paris(2026, 5, 11, 10, 15)
    waiting = (paris(2026, 5, 11, 8, 30), paris(2026, 5, 11, 9, 0))  # 30 min
    grid = (paris(2026, 5, 7, 17, 0), paris(2026, 5, 7, 19, 0))  # 60 min of it in hours
    assert elapsed_seconds(start, end, BUSINESS, [waiting, grid]) == (225 - 30 - 60) * 60


def test_deadline_in_business_hours_skips_the_weekend_and_the_holiday() -> None:
    # 4 h from Thursday 16:30: 90 min that day, 150 min on Monday from 08:00 -> 10:30.
    assert deadline(paris(2026, 5, 7, 16, 30), 4 * 3600, BUSINESS) == paris(2026, 5, 11, 10, 30)
    # A fault outside hours starts counting at the next opening.
    assert deadline(paris(2026, 5, 9, 23, 0), 3600, BUSINESS) == paris(2026, 5, 11, 9, 0)


def test_business_day_keeps_its_local_window_on_the_day_clocks_change() -> None:
    # Monday 26 Oct 2026 is after the autumn change (Sunday 25): 10 h of business time.
    assert elapsed_seconds(paris(2026, 10, 23, 0, 0), paris(2026, 10, 27, 0, 0), BUSINESS) == (
        2 * 10 * 3600
    )
    # Spring change: Saturday 28 to Sunday 29 March 2026 noon lasts 23 hours.
    assert elapsed_seconds(paris(2026, 3, 28, 12), paris(2026, 3, 29, 12), CALENDAR) == 23 * 3600


def test_subtract_merges_overlapping_holes() -> None:
    t = paris(2026, 1, 5, 8)
    h = timedelta(hours=1)
    assert subtract((t, t + 10 * h), [(t + h, t + 3 * h), (t + 2 * h, t + 4 * h)]) == [
        (t, t + h),
        (t + 4 * h, t + 10 * h),
    ]
