"""Quantities read from timestamped values: meter indexes and on/off states over a window.

An energy meter reports a cumulative index (kWh). The energy of a window is the index at its
end minus the index at its start, each interpolated linearly between the two readings that
surround the bound — whatever the reporting interval: a meter read every 6 hours and one
read every minute give the same energy over a month, to the interpolation at the bounds
(IEC 62053 / EN 50470 active-energy registers count continuously, so a missing reading loses
nothing between two others). A lone reading out of the index's order — above both its
neighbours while they rise, or below both — is a glitch and is skipped, so that a spike never
adds its height; where the index falls and stays down (a meter replaced or reset) the
interval between the two readings is unknown and lowers the completeness.

An on/off state holds from the instant it is read until the next reading: the time on is
the time between an « on » and the following « off », clipped at the window's bounds. A
state is not held longer than ``hold`` (a silent device's last state is not extrapolated).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from operator import attrgetter

from convergence.indicators.timewindows import HOUR, TimeWindow, as_utc

STATE_HOLD = timedelta(hours=24)  # a light switches at least twice a day
AT = attrgetter("at")


@dataclass(frozen=True, slots=True)
class Instant:
    """A value read at an instant (an index in kWh, or a state: 1.0 on, 0.0 off)."""

    at: datetime
    value: float

    def __post_init__(self) -> None:
        as_utc(self.at, "at")


@dataclass(frozen=True, slots=True)
class Coverage:
    """What a window's readings give: the quantity, and the hours it rests on."""

    value: float | None
    covered_hours: float
    window_hours: float


def _near(readings: Sequence[Instant], window: TimeWindow) -> Sequence[Instant]:
    """The readings inside the window, and two on each side of it (time-ordered input): one
    brackets the bound, the other tells whether that one is a glitch. Found by bisection:
    a period's days each read a window of the same readings."""
    first = max(bisect_left(readings, window.start_utc, key=AT) - 2, 0)
    last = bisect_right(readings, window.end_utc, key=AT) + 2
    return readings[first:last]


def _overlap(start: datetime, end: datetime, window: TimeWindow) -> timedelta:
    return max(min(end, window.end_utc) - max(start, window.start_utc), timedelta(0))


def without_glitches(readings: Sequence[Instant]) -> list[Instant]:
    """The index readings less the lone ones out of order (time-ordered input and output)."""
    kept = list(readings[:1])
    for i in range(1, len(readings) - 1):
        before, this, after = kept[-1].value, readings[i].value, readings[i + 1].value
        spike_up = this > after >= before
        spike_down = this < before <= after
        if not (spike_up or spike_down):
            kept.append(readings[i])
    return kept + list(readings[-1:]) if len(readings) > 1 else kept


def index_difference(readings: Sequence[Instant], window: TimeWindow) -> Coverage:
    """Index at the window's end minus index at its start, interpolated at both bounds.

    ``readings`` are time-ordered. Each pair of consecutive readings adds its rise in
    proportion to the part of their interval inside the window, which sums to
    I(end) − I(start) when the index never falls. Hours covered: the window's hours lying
    between two readings whose index did not fall.
    """
    energy, covered = 0.0, timedelta(0)
    for a, b in pairwise(without_glitches(_near(readings, window))):
        inside = _overlap(a.at, b.at, window)
        if not inside or b.value < a.value or b.at <= a.at:
            continue
        energy += (b.value - a.value) * (inside / (b.at - a.at))
        covered += inside
    return Coverage(energy if covered else None, covered / HOUR, window.hours)


def time_on(
    states: Sequence[Instant], window: TimeWindow, *, hold: timedelta = STATE_HOLD
) -> Coverage:
    """Hours in the « on » state (value > 0.5) inside the window; hours with a known state.

    ``states`` are time-ordered; each holds until the next one, at most ``hold``.
    """
    on, known = timedelta(0), timedelta(0)
    near = list(_near(states, window))
    for a, b in zip(near, [*near[1:], None], strict=False):
        until = a.at + hold if b is None else min(b.at, a.at + hold)
        inside = _overlap(a.at, until, window)
        known += inside
        on += inside if a.value > 0.5 else timedelta(0)
    return Coverage(on / HOUR if known else None, known / HOUR, window.hours)
