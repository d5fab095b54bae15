"""Signals of a simulated territory: the sample grid, Paris calendar features and daily noise.

Everything is a pure function of (seed, series index, instant): the random draws of a series
come from a generator seeded by (seed, series, UTC day), always drawn for the whole day and
picked by position, so any window of any length gives the same value at the same instant.
Paris local time follows the EU rule (last Sundays of March and October at 01:00 UTC),
which is Europe/Paris since 1996.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
DAY_S = 86_400
HOUR_S = 3_600
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)


@cache
def _summer_time(year: int) -> tuple[int, int]:
    """Epoch seconds of the start and end of summer time in ``year`` (EU rule)."""
    return _last_sunday_0100(year, 3), _last_sunday_0100(year, 10)


def _last_sunday_0100(year: int, month: int) -> int:
    first_of_next = np.datetime64(f"{year}-{month + 1:02d}-01").astype("datetime64[D]")
    day = int(first_of_next.astype(np.int64)) - 1
    while (day + EPOCH_WEEKDAY) % 7 != 6:
        day -= 1
    return day * DAY_S + HOUR_S


def paris_offset(epoch_s: Ints) -> Ints:
    """UTC offset of Europe/Paris, in seconds, at each instant (3600 or 7200)."""
    years = epoch_s.astype("datetime64[s]").astype("datetime64[Y]").astype(np.int64) + 1970
    offsets = np.full(epoch_s.shape, HOUR_S, dtype=np.int64)
    for year in np.unique(years):
        start, end = _summer_time(int(year))
        summer = (years == year) & (epoch_s >= start) & (epoch_s < end)
        offsets[summer] = 2 * HOUR_S
    return offsets


@dataclass(frozen=True, slots=True)
class TimeGrid:
    """The sample instants of one series in a window, with their calendar features."""

    epoch_s: Ints
    utc_day: Ints  # days since 1970-01-01 (UTC), the block of random draws
    position: Ints  # index of the sample within its UTC day
    local_hour: Floats  # Paris wall-clock hour, 0 to 24
    weekday: Ints  # Paris weekday, Monday = 0
    day_of_year: Floats  # Paris day of the year, 0 to 365
    utc_hour: Floats

    @property
    def weekend(self) -> npt.NDArray[np.bool_]:
        return self.weekday >= 5


def time_grid(start_s: int, end_s: int, step_s: int, phase_s: int) -> TimeGrid:
    """Instants ``phase_s + k·step_s`` (k whole) in [start_s, end_s)."""
    first = start_s + ((phase_s - start_s) % step_s)
    epoch = np.arange(first, end_s, step_s, dtype=np.int64)
    local = epoch + paris_offset(epoch)
    utc_day = epoch // DAY_S
    local_dates = local.astype("datetime64[s]").astype("datetime64[D]")
    year_start = local_dates.astype("datetime64[Y]").astype("datetime64[D]")
    return TimeGrid(
        epoch_s=epoch,
        utc_day=utc_day,
        position=(epoch - utc_day * DAY_S) // step_s,
        local_hour=(local % DAY_S) / HOUR_S,
        weekday=(local // DAY_S + EPOCH_WEEKDAY) % 7,
        day_of_year=(local_dates - year_start).astype(np.float64),
        utc_hour=(epoch % DAY_S) / HOUR_S,
    )


@dataclass(frozen=True, slots=True)
class Draws:
    """Random draws aligned with a grid: a factor per day, normals and uniforms per sample."""

    day_factor: Floats
    normal: Floats
    uniform: Floats


def draws(seed: int, series: int, grid: TimeGrid, step_s: int, stream: int = 0) -> Draws:
    """The series' draws at the grid's instants, identical whatever the window."""
    per_day = DAY_S // step_s
    day_factor = np.empty(len(grid.epoch_s))
    normal = np.empty(len(grid.epoch_s))
    uniform = np.empty(len(grid.epoch_s))
    for day in np.unique(grid.utc_day):
        rng = np.random.default_rng([seed, series, int(day), stream])
        mask = grid.utc_day == day
        positions = grid.position[mask]
        day_factor[mask] = rng.standard_normal()
        normal[mask] = rng.standard_normal(per_day)[positions]
        uniform[mask] = rng.random(per_day)[positions]
    return Draws(day_factor, normal, uniform)


def peak(hour: Floats, centre: float, width: float) -> Floats:
    """A daily bump centred on ``centre`` o'clock (wrapping at midnight)."""
    distance = (hour - centre + 12) % 24 - 12
    result: Floats = np.exp(-0.5 * (distance / width) ** 2)
    return result


def winter(day_of_year: Floats) -> Floats:
    """1 in mid-January, −1 in mid-July."""
    result: Floats = np.cos(2 * np.pi * (day_of_year - 15) / 365.25)
    return result


def rush(grid: TimeGrid) -> Floats:
    """Road activity, 0 to about 1: morning and evening peaks, quieter weekends."""
    workday = peak(grid.local_hour, 8.2, 1.1) + 0.9 * peak(grid.local_hour, 18.0, 1.5)
    weekend = 0.55 * peak(grid.local_hour, 15.0, 3.5)
    midday = 0.35 * peak(grid.local_hour, 13.0, 3.0)
    result: Floats = np.where(grid.weekend, weekend, workday + midday)
    return result


def activity(grid: TimeGrid) -> Floats:
    """Human activity, 0 at night to 1 in the day (the shape of city noise)."""
    day = 1 / (1 + np.exp(-(grid.local_hour - 6.5) * 2.0)) - 1 / (
        1 + np.exp(-(grid.local_hour - 22.5) * 1.5)
    )
    result: Floats = np.where(grid.weekend, 0.8 * day, day)
    return result
