"""Curves thinned to what a chart can show: long periods drawn with longer steps.

Sixty days of five stations are 7,200 hourly points, half a megabyte of page for a chart
800 pixels wide. A chart writes at most ``CHART_NUMBERS`` numbers — its times, each
weighing three values, and its curves' values: hourly means are grouped by 2, 3, 4, 6, 12
or 24 local hours, daily means by week (from Monday), as the period and the stations need.
A group's value is the mean of the readings of its buckets — each bucket's mean weighted by
its count, energetically for decibels — exactly what a rollup over the longer step would
give. Raw readings (periods of two days or less) are drawn as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from convergence.paris_time import PARIS
from convergence.timeseries.query_schemas import Point, Resolution
from convergence.timeseries.rollups import energetic_mean
from convergence.web.pages.domains.charts import local_iso

# About 30 KB of page for a chart at most, whatever the period and the number of stations:
# five pollutants' charts, their tables and the index stay well under 300 KB.
CHART_NUMBERS = 4_500
TIME_WEIGHT = 3  # « 2026-11-28 10:00 » against « 24.31 »
HOURLY_STEPS = (1, 2, 3, 4, 6, 12, 24)  # hours, divisors of a day: groups never straddle one
WEEK = 7


@dataclass(frozen=True, slots=True)
class Step:
    """How many buckets of ``resolution`` one drawn point stands for, and how it is said."""

    resolution: Resolution
    buckets: int

    @property
    def words(self) -> str:
        """« moyennes sur 4 heures », as the hint under a chart says it."""
        if self.resolution is Resolution.raw:
            return "chaque mesure"
        if self.resolution is Resolution.daily:
            return "moyennes hebdomadaires" if self.buckets == WEEK else "moyennes journalières"
        if self.buckets == 1:
            return "moyennes horaires"
        if self.buckets == 24:
            return "moyennes journalières"
        return f"moyennes sur {self.buckets} heures"


def step_for(resolution: Resolution, times: int, curves: int) -> Step:
    """The finest step at which ``curves`` curves over ``times`` buckets fit in a chart."""
    steps = {Resolution.hourly: HOURLY_STEPS, Resolution.daily: (1, WEEK)}.get(resolution, (1,))
    for buckets in steps:
        if math.ceil(times / buckets) * (TIME_WEIGHT + curves) <= CHART_NUMBERS:
            return Step(resolution, buckets)
    return Step(resolution, steps[-1])


def thinned(
    points: Sequence[Point], step: Step, *, decibel: bool
) -> tuple[list[str], list[float | None]]:
    """A curve's local times (``2026-11-28 10:00``) and values at ``step``.

    A point stands at the start of its group (its local hour, or the Monday of its week),
    so curves of different stations share their times.
    """
    if step.buckets == 1:
        return [local_iso(p.start) for p in points], [p.value for p in points]
    groups: dict[str, tuple[float, int]] = {}
    for point in points:
        start = _group_start(point.start.astimezone(PARIS), step)
        total, count = groups.get(start, (0.0, 0))
        if point.value is not None and point.count > 0:
            weight = 10 ** (point.value / 10) if decibel else point.value
            total, count = total + point.count * weight, count + point.count
        groups[start] = (total, count)
    times = list(groups)
    return times, [_mean(*groups[t], decibel=decibel) for t in times]


def _group_start(local: datetime, step: Step) -> str:
    if step.resolution is Resolution.daily:
        return f"{local.date() - timedelta(days=local.weekday())} 00:00"
    return f"{local.date()} {local.hour // step.buckets * step.buckets:02d}:00"


def _mean(total: float, count: int, *, decibel: bool) -> float | None:
    if count == 0:
        return None
    return energetic_mean(total, count) if decibel else total / count
