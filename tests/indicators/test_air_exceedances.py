"""Exceedances of EU limit values (2008/50/EC, 2024/2881), WHO 2021 and French thresholds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from convergence.indicators.air_exceedances import (
    assess_threshold,
    assess_thresholds,
    consecutive_episodes,
    daily_max_8h_means,
    running_8h_means,
)
from convergence.indicators.regulations.air import (
    EU_2008_50,
    EU_2024_2881,
    FR_PROCEDURES,
    WHO_2021,
    AirThreshold,
    Averaging,
    Pollutant,
    ThresholdKind,
)
from convergence.indicators.results import Unit
from convergence.indicators.timewindows import (
    HourlySample,
    local_day_window,
    local_days_window,
    local_year_window,
)

YEAR = local_year_window(2026)


def series(start: datetime, values: list[float]) -> list[HourlySample]:
    return [HourlySample(start + timedelta(hours=i), v) for i, v in enumerate(values)]


def threshold(
    table: tuple[AirThreshold, ...], pollutant: Pollutant, averaging: Averaging, kind: ThresholdKind
) -> AirThreshold:
    return next(
        t for t in table if (t.pollutant, t.averaging, t.kind) == (pollutant, averaging, kind)
    )


def test_no2_hourly_limit_counts_hours_strictly_above_200() -> None:
    # A full year (8760 h) at 30 µg/m³ except 20 hours at 210 and one hour at exactly 200.
    # Exceedances are values > 200: 20. Directive 2008/50: 18 allowed -> exceeded.
    # Directive 2024/2881: 3 allowed -> exceeded.
    values = [30.0] * 8760
    for i in range(20):
        values[100 + i * 300] = 210.0
    values[50] = 200.0
    hourly = series(YEAR.start_utc, values)
    for table in (EU_2008_50, EU_2024_2881):
        limit = threshold(table, Pollutant.NO2, Averaging.HOUR, ThresholdKind.LIMIT_VALUE)
        result = assess_threshold(limit, hourly, window=YEAR)
        assert result.statistic.value == 20
        assert result.statistic.unit is Unit.COUNT
        assert result.statistic.completeness.complete
        assert result.exceeded is True


def test_an_incomplete_year_is_conclusive_only_above_the_allowance() -> None:
    # 1000 hours of data (11.4 % of 8760 < 90 %) with 5 hours above 200 µg/m³:
    # 2008/50 allows 18 -> 5 is a lower bound, undetermined (None);
    # 2024/2881 allows 3 -> 5 > 3 is already conclusive (True).
    values = [30.0] * 995 + [250.0] * 5
    hourly = series(YEAR.start_utc, values)
    old = threshold(EU_2008_50, Pollutant.NO2, Averaging.HOUR, ThresholdKind.LIMIT_VALUE)
    new = threshold(EU_2024_2881, Pollutant.NO2, Averaging.HOUR, ThresholdKind.LIMIT_VALUE)
    assert assess_threshold(old, hourly, window=YEAR).exceeded is None
    assert assess_threshold(new, hourly, window=YEAR).exceeded is True


def test_pm10_daily_limit_counts_valid_days_with_a_mean_above_50() -> None:
    # Ten local days, 1–10 January 2026 (CET):
    # days 1–3 at 60 µg/m³ (> 50, three exceedances), day 4 at exactly 50 (not above),
    # day 5 has only 17 hours at 100 (17/24 < 75 %: invalid, not counted), days 6–10 at 20.
    # Valid days 9 of 10 = 90 % -> complete; 3 <= 35 allowed -> not exceeded.
    window = local_days_window(date(2026, 1, 1), date(2026, 1, 10))
    hourly: list[HourlySample] = []
    for n, (value, count) in enumerate(
        [(60.0, 24)] * 3 + [(50.0, 24), (100.0, 17)] + [(20.0, 24)] * 5, start=1
    ):
        hourly += series(local_day_window(date(2026, 1, n)).start_utc, [value] * count)
    limit = threshold(EU_2008_50, Pollutant.PM10, Averaging.DAY, ThresholdKind.LIMIT_VALUE)
    result = assess_threshold(limit, hourly, window=window)
    assert result.statistic.value == 3
    assert (result.statistic.completeness.present, result.statistic.completeness.expected) == (
        9,
        10,
    )
    assert result.exceeded is False
    # French information threshold (50, daily mean): the same 3 days; allowance 0 -> exceeded.
    info = threshold(FR_PROCEDURES, Pollutant.PM10, Averaging.DAY, ThresholdKind.INFORMATION)
    assert assess_threshold(info, hourly, window=window).exceeded is True


def test_alerts_over_three_consecutive_hours_count_episodes() -> None:
    # NO2 > 400 during hours 0–3 (4 h: one episode), 5–6 (2 h: none), 8–10 (3 h: one).
    values = [450.0] * 4 + [30.0] + [450.0] * 2 + [30.0] + [450.0] * 3
    hourly = series(datetime(2026, 2, 1, tzinfo=UTC), values)
    assert consecutive_episodes(hourly, 400.0) == 2
    # A gap in the data breaks a run: hours 0, 1 then 3 are not three consecutive hours.
    gap = [hourly[0], hourly[1], hourly[3]]
    assert consecutive_episodes(gap, 400.0) == 0


def test_ozone_daily_max_8h_mean() -> None:
    # 2026-07-01 (CEST): 16 hours at 100 µg/m³ then 8 hours at 140. The running mean that
    # ends with the last hour covers hours 17–24, all at 140: daily max 8-h mean = 140.
    # 140 > 120 (2008/50 target value) -> one exceedance day; > 100 (WHO AQG) too.
    day = date(2026, 7, 1)
    hourly = series(local_day_window(day).start_utc, [100.0] * 16 + [140.0] * 8)
    dm8 = daily_max_8h_means(hourly)
    assert dm8[day].value == 140.0
    # 24 running means end inside the day but the first 5 lack 6 values: 19 valid of 24.
    assert (dm8[day].completeness.present, dm8[day].completeness.complete) == (19, True)
    window = local_days_window(day, day)
    results = assess_thresholds(Pollutant.O3, hourly, EU_2008_50 + WHO_2021, window=window)
    by_kind = {(r.threshold.kind, r.threshold.averaging): r for r in results}
    target = by_kind[(ThresholdKind.TARGET_VALUE, Averaging.DAILY_MAX_8H)]
    assert target.statistic.value == 1
    assert by_kind[(ThresholdKind.GUIDELINE, Averaging.DAILY_MAX_8H)].statistic.value == 1


def test_an_8h_mean_needs_six_of_eight_hours() -> None:
    # Hours 0, 1, 2, 3, 4 then 6: the mean ending at hour 6 has 6 values (hour 5 missing)
    # -> valid, (10+20+30+40+50+70)/6 = 36.67; the mean ending at hour 4 has 5 -> invalid.
    start = datetime(2026, 7, 1, tzinfo=UTC)
    hourly = [s for s in series(start, [10, 20, 30, 40, 50, 60, 70]) if s.value != 60]
    means = {m.hour_start: m.value for m in running_8h_means(hourly)}
    assert start + timedelta(hours=4) not in means
    assert round(means[start + timedelta(hours=6)], 2) == 36.67


def test_annual_mean_against_the_2008_and_2030_no2_limits() -> None:
    # A full year at 30 µg/m³: under 40 (2008/50) but over 20 (2024/2881) and 10 (WHO).
    hourly = series(YEAR.start_utc, [30.0] * 8760)
    tables = EU_2008_50 + EU_2024_2881 + WHO_2021
    yearly = [
        r
        for r in assess_thresholds(Pollutant.NO2, hourly, tables, window=YEAR)
        if r.threshold.averaging is Averaging.YEAR
    ]
    verdicts = {r.threshold.value: r.exceeded for r in yearly}
    assert verdicts == {40: False, 20: True, 10: True}
    assert all(r.statistic.unit is Unit.MICROGRAM_PER_M3 for r in yearly)


def running_means_by_definition(samples: list[HourlySample]) -> list[HourlySample]:
    """Each hour from the first to 7 h after the last: the mean of the values of the 8 hours
    ending with it, from the last one backwards, when at least 6 are present."""
    by_hour = {s.hour_start: s.value for s in samples}
    if not by_hour:
        return []
    means, hour = [], min(by_hour)
    while hour <= max(by_hour) + 7 * timedelta(hours=1):
        window = [
            by_hour[h] for h in (hour - i * timedelta(hours=1) for i in range(8)) if h in by_hour
        ]
        if len(window) >= 6:
            means.append(HourlySample(hour, sum(window) / len(window)))
        hour += timedelta(hours=1)
    return means


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.none() | st.floats(0, 500, allow_nan=False), max_size=72),
    gaps=st.lists(st.integers(0, 71), max_size=6),
)
def test_running_8h_means_are_those_of_the_definition_to_the_last_bit(
    values: list[float | None], gaps: list[int]
) -> None:
    start = datetime(2026, 3, 28, 20, tzinfo=UTC)  # across the spring clock change
    samples = [
        HourlySample(start + timedelta(hours=h), v)
        for h, v in enumerate(values)
        if v is not None and h not in gaps
    ]
    assert running_8h_means(samples) == running_means_by_definition(samples)
