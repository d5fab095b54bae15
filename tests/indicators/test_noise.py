"""Ld, Le, Ln, Lden (Directive 2002/49/EC annex I, French periods), bands and limits."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convergence.errors import InvalidInput
from convergence.indicators.noise import (
    HourlyEnergy,
    LaeqSample,
    annual_noise_levels_from_energy,
    check_noise_limits,
    energetic_mean,
    energy_of,
    exposure_band,
    lden_from_levels,
    noise_levels,
    noise_levels_from_energy,
)
from convergence.indicators.regulations.noise import (
    FR_LIMITS,
    WHO_2018,
    NoiseIndicator,
    NoiseSource,
)
from convergence.indicators.results import Unit
from convergence.indicators.timewindows import local_wall_time, local_year_window

DAY = date(2026, 6, 15)  # CEST (UTC+2)
ONE_HOUR = timedelta(hours=1)


def hourly_day_profile() -> list[LaeqSample]:
    """24 hourly LAeq from 06:00 local on the 15th to 06:00 local on the 16th."""
    start = local_wall_time(DAY, 6)  # 2026-06-15T04:00Z
    levels = [62.0, 68.0] * 6 + [60.0] * 4 + [60.0, 70.0] * 4  # day 12 h, evening 4 h, night 8 h
    return [LaeqSample(start + i * ONE_HOUR, ONE_HOUR, lv) for i, lv in enumerate(levels)]


def test_lden_from_24_hourly_laeq_to_a_tenth_of_a_decibel() -> None:
    # Ld  = 10·log10((10^6.2 + 10^6.8) / 2) = 10·log10((1 584 893 + 6 309 573) / 2)
    #     = 10·log10(3 947 233) = 65.96 dB (an arithmetic mean would wrongly give 65.0).
    # Le  = 60.0 dB (four hours at 60).
    # Ln  = 10·log10((10^6 + 10^7) / 2) = 10·log10(5 500 000) = 67.40 dB. The night runs
    #       22:00 on the 15th to 06:00 on the 16th, across midnight, and belongs to the 15th.
    # Lden = 10·log10((12·10^(Ld/10) + 4·10^((Le+5)/10) + 8·10^((Ln+10)/10)) / 24)
    #      = 10·log10((12·3 947 233 + 4·3 162 278 + 8·55 000 000) / 24)
    #      = 10·log10((47 366 800 + 12 649 111 + 440 000 000) / 24)
    #      = 10·log10(20 833 996) = 73.19 dB -> 73.2 dB.
    levels = noise_levels(hourly_day_profile(), DAY)
    assert levels.ld.value == pytest.approx(65.96, abs=0.01)
    assert levels.le.value == pytest.approx(60.0, abs=0.01)
    assert levels.ln.value == pytest.approx(67.40, abs=0.01)
    assert round(levels.lden.value or 0, 1) == 73.2
    assert levels.lden.unit is Unit.DECIBEL_A
    assert "2002/49" in levels.lden.rule
    assert levels.lden.completeness.complete


def test_the_rollup_form_gives_the_same_levels_without_arithmetic_averaging() -> None:
    # Each hour as the rollup stores it: Σ10^(L/10) over n samples. Splitting each hour
    # into 60 one-minute samples at the same level gives energy_sum = 60·10^(L/10), n = 60:
    # the level of the hour is 10·log10(60·10^(L/10) / 60) = L, so the same Ld, Le, Ln, Lden.
    hours = [HourlyEnergy(s.start, 60 * energy_of(s.level), 60) for s in hourly_day_profile()]
    direct = noise_levels(hourly_day_profile(), DAY)
    rolled = noise_levels_from_energy(hours, DAY, samples_per_hour=60)
    for a, b in [(direct.ld, rolled.ld), (direct.ln, rolled.ln), (direct.lden, rolled.lden)]:
        assert a.value == pytest.approx(b.value, abs=1e-9)
    assert rolled.ln.completeness.ratio == 1.0


def test_within_an_hour_the_rollup_sums_energy_not_decibels() -> None:
    # One night hour of 30 one-minute samples at 50 dB and 30 at 70 dB:
    # energy_sum = 30·10^5 + 30·10^7 = 303 000 000, n = 60 ->
    # level = 10·log10(303 000 000 / 60) = 10·log10(5 050 000) = 67.03 dB (not 60).
    # Only 1 of the 8 night hours is present: completeness 1/8 = 12.5 % < 75 %.
    hour = HourlyEnergy(local_wall_time(DAY, 23), 30 * 1e5 + 30 * 1e7, 60)
    levels = noise_levels_from_energy([hour], DAY, samples_per_hour=60)
    assert levels.ln.value == pytest.approx(67.03, abs=0.01)
    assert levels.ln.completeness.ratio == pytest.approx(1 / 8)
    assert not levels.ln.completeness.complete
    assert levels.ld.value is None
    assert levels.lden.value is None


def test_partial_hours_count_in_proportion_with_samples_per_hour() -> None:
    # Six night hours with 45 of 60 minutes each: covered 6 × 0.75 = 4.5 h of 8 -> 56 %.
    hours = [HourlyEnergy(local_wall_time(DAY, 22 + i), 45 * 1e5, 45) for i in range(6)]
    ln = noise_levels_from_energy(hours, DAY, samples_per_hour=60).ln
    assert ln.value == pytest.approx(50.0)
    assert ln.completeness.present == pytest.approx(4.5)
    assert not ln.completeness.complete


def test_the_9_hour_autumn_night_is_averaged_over_its_nine_hours() -> None:
    # Night of 2026-10-24: 22:00 CEST (20:00Z) to 06:00 CET (05:00Z) = 9 hourly LAeq.
    # Eight hours at 50 dB and one at 59.54 dB (energy 10^5.954 = 899 498 ≈ 9·10^5):
    # Ln = 10·log10((8·10^5 + 899 498) / 9) = 10·log10(188 833) = 52.76 dB,
    # covered 9 of 9 hours.
    night_start = datetime(2026, 10, 24, 20, tzinfo=UTC)
    levels = [50.0] * 8 + [59.54]
    samples = [LaeqSample(night_start + i * ONE_HOUR, ONE_HOUR, lv) for i, lv in enumerate(levels)]
    ln = noise_levels(samples, date(2026, 10, 24)).ln
    assert ln.value == pytest.approx(52.76, abs=0.01)
    assert (ln.completeness.present, ln.completeness.expected) == (9, 9)


def test_the_7_hour_spring_night_is_complete_with_its_seven_hours() -> None:
    # Night of 2026-03-28: 22:00 CET (21:00Z) to 06:00 CEST (04:00Z) = 7 hours expected.
    night_start = datetime(2026, 3, 28, 21, tzinfo=UTC)
    samples = [LaeqSample(night_start + i * ONE_HOUR, ONE_HOUR, 45.0) for i in range(7)]
    ln = noise_levels(samples, date(2026, 3, 28)).ln
    assert ln.value == pytest.approx(45.0)
    assert (ln.completeness.expected, ln.completeness.complete) == (7, True)


def test_samples_are_weighted_by_duration() -> None:
    # Day period: 45 min at 60 dB and 15 min at 70 dB:
    # L = 10·log10((45·10^6 + 15·10^7) / 60) = 10·log10(3 250 000) = 65.12 dB.
    start = local_wall_time(DAY, 10)
    samples = [
        LaeqSample(start, timedelta(minutes=45), 60.0),
        LaeqSample(start + timedelta(minutes=45), timedelta(minutes=15), 70.0),
    ]
    assert noise_levels(samples, DAY).ld.value == pytest.approx(65.12, abs=0.01)


def test_a_sample_straddling_two_periods_is_refused() -> None:
    # 17:30–18:30 local covers the end of the day period and the start of the evening.
    sample = LaeqSample(local_wall_time(DAY, 17) + timedelta(minutes=30), ONE_HOUR, 60.0)
    with pytest.raises(InvalidInput):
        noise_levels([sample], DAY)


def test_lden_formula_with_equal_levels() -> None:
    # Ld = Le = Ln = 60: Lden = 60 + 10·log10((12 + 4·10^0.5 + 8·10^1) / 24)
    #                  = 60 + 10·log10((12 + 12.649 + 80) / 24) = 60 + 6.40 = 66.40 dB.
    assert lden_from_levels(60, 60, 60) == pytest.approx(66.40, abs=0.01)


@pytest.mark.parametrize(
    ("indicator", "level", "label"),
    [
        # Arrêté du 4 avril 2006 art. 4-IV: [55;60[ ... ≥ 75 for Lden, [50;55[ ... ≥ 70 for Ln.
        (NoiseIndicator.LDEN, 54.9, "< 55"),
        (NoiseIndicator.LDEN, 55.0, "[55;60["),
        (NoiseIndicator.LDEN, 64.9, "[60;65["),
        (NoiseIndicator.LDEN, 65.0, "[65;70["),
        (NoiseIndicator.LDEN, 75.0, "≥ 75"),
        (NoiseIndicator.LN, 62.0, "[60;65["),
        (NoiseIndicator.LN, 70.0, "≥ 70"),
    ],
)
def test_exposure_bands(indicator: NoiseIndicator, level: float, label: str) -> None:
    assert exposure_band(indicator, level).label == label


def test_annual_levels_against_french_road_limits_and_who_guidelines() -> None:
    # A whole year of hourly rollups at a constant 60 dB(A):
    # Ld = Le = Ln = 60, Lden = 66.40 (see the formula test). Road limits (arrêté du
    # 4 avril 2006): Lden 66.4 <= 68 not exceeded; Ln 60 <= 62 not exceeded.
    # WHO 2018 road: Lden 66.4 > 53 exceeded; Ln 60 > 45 exceeded.
    year = local_year_window(2026)
    hours = [HourlyEnergy(h, 1e6, 1) for h in year.hour_starts()]
    levels = annual_noise_levels_from_energy(hours, 2026)
    assert levels.is_annual
    road = [x for x in FR_LIMITS + WHO_2018 if x.source is NoiseSource.ROAD]
    verdicts = {
        (c.limit.citation.text[:3], c.limit.indicator): c.exceeded
        for c in check_noise_limits(levels, road)
    }
    assert verdicts == {
        ("Arr", NoiseIndicator.LDEN): False,
        ("Arr", NoiseIndicator.LN): False,
        ("OMS", NoiseIndicator.LDEN): True,
        ("OMS", NoiseIndicator.LN): True,
    }
    assert not any(c.indicative for c in check_noise_limits(levels, road))


def test_a_daily_level_gives_only_an_indicative_limit_check() -> None:
    # Lden 73.2 > 68 on one day: exceeded, but indicative (limits apply to annual levels).
    checks = check_noise_limits(noise_levels(hourly_day_profile(), DAY), FR_LIMITS[:1])
    assert (checks[0].exceeded, checks[0].indicative) == (True, True)


levels_db = st.floats(min_value=0, max_value=140, allow_nan=False)


@given(st.lists(levels_db, min_size=1, max_size=50))
def test_energetic_mean_lies_between_min_and_max_and_above_the_arithmetic_mean(
    levels: list[float],
) -> None:
    mean = energetic_mean(levels)
    assert min(levels) - 1e-9 <= mean <= max(levels) + 1e-9
    assert mean >= sum(levels) / len(levels) - 1e-9


@given(levels_db, levels_db, levels_db)
def test_lden_lies_between_the_lowest_and_the_highest_penalised_level(
    ld: float, le: float, ln: float
) -> None:
    lden = lden_from_levels(ld, le, ln)
    assert min(ld, le + 5, ln + 10) - 1e-9 <= lden <= max(ld, le + 5, ln + 10) + 1e-9
    assert math.isfinite(lden)
