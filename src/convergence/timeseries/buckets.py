"""Reading buckets of series: raw points, hourly and daily rollups, one series or merged.

A bucket carries count, sum, min, max and the energetic sum; a point's value is computed
from it in Python (never in SQL), so both backends give the same numbers from the same rows.
Merging series is exact for every aggregation: counts and sums add, extremes compare, and
the mean is the sum over the count (energetic for decibels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, Select, func, select

from convergence.errors import InvalidInput
from convergence.paris_time import PARIS, local_day
from convergence.timeseries.query_schemas import Aggregation, TimeRange
from convergence.timeseries.rollups import energetic_mean, hour_start
from convergence.timeseries.tables import readings, readings_daily, readings_hourly

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "callers pass series ids from a scoped series query (series_queries)"

MERGED = 0  # series_id of a bucket merged over several series


class TooManyPoints(InvalidInput):
    """More raw readings than one answer carries."""

    code = "too_many_points"


@dataclass(frozen=True, slots=True)
class Bucket:
    """Aggregates of one series (or of several, ``series_id`` MERGED) over one bucket."""

    series_id: int
    start: datetime
    day: date | None
    count: int
    sum: float
    min: float
    max: float
    energy_sum: float | None

    def plus(self, other: Bucket) -> Bucket:
        """This bucket merged with another of the same start (another series)."""
        energy = None if self.energy_sum is None else self.energy_sum + (other.energy_sum or 0.0)
        return Bucket(
            MERGED,
            self.start,
            self.day,
            self.count + other.count,
            self.sum + other.sum,
            min(self.min, other.min),
            max(self.max, other.max),
            energy,
        )

    def point(self, aggregation: Aggregation, *, decibel: bool) -> dict[str, Any]:
        """The point this bucket gives for ``aggregation``, as the fields of a ``Point``.

        A chart has thousands of points: pydantic validates a list of plain dicts several
        times faster than it builds as many models one by one.
        """
        return {
            "start": self.start,
            "day": self.day,
            "value": point_value(self, aggregation, decibel=decibel),
            "count": self.count,
        }


def point_value(bucket: Bucket, aggregation: Aggregation, *, decibel: bool) -> float | None:
    """Mean (energetic for decibels), min, max, sum or count of a bucket."""
    if aggregation is Aggregation.count:
        return float(bucket.count)
    if aggregation is Aggregation.min:
        return bucket.min
    if aggregation is Aggregation.max:
        return bucket.max
    if aggregation is Aggregation.sum:
        return bucket.sum
    if decibel and bucket.energy_sum is None and bucket.count == 1:
        return bucket.sum  # a raw reading: the level itself
    if decibel:
        return energetic_mean(bucket.energy_sum, bucket.count)
    return bucket.sum / bucket.count if bucket.count else None


def check_aggregation(aggregation: Aggregation, *, decibel: bool) -> None:
    """InvalidInput for a sum of decibels, which means nothing."""
    if decibel and aggregation is Aggregation.sum:
        raise InvalidInput(
            "une somme de décibels n'a pas de sens : utilisez mean (moyenne énergétique) / "
            "a sum of decibels means nothing: use mean (energetic average), min, max or count"
        )


def day_start(day: date) -> datetime:
    """Local midnight of a Europe/Paris day, as an aware datetime (23 to 25 hours to the next)."""
    return datetime.combine(day, time(), PARIS)


def days_of(time_range: TimeRange) -> tuple[date, date]:
    """First and last local days that overlap [start, end)."""
    return local_day(time_range.start), local_day(time_range.end - timedelta(microseconds=1))


def hourly_buckets(
    conn: Connection, *, series_ids: Sequence[int], time_range: TimeRange, merge: bool
) -> list[Bucket]:
    """Hourly rollups (UTC hours) of the series that start within the range."""
    table = readings_hourly
    where = (
        table.c.series_id.in_(sorted(series_ids)),
        table.c.start >= hour_start(time_range.start),
        table.c.start < time_range.end,
    )
    query = _rollup_select(table, table.c.start, merge).where(*where)
    return [_bucket(row, merge, start=row[-6], day=None) for row in conn.execute(query).all()]


def daily_buckets(
    conn: Connection, *, series_ids: Sequence[int], time_range: TimeRange, merge: bool
) -> list[Bucket]:
    """Daily rollups (Europe/Paris days) of the series, for the local days of the range."""
    table = readings_daily
    first, last = days_of(time_range)
    where = (
        table.c.series_id.in_(sorted(series_ids)),
        table.c.day >= first,
        table.c.day <= last,
    )
    query = _rollup_select(table, table.c.day, merge).where(*where)
    return [
        _bucket(row, merge, start=day_start(row[-6]), day=row[-6])
        for row in conn.execute(query).all()
    ]


def _rollup_select(table: Any, bucket: Any, merge: bool) -> Select[Any]:
    if not merge:
        return select(
            table.c.series_id,
            bucket.label("bucket"),
            table.c["count"],
            table.c["sum"],
            table.c["min"],
            table.c["max"],
            table.c.energy_sum,
        ).order_by(table.c.series_id, bucket)
    return (
        select(
            bucket.label("bucket"),
            func.sum(table.c["count"]).label("count"),
            func.sum(table.c["sum"]).label("sum"),
            func.min(table.c["min"]).label("min"),
            func.max(table.c["max"]).label("max"),
            func.sum(table.c.energy_sum).label("energy_sum"),
        )
        .group_by(bucket)
        .order_by(bucket)
    )


def _bucket(row: Any, merge: bool, *, start: datetime, day: date | None) -> Bucket:
    # Columns by position (the last six are bucket, count, sum, min, max, energy_sum).
    count, total, low, high, energy = row[-5:]
    return Bucket(
        MERGED if merge else row[0],
        start,
        day,
        int(count),
        float(total),
        float(low),
        float(high),
        None if energy is None else float(energy),
    )


def raw_buckets(
    conn: Connection, *, series_ids: Sequence[int], time_range: TimeRange, limit: int
) -> list[Bucket]:
    """Raw readings as one-reading buckets, by series then time; InvalidInput past ``limit``."""
    query = (
        select(readings.c.series_id, readings.c.ts, readings.c.value)
        .where(
            readings.c.series_id.in_(sorted(series_ids)),
            readings.c.ts >= time_range.start,
            readings.c.ts < time_range.end,
            # Like the rollups, raw values are the valid ones: set-aside values feed nothing.
            readings.c.quality == 0,
        )
        .order_by(readings.c.series_id, readings.c.ts)
        .limit(limit + 1)
    )
    rows = conn.execute(query).all()
    if len(rows) > limit:
        raise TooManyPoints(
            f"plus de {limit} mesures brutes : réduisez la période ou choisissez hourly/daily / "
            f"more than {limit} raw readings: shorten the range or ask for hourly or daily"
        )
    return [Bucket(sid, ts, None, 1, value, value, value, None) for sid, ts, value in rows]


def valid_points(
    conn: Connection, *, series_ids: Sequence[int], time_range: TimeRange
) -> list[tuple[int, datetime, float]]:
    """(series id, ts, value) of the valid readings in the range, by series then time."""
    query = (
        select(readings.c.series_id, readings.c.ts, readings.c.value)
        .where(
            readings.c.series_id.in_(sorted(series_ids)),
            readings.c.ts >= time_range.start,
            readings.c.ts < time_range.end,
            readings.c.quality == 0,
        )
        .order_by(readings.c.series_id, readings.c.ts)
    )
    return [(sid, ts, value) for sid, ts, value in conn.execute(query)]
