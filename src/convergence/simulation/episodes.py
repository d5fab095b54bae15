"""Territory-wide episodes: winter particle pollution, summer ozone, a flood of the Seine.

Each year of a seed has its episodes, at dates drawn from (seed, year), so a simulation of
any window sees the same episodes. An episode's weight rises, holds and falls (0 to 1) and
the signals scale with it: PM and NO2 with pollution, O3 with a heat wave, water levels with
a flood. ``Episode`` values can also be passed explicitly (a demo that must show a flood).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache

import numpy as np

from convergence.simulation.signals import DAY_S, Floats, Ints


class EpisodeKind(StrEnum):
    pollution = "pollution"  # particles and NO2, winter and early spring anticyclones
    ozone = "ozone"  # heat wave
    flood = "flood"  # the Seine overflowing its banks


@dataclass(frozen=True, slots=True)
class Episode:
    kind: EpisodeKind
    start: datetime
    rise_days: float
    hold_days: float
    fall_days: float

    @property
    def start_s(self) -> int:
        return int(self.start.timestamp())

    @property
    def end_s(self) -> int:
        return self.start_s + int((self.rise_days + self.hold_days + self.fall_days) * DAY_S)

    def weight(self, epoch_s: Ints) -> Floats:
        """0 outside, rising to 1, holding, falling back to 0."""
        days = (epoch_s - self.start_s) / DAY_S
        rising = days / self.rise_days
        falling = 1 - (days - self.rise_days - self.hold_days) / self.fall_days
        shape = np.minimum(np.minimum(rising, 1.0), falling)
        result: Floats = np.clip(shape, 0.0, 1.0)
        return result


@cache
def yearly_episodes(seed: int, year: int) -> tuple[Episode, ...]:
    """The episodes of one year: two pollution peaks, a heat wave, and often a flood."""
    rng = np.random.default_rng([seed, year, 7001])

    def at(month: int, first_day: int, last_day: int) -> datetime:
        day = int(rng.integers(first_day, last_day + 1))
        return datetime(year, month, day, int(rng.integers(0, 24)), tzinfo=UTC)

    episodes = [
        Episode(EpisodeKind.pollution, at(2, 1, 20), 1.5, float(rng.uniform(2, 4)), 1.5),
        Episode(EpisodeKind.pollution, at(11, 10, 25), 1.0, float(rng.uniform(1.5, 3)), 1.0),
        Episode(EpisodeKind.ozone, at(7, 5, 25), 2.0, float(rng.uniform(3, 5)), 1.5),
    ]
    if rng.random() < 0.6:
        episodes.append(Episode(EpisodeKind.flood, at(1, 10, 28), 6.0, 3.0, 12.0))
    return tuple(episodes)


def episode_weight(
    kind: EpisodeKind, epoch_s: Ints, *, seed: int, extra: tuple[Episode, ...] = ()
) -> Floats:
    """The strongest weight of the ``kind`` episodes at each instant (previous year's included)."""
    weight = np.zeros(epoch_s.shape)
    if len(epoch_s) == 0:
        return weight
    first = datetime.fromtimestamp(int(epoch_s.min()), UTC).year
    last = datetime.fromtimestamp(int(epoch_s.max()), UTC).year
    candidates = [e for y in range(first - 1, last + 1) for e in yearly_episodes(seed, y)]
    for episode in (*candidates, *extra):
        if episode.kind is kind and episode.end_s > epoch_s[0] and episode.start_s <= epoch_s[-1]:
            weight = np.maximum(weight, episode.weight(epoch_s))
    return weight
