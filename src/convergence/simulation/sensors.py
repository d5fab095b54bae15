"""Simulated measurements: air pollutants, noise, traffic counts and speeds, water levels.

Orders of magnitude follow what Airparif, Bruitparif and the Seine's Vigicrues stations
publish for the Paris region: NO2 around 20–40 µg/m³ with rush-hour peaks, PM10 15–25 with
winter episodes above 50, O3 peaking on summer afternoons, LAeq 45 dB(A) at night to 65 in
the day, a few thousand vehicles a day per direction, the Seine a few metres high.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from convergence.simulation.episodes import Episode, EpisodeKind, episode_weight
from convergence.simulation.signals import Draws, Floats, TimeGrid, activity, peak, rush, winter


@dataclass(frozen=True, slots=True)
class SeriesContext:
    """What a signal needs besides the instants: the seed, the site, the step, the episodes."""

    seed: int
    series: int
    step_s: int
    params: Mapping[str, float]
    extra_episodes: tuple[Episode, ...] = ()

    def episode(self, kind: EpisodeKind, grid: TimeGrid) -> Floats:
        return episode_weight(kind, grid.epoch_s, seed=self.seed, extra=self.extra_episodes)


def _weather(d: Draws, sigma: float) -> Floats:
    """Day-to-day weather (a log-normal factor per day) times sample-to-sample noise."""
    result: Floats = np.exp(0.3 * d.day_factor + sigma * d.normal)
    return result


def no2(grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """NO2 µg/m³: traffic peaks, higher in winter, doubled in a pollution episode."""
    shape = 0.55 + 0.9 * rush(grid) * ctx.params["traffic"]
    season = 1 + 0.25 * winter(grid.day_of_year)
    episode = 1 + 1.2 * ctx.episode(EpisodeKind.pollution, grid)
    result: Floats = ctx.params["level"] * shape * season * episode * _weather(d, 0.15)
    return result


def particles(grid: TimeGrid, d: Draws, ctx: SeriesContext, *, fine: bool) -> Floats:
    """PM10 or PM2.5 µg/m³: wood heating on winter evenings, episodes up to 3–4 times the level."""
    cold = np.clip(winter(grid.day_of_year), 0, None)
    heating = 0.5 * cold * peak(grid.local_hour, 20.5, 2.5)
    shape = 0.8 + heating + 0.25 * rush(grid)
    gain = 3.0 if fine else 2.4
    episode = 1 + gain * ctx.episode(EpisodeKind.pollution, grid)
    level = ctx.params["level"] * (0.6 if fine else 1.0)
    result: Floats = level * shape * (1 + 0.2 * cold) * episode * _weather(d, 0.18)
    return result


def ozone(grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """O3 µg/m³: summer afternoons, lowered by traffic NO, above 180 in a heat wave."""
    summer = np.clip(-winter(grid.day_of_year), 0, None)
    shape = 0.45 + (0.4 + 0.8 * summer) * peak(grid.local_hour, 15.5, 3.0)
    titration = 1 - 0.25 * rush(grid) * ctx.params["traffic"]
    episode = 1 + 1.6 * ctx.episode(EpisodeKind.ozone, grid)
    result: Floats = ctx.params["level"] * 2.4 * shape * titration * episode * _weather(d, 0.1)
    return result


def laeq(grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """LAeq dB(A) over the step: 45 at night, 60–70 in the day near roads."""
    level = 44 + 18 * activity(grid) + 4 * rush(grid) + ctx.params["offset"]
    result: Floats = level + 1.2 * d.day_factor + 1.8 * d.normal
    return result


def _flow_profile(grid: TimeGrid, inbound: bool) -> Floats:
    """Share of the daily volume per hour (sums to about 1 over a workday)."""
    morning, evening = (1.0, 0.55) if inbound else (0.55, 1.0)
    workday = (
        0.012
        + 0.075 * morning * peak(grid.local_hour, 8.0, 1.0)
        + 0.07 * evening * peak(grid.local_hour, 17.8, 1.4)
        + 0.045 * peak(grid.local_hour, 13.0, 3.0)
    )
    weekend = 0.012 + 0.06 * peak(grid.local_hour, 15.0, 3.5)
    result: Floats = np.where(grid.weekend, weekend, workday)
    return result


def vehicle_count(grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """Vehicles counted in one direction during the step (Poisson around the profile)."""
    august = 1 - 0.25 * peak(grid.day_of_year, 225, 12)  # holidays, crudely
    hourly = ctx.params["volume"] * _flow_profile(grid, ctx.params["inbound"] > 0.5) * august
    expected = hourly * ctx.step_s / 3600 * np.exp(0.1 * d.day_factor)
    # Inverse-normal approximation of Poisson draws from the aligned normals.
    counts = np.maximum(np.round(expected + np.sqrt(expected) * d.normal), 0.0)
    result: Floats = counts
    return result


def speed(grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """Mean speed km/h: near the limit at night, slowed by congestion at the peaks."""
    congestion = _flow_profile(grid, ctx.params["inbound"] > 0.5) / 0.09
    limit = ctx.params["limit"]
    result: Floats = np.clip(limit * (0.97 - 0.45 * congestion) + 2.5 * d.normal, 5.0, None)
    return result


def water_level(grid: TimeGrid, d: Draws, ctx: SeriesContext) -> Floats:
    """Water height in metres: seasonal, slow, rising by metres in a flood of the Seine."""
    season = ctx.params["base"] + ctx.params["seasonal"] * winter(grid.day_of_year)
    flood = ctx.params["flood"] * ctx.episode(EpisodeKind.flood, grid)
    result: Floats = season + flood + 0.04 * d.day_factor + 0.008 * d.normal
    return result
