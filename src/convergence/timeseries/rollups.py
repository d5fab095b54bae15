"""Hourly (UTC) and daily (Europe/Paris) rollups, maintained from the rows actually inserted.

A rollup holds count, sum, min and max, and for decibel series the energetic sum
Σ10^(L/10): noise levels are averaged energetically, never arithmetically. Increments are
upserts keyed by (series, bucket), so a batch of late readings lands in old buckets and a
rebuild from the raw readings gives the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, delete, select

from convergence.paris_time import local_day, local_midnight
from convergence.timeseries import bulk
from convergence.timeseries.tables import (
    readings,
    readings_daily,
    readings_hourly,
    readings_set_aside,
)

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "rollups are rebuilt from the rows of the series given, a storage job"

DECIBEL_UNITS = frozenset({"db", "dba", "db(a)", "dbc", "db(c)", "dbz", "db(z)"})


@lru_cache(maxsize=256)
def is_decibel(unit: str) -> bool:
    """True for sound levels (dB, dB(A), dB(C)…), whose rollups carry the energetic sum."""
    return unit.strip().lower().replace(" ", "") in DECIBEL_UNITS


def hour_start(ts: datetime) -> datetime:
    """The UTC hour that contains ``ts``."""
    return ts.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@dataclass(slots=True)
class Aggregate:
    """Running count, sum, min, max and (for decibels) energetic sum of one bucket."""

    count: int
    sum: float
    min: float
    max: float
    energy_sum: float | None

    @classmethod
    def over(cls, values: list[float], *, decibel: bool) -> Aggregate:
        """The aggregate of a non-empty list of values."""
        energy = sum(10 ** (v / 10) for v in values) if decibel else None
        return cls(len(values), sum(values), min(values), max(values), energy)

    def merge(self, other: Aggregate) -> None:
        """Add the values of ``other`` (a bucket of the same series)."""
        self.count += other.count
        self.sum += other.sum
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)
        if self.energy_sum is not None and other.energy_sum is not None:
            self.energy_sum += other.energy_sum


@dataclass(frozen=True, slots=True)
class RollupDelta:
    """What a batch of inserted readings adds to the hourly and daily rollups."""

    hourly: dict[tuple[int, datetime], Aggregate]
    daily: dict[tuple[int, date], Aggregate]


def _values_by_hour(
    rows: Iterable[tuple[int, datetime, float]],
) -> dict[tuple[int, datetime], list[float]]:
    """The values of each (series, UTC hour), each distinct time placed in its hour once."""
    by_hour: dict[tuple[int, datetime], list[float]] = {}
    hours: dict[datetime, datetime] = {}
    for series_id, ts, value in rows:
        hour = hours.get(ts)
        if hour is None:
            hour = hours[ts] = hour_start(ts)
        values = by_hour.get((series_id, hour))
        if values is None:
            by_hour[(series_id, hour)] = [value]
        else:
            values.append(value)
    return by_hour


def aggregate(
    rows: Iterable[tuple[int, datetime, float]], *, decibel_series: frozenset[int]
) -> RollupDelta:
    """Group ``(series_id, ts, value)`` rows into hourly and daily aggregates.

    Values are gathered per (series, hour) first, each distinct time placed in its hour once;
    each bucket is then summed by the built-ins, and a day is the sum of its hours.
    """
    by_hour = _values_by_hour(rows)
    delta = RollupDelta(hourly={}, daily={})
    day_of_hour: dict[datetime, date] = {}  # a UTC hour lies in one Paris day
    for (series_id, hour), values in by_hour.items():
        decibel = series_id in decibel_series
        delta.hourly[(series_id, hour)] = Aggregate.over(values, decibel=decibel)
        day = day_of_hour.get(hour)
        if day is None:
            day = day_of_hour[hour] = local_day(hour)
        daily = delta.daily.get((series_id, day))
        if daily is None:
            delta.daily[(series_id, day)] = Aggregate.over(values, decibel=decibel)
        else:
            daily.merge(delta.hourly[(series_id, hour)])
    return delta


def rollup_rows(
    rows: Iterable[tuple[int, datetime, float]], *, decibel_series: frozenset[int]
) -> tuple[list[bulk.RollupRow], list[bulk.RollupRow]]:
    """The hourly and daily rows ``aggregate`` gives, in key order, as plain tuples.

    The ingest path's way: no ``Aggregate`` object per bucket (a batch's buckets are mostly
    new, each with one or two values). The arithmetic is ``aggregate``'s, in the same order,
    so both give the same figures to the last bit.
    """
    by_hour = _values_by_hour(rows)
    hourly: list[bulk.RollupRow] = []
    daily: dict[tuple[int, date], list[Any]] = {}
    day_of_hour: dict[datetime, date] = {}  # a UTC hour lies in one Paris day
    for (series_id, hour), values in by_hour.items():
        energy = sum(10 ** (v / 10) for v in values) if series_id in decibel_series else None
        low, high, total = min(values), max(values), sum(values)
        hourly.append((series_id, hour, len(values), total, low, high, energy))
        day = day_of_hour.get(hour)
        if day is None:
            day = day_of_hour[hour] = local_day(hour)
        found = daily.get((series_id, day))
        if found is None:
            daily[(series_id, day)] = [len(values), total, low, high, energy]
            continue
        found[0] += len(values)
        found[1] += total
        found[2] = min(found[2], low)
        found[3] = max(found[3], high)
        if found[4] is not None and energy is not None:
            found[4] += energy
    hourly.sort(key=_SERIES_BUCKET)
    days = [(s, d, *figures) for (s, d), figures in sorted(daily.items(), key=_KEY)]
    return hourly, days


_SERIES_BUCKET = itemgetter(0, 1)
_KEY = itemgetter(0)


def apply_rows(conn: Connection, hourly: list[bulk.RollupRow], daily: list[bulk.RollupRow]) -> None:
    """Add rows of ``rollup_rows`` to the stored rollups (they are in key order)."""
    bulk.add_rollups(conn, "readings_hourly", "start", hourly)
    bulk.add_rollups(conn, "readings_daily", "day", daily)


def apply_delta(conn: Connection, delta: RollupDelta) -> None:
    """Add ``delta`` to the stored rollups, in key order (a stable lock order across writers)."""
    bulk.add_rollups(conn, "readings_hourly", "start", _rows(delta.hourly))
    bulk.add_rollups(conn, "readings_daily", "day", _rows(delta.daily))


def _rows(aggregates: dict[Any, Aggregate]) -> list[bulk.RollupRow]:
    return [
        (series_id, bucket, a.count, a.sum, a.min, a.max, a.energy_sum)
        for (series_id, bucket), a in sorted(aggregates.items(), key=lambda item: item[0])
    ]


def set_aside_counts(rows: Iterable[bulk.QualifiedRow]) -> list[bulk.SetAsideRow]:
    """How many values each (series, local day, reason) sets aside, in key order."""
    counts: dict[tuple[int, date, str], int] = {}
    days: dict[datetime, date] = {}  # readings share their times: each day is found once
    for series_id, ts, _, flag, reason in rows:
        if flag:
            day = days.get(ts)
            if day is None:
                day = days[ts] = local_day(ts)
            key = (series_id, day, reason or "unknown")
            counts[key] = counts.get(key, 0) + 1
    return [(s, d, r, n) for (s, d, r), n in sorted(counts.items())]


def rebuild(conn: Connection, *, series_id: int, decibel: bool) -> None:
    """Recompute every rollup of one series from its raw readings (an upsert per bucket)."""
    rebuild_days(conn, series_id=series_id, decibel=decibel, first=None, last=None)


def rebuild_days(
    conn: Connection, *, series_id: int, decibel: bool, first: date | None, last: date | None
) -> None:
    """Recompute the rollups and set-aside counts of one series over local days (all if None).

    Only valid readings enter the rollups; the others are counted by reason.
    """
    query = select(
        readings.c.series_id,
        readings.c.ts,
        readings.c.value,
        readings.c.quality,
        readings.c.quality_reason,
    ).where(readings.c.series_id == series_id)
    hourly_where = [readings_hourly.c.series_id == series_id]
    daily_where = [readings_daily.c.series_id == series_id]
    aside_where = [readings_set_aside.c.series_id == series_id]
    if first is not None and last is not None:
        start, end = local_midnight(first), local_midnight(last + timedelta(days=1))
        query = query.where(readings.c.ts >= start, readings.c.ts < end)
        hourly_where += [readings_hourly.c.start >= start, readings_hourly.c.start < end]
        daily_where += [readings_daily.c.day >= first, readings_daily.c.day <= last]
        aside_where += [readings_set_aside.c.day >= first, readings_set_aside.c.day <= last]
    rows = [(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(query.order_by(readings.c.ts))]
    delta = aggregate(
        ((s, t, v) for s, t, v, flag, _ in rows if not flag),
        decibel_series=frozenset({series_id}) if decibel else frozenset(),
    )
    conn.execute(delete(readings_hourly).where(*hourly_where))
    conn.execute(delete(readings_daily).where(*daily_where))
    conn.execute(delete(readings_set_aside).where(*aside_where))
    apply_delta(conn, delta)
    bulk.add_set_aside(conn, set_aside_counts(rows))


def energetic_mean(energy_sum: float | None, count: int) -> float | None:
    """10·log10(Σ10^(L/10) / n): the mean level of a decibel bucket."""
    if energy_sum is None or count <= 0 or energy_sum <= 0:
        return None
    return 10 * math.log10(energy_sum / count)
