"""What goes wrong with real sensors: outages, lost messages, stuck values, spikes.

Faults of a series are drawn per (seed, series, UTC month), so they do not depend on the
simulated window either. A few series are "faulty": they fail much more often. Meter indexes
(cumulative energy) only have gaps — a stuck or spiking index would not be an index.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from convergence.simulation.signals import DAY_S, HOUR_S, Floats, Ints, TimeGrid, draws

Window = tuple[int, int]
FAULT_STREAM = 1


@dataclass(frozen=True, slots=True)
class MonthFaults:
    outages: tuple[Window, ...]
    stuck: tuple[Window, ...]
    stuck_factor: float


def _month_bounds(month: int) -> Window:
    first = np.datetime64("1970-01", "M") + month
    start = int(first.astype("datetime64[s]").astype(np.int64))
    end = int((first + 1).astype("datetime64[s]").astype(np.int64))
    return start, end


@cache
def month_faults(seed: int, series: int, month: int, faulty: bool) -> MonthFaults:
    """The outages and stuck periods of one series in one UTC month (months since 1970)."""
    rng = np.random.default_rng([seed, series, month, 9001])
    start, end = _month_bounds(month)
    outages = []
    for _ in range(int(rng.poisson(2.0 if faulty else 0.5))):
        begin = int(rng.integers(start, end))
        hours = float(np.clip(rng.lognormal(np.log(3.0), 1.3), 0.3, 5 * 24))
        outages.append((begin, begin + int(hours * HOUR_S)))
    stuck = []
    if rng.random() < (0.35 if faulty else 0.02):
        begin = int(rng.integers(start, end))
        stuck.append((begin, begin + int(rng.uniform(0.25, 7) * DAY_S)))
    return MonthFaults(tuple(outages), tuple(stuck), float(rng.uniform(0.4, 1.4)))


def _months_of(grid: TimeGrid) -> range:
    if len(grid.epoch_s) == 0:
        return range(0)
    months = grid.epoch_s.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return range(int(months.min()) - 1, int(months.max()) + 1)


def _inside(epoch_s: Ints, windows: list[Window]) -> npt.NDArray[np.bool_]:
    mask = np.zeros(epoch_s.shape, dtype=bool)
    for begin, end in windows:
        mask |= (epoch_s >= begin) & (epoch_s < end)
    return mask


@dataclass(frozen=True, slots=True)
class FaultSpec:
    seed: int
    series: int
    step_s: int
    faulty: bool
    typical: float  # the level a stuck sensor freezes around
    maximum: float  # spikes stay below the plausible maximum
    meter: bool  # a cumulative index: gaps only
    decibel: bool = False  # a spike adds decibels instead of multiplying


def apply_faults(spec: FaultSpec, grid: TimeGrid, values: Floats) -> tuple[Ints, Floats]:
    """The instants that were received and their values, once faults are applied."""
    found = [month_faults(spec.seed, spec.series, m, spec.faulty) for m in _months_of(grid)]
    noise = draws(spec.seed, spec.series, grid, spec.step_s, stream=FAULT_STREAM)
    lost = _inside(grid.epoch_s, [w for f in found for w in f.outages])
    lost |= noise.uniform < (0.03 if spec.faulty else 0.004)
    values = values.copy()
    if not spec.meter:
        for faults in found:
            frozen = _inside(grid.epoch_s, list(faults.stuck))
            values[frozen] = round(spec.typical * faults.stuck_factor, 1)
        spikes = np.abs(noise.normal) > (2.6 if spec.faulty else 3.5)
        spiked = (
            values + 15 + 20 * noise.uniform if spec.decibel else values * (4 + 6 * noise.uniform)
        )
        values = np.where(spikes, np.minimum(spiked, spec.maximum), values)
    return grid.epoch_s[~lost], values[~lost]
