"""Lighting energy, burning hours, failures, whole-night savings and the 2018 arrêté checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from convergence.indicators.lighting import (
    LampState,
    SwitchEvent,
    burning_hours,
    daily_energy,
    extinction_savings_kwh,
    lamps_out_of_service,
    monthly_energy,
    savings_against_whole_night,
    whole_night_hours,
)
from convergence.indicators.lighting_rules import (
    check_luminaire,
    curfew_window,
    lit_during_curfew,
)
from convergence.indicators.regulations.lighting import CAR_PARK_MARGIN
from convergence.indicators.results import Unit
from convergence.indicators.sun import sun_times
from convergence.indicators.timewindows import (
    HourlySample,
    TimeWindow,
    local_day_window,
    local_wall_time,
)

PARIS = ZoneInfo("Europe/Paris")
LON, LAT = 2.3522, 48.8566  # Paris, Notre-Dame


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def test_sunrise_and_sunset_at_the_summer_solstice() -> None:
    # Hand computation (NOAA equations) for 2026-06-21 at 48.8566 N, 2.3522 E:
    # declination δ ≈ 23.44°, equation of time ≈ −1.7 min.
    # cos H = (cos 90.833° − sin φ sin δ) / (cos φ cos δ)
    #       = (−0.01454 − 0.7529 × 0.3978) / (0.6581 × 0.9175) = −0.3140 / 0.6038 = −0.5201
    # H = 121.34° = 8 h 05.4 min. Solar noon = 12:00 − 4 × 2.3522 min + 1.7 min = 11:52.3 UTC.
    # Sunrise = 11:52.3 − 8:05.4 = 03:46.9 UTC = 05:46.9 CEST;
    # sunset = 11:52.3 + 8:05.4 = 19:57.7 UTC = 21:57.7 CEST.
    times = sun_times(date(2026, 6, 21), LON, LAT)
    assert abs(times.sunrise - local(date(2026, 6, 21), 5, 47)) < timedelta(minutes=2)
    assert abs(times.sunset - local(date(2026, 6, 21), 21, 58)) < timedelta(minutes=2)


def test_sunrise_and_sunset_at_the_winter_solstice() -> None:
    # δ ≈ −23.44°: cos H = (−0.01454 + 0.2995) / 0.6038 = 0.4719 -> H = 61.84° = 4 h 07.4 min.
    # Equation of time ≈ +2.0 min: noon = 12:00 − 9.4 − 2.0 = 11:48.6 UTC.
    # Sunrise 07:41.2 UTC = 08:41 CET; sunset 15:56.0 UTC = 16:56 CET.
    times = sun_times(date(2026, 12, 21), LON, LAT)
    assert abs(times.sunrise - local(date(2026, 12, 21), 8, 41)) < timedelta(minutes=2)
    assert abs(times.sunset - local(date(2026, 12, 21), 16, 56)) < timedelta(minutes=2)


def test_daily_energy_sums_the_hours_of_the_local_day() -> None:
    # 2026-03-29 has 23 hours: 13 lit hours at 10 kWh and 10 dark hours at 0 -> 130 kWh,
    # complete with 23 of 23 hours.
    day = date(2026, 3, 29)
    hours = local_day_window(day).hour_starts()
    samples = [HourlySample(h, 10.0 if i < 7 or i >= 17 else 0.0) for i, h in enumerate(hours)]
    energy = daily_energy(samples, day)
    assert (energy.value, energy.unit) == (130.0, Unit.KWH)
    assert (energy.completeness.expected, energy.completeness.complete) == (23, True)


def test_monthly_energy_flags_missing_hours() -> None:
    # February 2026: 28 × 24 = 672 hours; one missing -> 671 kWh at 1 kWh/h, incomplete.
    window = local_day_window(date(2026, 2, 1))
    start = window.start_utc
    samples = [HourlySample(start + timedelta(hours=i), 1.0) for i in range(672) if i != 100]
    energy = monthly_energy(samples, 2026, 2)
    assert energy.value == 671.0
    assert (energy.completeness.present, energy.completeness.expected) == (671, 672)
    assert not energy.completeness.complete


def test_burning_hours_from_switch_events() -> None:
    # Window 12:00Z → 12:00Z next day. On 17:30–23:00 (5.5 h) and 04:00–06:30 (2.5 h): 8 h.
    start = datetime(2026, 1, 10, 12, tzinfo=UTC)
    window = TimeWindow(start, start + timedelta(days=1))
    events = [
        SwitchEvent(start + timedelta(hours=5.5), True),
        SwitchEvent(start + timedelta(hours=11), False),
        SwitchEvent(start + timedelta(hours=16), True),
        SwitchEvent(start + timedelta(hours=18.5), False),
    ]
    known = burning_hours(events, window, initially_on=False)
    assert (known.value, known.completeness.complete) == (8.0, True)
    # Unknown state before the first event: 5.5 h of 24 not known -> 18.5 / 24 covered.
    unknown = burning_hours(events, window)
    assert unknown.value == 8.0
    assert unknown.completeness.present == pytest.approx(18.5)


def test_lamps_out_of_service() -> None:
    # 7 on, 2 failed, 1 unknown: 2 out of 9 known points = 22.2 %; 9 of 10 points known.
    states = [LampState.ON] * 7 + [LampState.FAILED] * 2 + [LampState.UNKNOWN]
    result = lamps_out_of_service(states)
    assert result.out.value == 2
    assert result.ratio.value == pytest.approx(22.22, abs=0.01)
    assert result.ratio.completeness.ratio == pytest.approx(0.9)


def test_savings_against_the_whole_night_baseline() -> None:
    # Night of 2026-06-21: sunset 21:58 CEST, sunrise on the 22nd 05:47 CEST -> 7 h 49 min
    # = 7.82 h. Installed 10 kW: baseline 78.2 kWh. Measured 50 kWh (extinction 1 h–4 h):
    # saved 28.2 kWh = 36 % of the baseline.
    night = date(2026, 6, 21)
    assert whole_night_hours(night, night, LON, LAT) == pytest.approx(7.82, abs=0.05)
    measured = daily_energy(
        [HourlySample(h, 50.0 / 24) for h in local_day_window(night).hour_starts()], night
    )
    result = savings_against_whole_night(
        measured, installed_power_w=10_000, first_night=night, last_night=night, lon=LON, lat=LAT
    )
    assert result.baseline.value == pytest.approx(78.2, abs=0.5)
    assert result.saved.value == pytest.approx(28.2, abs=0.5)
    assert result.saved_share.value == pytest.approx(36.1, abs=0.5)


def test_extinction_savings_are_clipped_to_the_night() -> None:
    # 10 kW switched off 01:00–06:30 CEST on 22 June 2026: sunrise is 05:47, so only
    # 01:00–05:47 = 4 h 47 min = 4.78 h saves energy -> 47.8 kWh.
    # 23:00–05:00 on the winter night of 21 December lies wholly in the night: 6 h -> 60 kWh.
    summer = TimeWindow(local_wall_time(date(2026, 6, 22), 1), local(date(2026, 6, 22), 6, 30))
    winter = TimeWindow(
        local_wall_time(date(2026, 12, 21), 23), local_wall_time(date(2026, 12, 22), 5)
    )
    assert extinction_savings_kwh(
        installed_power_w=10_000, off_windows=[summer], lon=LON, lat=LAT
    ).value == pytest.approx(47.8, abs=0.4)
    assert extinction_savings_kwh(
        installed_power_w=10_000, off_windows=[winter], lon=LON, lat=LAT
    ).value == pytest.approx(60.0)


def test_luminaire_checks_of_the_2018_arrete() -> None:
    # 3000 K is allowed (≤ 3000 K), 3001 K is not. ULR: new < 1 % (1.0 fails), existing ≤ 4 %.
    cct, ulr = check_luminaire(colour_temperature_k=3000, ulr_percent=1.0, new_installation=True)
    assert (cct.compliant, ulr.compliant) == (True, False)
    cct, ulr = check_luminaire(colour_temperature_k=3001, ulr_percent=4.0, new_installation=False)
    assert (cct.compliant, ulr.compliant) == (False, True)
    assert "27 décembre 2018" in cct.rule


def test_curfew_times() -> None:
    # Activity ends 19:00: 19:00 + 1 h = 20:00 is earlier than 01:00 -> off at 01:00.
    # Activity ends 00:30: 01:30 is later than 01:00 -> off at 01:30.
    # Activity starts 06:30: 05:30 is earlier than 07:00 -> on again from 05:30.
    assert curfew_window(activity_end=time(19)) == curfew_window()
    assert curfew_window().off_from == time(1)
    assert curfew_window(activity_end=time(0, 30)).off_from == time(1, 30)
    assert curfew_window(activity_start=time(6, 30)).on_from == time(5, 30)
    # Car park: activity ends 19:00, off 2 h later at 21:00 whatever the clock limit.
    car_park = curfew_window(activity_end=time(19), end_margin=CAR_PARK_MARGIN, latest_off=None)
    assert car_park.off_from == time(21)


def test_lighting_during_the_curfew_is_a_breach() -> None:
    # Curfew 01:00–07:00 CET on the night of 2026-01-10; lit 18:00 until 02:00 -> 1 h lit.
    night = date(2026, 1, 10)
    events = [
        SwitchEvent(local(night, 18), True),
        SwitchEvent(local(night + timedelta(days=1), 2), False),
    ]
    lit, compliant = lit_during_curfew(events, night, curfew_window(), initially_on=False)
    assert lit.value == pytest.approx(1.0)
    assert compliant is False
    off_early = [SwitchEvent(local(night, 18), True), SwitchEvent(local(night, 23), False)]
    assert lit_during_curfew(off_early, night, curfew_window(), initially_on=False)[1] is True
