"""Street-lighting indicators: energy, burning hours, lamps out of service and savings.

Energy comes from feeder (armoire) meters: the index difference over the period,
interpolated at its bounds (``instants.index_difference``), else hourly kWh from the mean
power; burning hours come from the on/off state and its durations (``instants.time_on``).
Savings compare the energy with a
whole-night baseline (installed power × sunset-to-sunrise hours, NOAA equations in ``sun``).
The luminaire and schedule checks follow the arrêté du 27 décembre 2018.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from convergence.errors import InvalidInput
from convergence.indicators.instants import Instant, index_difference, time_on
from convergence.indicators.regulations.lighting import (
    BURNING_HOURS,
    FAILURE_RATE,
    LIGHTING_ENERGY,
    WHOLE_NIGHT_BASELINE,
)
from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.sun import night_after
from convergence.indicators.timewindows import (
    HOUR,
    HourlySample,
    TimeWindow,
    as_utc,
    days_between,
    in_window,
    local_day_window,
    local_days_window,
)
from convergence.paris_time import PARIS

ENERGY_REQUIRED_RATIO = 1.0  # a missing meter hour would understate consumption


def energy_over(
    hourly_kwh: Sequence[HourlySample], window: TimeWindow, *, required_ratio: float = 1.0
) -> Measure:
    """kWh consumed over a window: sum of hourly meter deltas, completeness in hours."""
    hours = {s.hour_start: s.value for s in in_window(hourly_kwh, window)}
    completeness = Completeness(len(hours), round(window.hours), required_ratio, "heures")
    value = sum(hours.values()) if hours else None
    return Measure(value, Unit.KWH, LIGHTING_ENERGY.text, completeness)


def energy_from_index(
    index: Sequence[Instant], window: TimeWindow, *, required_ratio: float = ENERGY_REQUIRED_RATIO
) -> Measure:
    """kWh of a window: meter index at its end minus index at its start (interpolated).

    Completeness in hours: the window's hours lying between two readings of a rising index.
    """
    found = index_difference(index, window)
    done = Completeness(found.covered_hours, found.window_hours, required_ratio, "heures")
    return Measure(found.value, Unit.KWH, LIGHTING_ENERGY.text, done)


def burning_hours_from_states(states: Sequence[Instant], window: TimeWindow) -> Measure:
    """Hours switched on in a window: from each « on » to the following « off », clipped.

    Completeness in hours: the window's hours whose state is known.
    """
    found = time_on(states, window)
    done = Completeness(found.covered_hours, found.window_hours, 1.0, "heures")
    return Measure(found.value, Unit.HOUR, BURNING_HOURS.text, done)


def daily_energy(hourly_kwh: Sequence[HourlySample], day: date, tz: ZoneInfo = PARIS) -> Measure:
    """kWh of a local day (23, 24 or 25 hours)."""
    return energy_over(hourly_kwh, local_day_window(day, tz), required_ratio=ENERGY_REQUIRED_RATIO)


def monthly_energy(
    hourly_kwh: Sequence[HourlySample], year: int, month: int, tz: ZoneInfo = PARIS
) -> Measure:
    """kWh of a local calendar month."""
    last = date(year, month, calendar.monthrange(year, month)[1])
    window = local_days_window(date(year, month, 1), last, tz)
    return energy_over(hourly_kwh, window, required_ratio=ENERGY_REQUIRED_RATIO)


@dataclass(frozen=True, slots=True)
class SwitchEvent:
    """A lamp or feeder switched on (True) or off (False) at an instant."""

    at: datetime
    on: bool

    def __post_init__(self) -> None:
        as_utc(self.at, "at")


def burning_hours(
    events: Sequence[SwitchEvent], window: TimeWindow, *, initially_on: bool | None = None
) -> Measure:
    """Hours switched on inside a window, from on/off events.

    Before the first event the state is ``initially_on``; when unknown (None) that stretch
    is not counted and lowers the completeness (time with a known state ÷ window).
    """
    ordered = sorted(events, key=lambda e: as_utc(e.at))
    state, cursor = initially_on, window.start_utc
    on_time = known = timedelta(0)
    for event in [e for e in ordered if as_utc(e.at) < window.end_utc]:
        instant = max(as_utc(event.at), window.start_utc)
        if state is not None:
            known += instant - cursor
            on_time += (instant - cursor) if state else timedelta(0)
        state, cursor = event.on, instant
    if state is not None:
        known += window.end_utc - cursor
        on_time += (window.end_utc - cursor) if state else timedelta(0)
    completeness = Completeness(known / HOUR, window.hours, 1.0, "heures")
    return Measure(on_time / HOUR, Unit.HOUR, LIGHTING_ENERGY.text, completeness)


class LampState(StrEnum):
    """Last known state of a light point."""

    ON = "on"
    OFF = "off"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class LampsOut:
    """Light points out of service, as a count and a share of the points with a known state."""

    out: Measure
    ratio: Measure


def lamps_out_of_service(states: Sequence[LampState]) -> LampsOut:
    """Failure rate = points out of service ÷ points with a known state (× 100)."""
    known = [s for s in states if s is not LampState.UNKNOWN]
    failed = sum(1 for s in known if s is LampState.FAILED)
    completeness = Completeness(len(known), len(states), 1.0, "points")
    share = 100 * failed / len(known) if known else None
    return LampsOut(
        Measure(failed, Unit.COUNT, FAILURE_RATE.text, completeness),
        Measure(share, Unit.PERCENT, FAILURE_RATE.text, completeness),
    )


def whole_night_hours(first_night: date, last_night: date, lon: float, lat: float) -> float:
    """Hours from sunset to next sunrise summed over the nights starting first..last."""
    total = timedelta(0)
    for day in days_between(first_night, last_night):
        sunset, sunrise = night_after(day, lon, lat)
        total += sunrise - sunset
    return total / HOUR


@dataclass(frozen=True, slots=True)
class Savings:
    """Energy against the whole-night baseline: baseline, measured, saved and saved share."""

    baseline: Measure
    measured: Measure
    saved: Measure
    saved_share: Measure


def savings_against_whole_night(
    measured: Measure,
    *,
    installed_power_w: float,
    first_night: date,
    last_night: date,
    lon: float,
    lat: float,
) -> Savings:
    """Saved kWh = installed power × whole-night hours − measured kWh, and its share (%).

    The measured energy must cover the same nights (e.g. a month's meter energy against
    the nights starting in that month); its completeness carries over to the savings.
    """
    if installed_power_w < 0 or measured.unit is not Unit.KWH:
        raise InvalidInput("savings need a non-negative power and a measured energy in kWh")
    hours = whole_night_hours(first_night, last_night, lon, lat)
    baseline_kwh = installed_power_w * hours / 1000
    done = measured.completeness
    baseline = Measure(baseline_kwh, Unit.KWH, WHOLE_NIGHT_BASELINE.text, done)
    if measured.value is None or baseline_kwh == 0:
        empty = Measure(None, Unit.KWH, WHOLE_NIGHT_BASELINE.text, done)
        return Savings(baseline, measured, empty, Measure(None, Unit.PERCENT, empty.rule, done))
    saved = baseline_kwh - measured.value
    return Savings(
        baseline,
        measured,
        Measure(saved, Unit.KWH, WHOLE_NIGHT_BASELINE.text, done),
        Measure(100 * saved / baseline_kwh, Unit.PERCENT, WHOLE_NIGHT_BASELINE.text, done),
    )


def extinction_savings_kwh(
    *,
    installed_power_w: float,
    off_windows: Sequence[TimeWindow],
    lon: float,
    lat: float,
    tz: ZoneInfo = PARIS,
) -> Measure:
    """kWh saved by switching off during windows (e.g. 23:00–05:00), clipped to the night.

    Only the part of each window between sunset and sunrise saves energy compared with a
    whole-night operation.
    """
    saved = timedelta(0)
    for window in off_windows:
        local_day = as_utc(window.start_utc).astimezone(tz).date()
        for day in (local_day - timedelta(days=1), local_day):
            sunset, sunrise = night_after(day, lon, lat)
            start, end = max(sunset, window.start_utc), min(sunrise, window.end_utc)
            saved += max(end - start, timedelta(0))
    completeness = Completeness(len(off_windows), len(off_windows), 1.0, "nuits")
    kwh = installed_power_w * (saved / HOUR) / 1000
    return Measure(kwh, Unit.KWH, WHOLE_NIGHT_BASELINE.text, completeness)
