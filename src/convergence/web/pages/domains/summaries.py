"""Text alternatives of the charts: a sentence of figures and a table of daily (or, over
long periods, weekly) values."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from convergence import french_format as fr
from convergence.timeseries.buckets import Bucket
from convergence.timeseries.query_schemas import Aggregation, Point
from convergence.timeseries.rollups import energetic_mean


@dataclass(frozen=True, slots=True)
class Extreme:
    value: float
    at: datetime


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """What a curve says in words: its mean and extremes over the period."""

    label: str
    unit: str
    decimals: int
    points: int
    mean: float | None
    low: Extreme | None
    high: Extreme | None

    def sentence(self) -> str:
        """« Dioxyde d'azote : moyenne 24,1 µg/m³ ; minimum 3,2 le 02/11/2026 04:00 ; … »."""
        if self.mean is None or self.low is None or self.high is None:
            return f"{self.label} : aucune mesure sur la période."

        def shown(value: float) -> str:
            return fr.with_unit(value, self.unit, self.decimals)

        low, high = self.low, self.high
        return (
            f"{self.label} : moyenne {shown(self.mean)} ; minimum {shown(low.value)} le "
            f"{fr.local_time(low.at)} ; maximum {shown(high.value)} le "
            f"{fr.local_time(high.at)} ({self.points} points)."
        )


def summarise(
    label: str, unit: str, points: Sequence[Point], *, decibel: bool, decimals: int = 1
) -> SeriesSummary:
    """The summary of a curve; decibels are averaged energetically, never arithmetically."""
    found = [(p.start, p.value) for p in points if p.value is not None]
    if not found:
        return SeriesSummary(label, unit, decimals, 0, None, None, None)
    values = [v for _, v in found]
    if decibel:
        mean = energetic_mean(sum(10 ** (v / 10) for v in values), len(values))
    else:
        mean = math.fsum(values) / len(values)
    low = min(found, key=lambda pair: pair[1])
    high = max(found, key=lambda pair: pair[1])
    return SeriesSummary(
        label, unit, decimals, len(found), mean, Extreme(low[1], low[0]), Extreme(high[1], high[0])
    )


@dataclass(frozen=True, slots=True)
class DailyRow:
    """One local day of a quantity over the selected stations: mean, minimum, maximum."""

    day: date
    mean: float | None
    low: float
    high: float
    count: int


def daily_rows(buckets: Sequence[Bucket], *, decibel: bool) -> list[DailyRow]:
    """The rows of the daily table, from daily rollups merged over the stations."""
    rows = []
    for bucket in buckets:
        point = bucket.point(Aggregation.mean, decibel=decibel)
        day = bucket.day or bucket.start.date()
        rows.append(DailyRow(day, point["value"], bucket.min, bucket.max, bucket.count))
    return rows


def weekly_rows(buckets: Sequence[Bucket], *, decibel: bool) -> list[DailyRow]:
    """A row a week (``day`` is its Monday), merging the daily rollups of its days."""
    weeks: dict[date, Bucket] = {}
    for bucket in buckets:
        day = bucket.day or bucket.start.date()
        monday = day - timedelta(days=day.weekday())
        known = weeks.get(monday)
        weeks[monday] = known.plus(bucket) if known else replace(bucket, day=monday)
    return daily_rows(list(weeks.values()), decibel=decibel)
