"""Simulated energy meters: street-lighting cabinets and charge points, power and index.

The ``energy`` quantity is a meter index (kWh) that only grows. To stay a pure function of
the instant, each UTC day gets a budget with a closed-form running total (the index at
midnight), and the day's budget is spread over the day following its power profile: the
index is exact and non-decreasing whatever window is simulated.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from convergence.simulation.sensors import SeriesContext
from convergence.simulation.signals import DAY_S, EPOCH_WEEKDAY, Draws, Floats, Ints, TimeGrid

ORIGIN_DAY = 10_957  # 2000-01-01: the meters were installed then
NIGHT_AMPLITUDE_H = 3.95  # at 48.8° N, nights last 8.1 h in June and 15.9 h in December
SOLAR_MIDNIGHT_UTC = 23.85  # about 2.2° E
WINTER_SOLSTICE_DAY = 354  # 1970-12-21
YEAR_DAYS = 365.2422
STANDBY_W = 15.0
CHARGING_WEEK = np.array([1.0, 1.0, 1.0, 1.05, 1.1, 0.95, 0.9])  # Monday first


def night_hours(utc_day: Ints | Floats) -> Floats:
    """Length of the night (sunset to sunrise) of a UTC day, in hours."""
    angle = 2 * np.pi * (np.asarray(utc_day, dtype=np.float64) - WINTER_SOLSTICE_DAY) / YEAR_DAYS
    result: Floats = 12 + NIGHT_AMPLITUDE_H * np.cos(angle)
    return result


def _night_hours_before(day: int) -> float:
    """Σ night_hours(k) for k in [ORIGIN_DAY, day), in closed form."""
    omega = 2 * np.pi / YEAR_DAYS

    def cos_sum(n: int) -> float:  # Σ_{k<n} cos(ω(k − solstice))
        return float(
            np.sin(n * omega / 2)
            / np.sin(omega / 2)
            * np.cos(omega * (n - 1) / 2 - omega * WINTER_SOLSTICE_DAY)
        )

    return 12.0 * (day - ORIGIN_DAY) + NIGHT_AMPLITUDE_H * (cos_sum(day) - cos_sum(ORIGIN_DAY))


def _lighting_weights(utc_hour: Floats, night: Floats | float, full_w: float) -> Floats:
    """Power drawn at each hour: full, halved in the six darkest hours, standby by day."""
    distance = np.abs((utc_hour - SOLAR_MIDNIGHT_UTC + 12) % 24 - 12)
    on = np.where(distance < 3.0, 0.5 * full_w, full_w)
    result: Floats = np.where(distance < np.asarray(night) / 2, on, STANDBY_W)
    return result


def lighting_power(grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """Active power of a lighting cabinet, W."""
    full = ctx.params["full_w"]
    power = _lighting_weights(grid.utc_hour, night_hours(grid.utc_day), full)
    result: Floats = np.round(power * (1 + 0.015 * d.normal))
    return result


def lighting_budget_before(day: int, full_w: float) -> float:
    """kWh consumed from ORIGIN_DAY to the start of ``day`` (closed form)."""
    nights = _night_hours_before(day)
    days = day - ORIGIN_DAY
    return ((full_w - STANDBY_W) * nights + (24 * STANDBY_W - 3 * full_w) * days) / 1000


def lighting_energy(grid: TimeGrid, ctx: SeriesContext) -> Floats:
    """Meter index of a lighting cabinet, kWh."""
    full = ctx.params["full_w"]

    def day_profile(day: int, hours: Floats) -> Floats:
        return _lighting_weights(hours, float(night_hours(np.array([day]))[0]), full)

    def budget_before(day: int) -> float:
        return lighting_budget_before(day, full)

    return _index(grid, ctx, day_profile, budget_before)


def _charging_budget(day: int, daily_kwh: float) -> float:
    return daily_kwh * float(CHARGING_WEEK[(day + EPOCH_WEEKDAY) % 7])


def charging_budget_before(day: int, daily_kwh: float) -> float:
    """kWh delivered from ORIGIN_DAY to the start of ``day`` (closed form, weekly pattern)."""
    weeks, rest = divmod(day - ORIGIN_DAY, 7)
    first = ORIGIN_DAY + 7 * weeks
    partial = sum(_charging_budget(first + k, daily_kwh) for k in range(rest))
    return weeks * daily_kwh * float(CHARGING_WEEK.sum()) + partial


def _sessions(ctx: SeriesContext, day: int) -> list[tuple[float, float]]:
    """(start hour, duration hours) of the day's charging sessions, delivering its budget."""
    rng = np.random.default_rng([ctx.seed, ctx.series, day, 3])
    count = 1 + min(int(rng.poisson(1.3)), 5)
    hours = _charging_budget(day, ctx.params["daily_kwh"]) / ctx.params["level_kw"]
    durations = hours * rng.dirichlet(np.ones(count))
    starts = rng.uniform(5.0, 21.0, size=count)
    return list(zip(starts.tolist(), durations.tolist(), strict=True))


def _charging_profile(ctx: SeriesContext, day: int, hours: Floats) -> Floats:
    power = np.zeros(hours.shape)
    for start, duration in _sessions(ctx, day):
        power += np.where(
            (hours >= start) & (hours < start + duration), 1000 * ctx.params["level_kw"], 0.0
        )
    return power


def charging_power(grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """Active power of a charge point, W (0 between sessions)."""
    power = np.empty(len(grid.epoch_s))
    for day in np.unique(grid.utc_day):
        mask = grid.utc_day == day
        power[mask] = _charging_profile(ctx, int(day), grid.utc_hour[mask])
    result: Floats = np.round(power * (1 + 0.01 * d.normal))
    return result


def charging_energy(grid: TimeGrid, ctx: SeriesContext) -> Floats:
    """Meter index of a charge point, kWh."""

    def day_profile(day: int, hours: Floats) -> Floats:
        return _charging_profile(ctx, day, hours) + 1.0  # never an all-zero day

    def budget_before(day: int) -> float:
        return charging_budget_before(day, ctx.params["daily_kwh"])

    return _index(grid, ctx, day_profile, budget_before)


def _index(
    grid: TimeGrid,
    ctx: SeriesContext,
    day_profile: Callable[[int, Floats], Floats],
    budget_before: Callable[[int], float],
) -> Floats:
    """base(day) + budget(day) × share of the day's profile consumed by each instant."""
    per_day = DAY_S // ctx.step_s
    index = np.empty(len(grid.epoch_s))
    for day in np.unique(grid.utc_day):
        mask = grid.utc_day == day
        phase = int(grid.epoch_s[mask][0] - day * DAY_S) % ctx.step_s
        hours = (phase + np.arange(per_day) * ctx.step_s) / 3600
        weights = day_profile(int(day), hours)
        share = np.cumsum(weights) / weights.sum()
        start = budget_before(int(day))
        budget = budget_before(int(day) + 1) - start
        index[mask] = ctx.params["initial_kwh"] + start + budget * share[grid.position[mask]]
    result: Floats = np.round(index, 3)
    return result
