"""The hourly and daily aggregates computed from raw readings instead of rollups.

Used to check rollups against their source and to measure what rollups save: the same
buckets as ``buckets.hourly_buckets``/``daily_buckets``, by a scan of ``readings``. PostgreSQL
groups in SQL (local days with ``AT TIME ZONE 'Europe/Paris'``); SQLite has no time zones,
so its rows are grouped in Python by the functions that maintain the rollups.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, text

from convergence.members.scope import MemberScope
from convergence.timeseries import rollups
from convergence.timeseries.buckets import MERGED, Bucket, day_start, days_of
from convergence.timeseries.query_schemas import (
    Aggregation,
    CombinedValues,
    Resolution,
    SeriesFilter,
    TimeRange,
)
from convergence.timeseries.rollups import hour_start, is_decibel
from convergence.timeseries.series_queries import combined, find_series, single_quantity
from convergence.timeseries.tables import readings

HOUR = timedelta(hours=1)


def raw_window(time_range: TimeRange, resolution: Resolution) -> TimeRange:
    """The instants whose readings make the range's hourly or daily buckets."""
    if resolution is Resolution.daily:
        first, last = days_of(time_range)
        return TimeRange(start=day_start(first), end=day_start(last + timedelta(days=1)))
    last_hour = hour_start(time_range.end - timedelta(microseconds=1))
    return TimeRange(start=hour_start(time_range.start), end=last_hour + HOUR)


def buckets_from_raw(
    conn: Connection,
    *,
    series_ids: Sequence[int],
    decibel_ids: frozenset[int],
    time_range: TimeRange,
    resolution: Resolution,
    merge: bool,
) -> list[Bucket]:
    """Hourly or daily buckets of the series, computed from their raw readings."""
    if not series_ids:
        return []
    window = raw_window(time_range, resolution)
    if conn.dialect.name == "postgresql":
        return _postgres_buckets(conn, series_ids, decibel_ids, window, resolution, merge)
    return _python_buckets(conn, series_ids, decibel_ids, window, resolution, merge)


_BUCKET_SQL = {
    Resolution.hourly: "date_trunc('hour', ts, 'UTC')",
    Resolution.daily: "(ts AT TIME ZONE 'Europe/Paris')::date",
}


def _postgres_buckets(
    conn: Connection,
    series_ids: Sequence[int],
    decibel_ids: frozenset[int],
    window: TimeRange,
    resolution: Resolution,
    merge: bool,
) -> list[Bucket]:
    bucket = _BUCKET_SQL[resolution]
    keys = "bucket" if merge else "series_id, bucket"
    query = text(
        f"SELECT {'0' if merge else 'series_id'} AS series_id, {bucket} AS bucket, "
        "count(*) AS count, sum(value) AS sum, min(value) AS min, max(value) AS max, "
        "sum(CASE WHEN series_id = ANY(:decibels) THEN power(10, value / 10) END) AS energy "
        "FROM readings WHERE series_id = ANY(:ids) AND ts >= :start AND ts < :end "
        f"GROUP BY {keys} ORDER BY {keys}"
    ).bindparams(
        bindparam("start", type_=readings.c.ts.type), bindparam("end", type_=readings.c.ts.type)
    )
    rows = conn.execute(
        query,
        {
            "ids": sorted(series_ids),
            "decibels": sorted(decibel_ids) or [-1],
            "start": window.start,
            "end": window.end,
        },
    )
    return [_bucket_of_row(row, resolution) for row in rows]


def _bucket_of_row(row: Any, resolution: Resolution) -> Bucket:
    if resolution is Resolution.daily:
        start, day = day_start(row.bucket), row.bucket
    else:
        start, day = rollups.hour_start(row.bucket), None
    energy = None if row.energy is None else float(row.energy)
    return Bucket(row.series_id, start, day, int(row.count), row.sum, row.min, row.max, energy)


def _python_buckets(
    conn: Connection,
    series_ids: Sequence[int],
    decibel_ids: frozenset[int],
    window: TimeRange,
    resolution: Resolution,
    merge: bool,
) -> list[Bucket]:
    rows = conn.execute(
        readings.select()
        .with_only_columns(readings.c.series_id, readings.c.ts, readings.c.value)
        .where(
            readings.c.series_id.in_(sorted(series_ids)),
            readings.c.ts >= window.start,
            readings.c.ts < window.end,
        )
    )
    delta = rollups.aggregate(((r[0], r[1], r[2]) for r in rows), decibel_series=decibel_ids)
    grouped: dict[Any, rollups.Aggregate] = (
        dict(delta.daily) if resolution is Resolution.daily else dict(delta.hourly)
    )
    buckets = [_bucket_of_aggregate(key, agg, resolution) for key, agg in grouped.items()]
    return (
        merge_buckets(buckets) if merge else sorted(buckets, key=lambda b: (b.series_id, b.start))
    )


def _bucket_of_aggregate(key: Any, agg: rollups.Aggregate, resolution: Resolution) -> Bucket:
    series_id, when = key
    start: datetime = day_start(when) if resolution is Resolution.daily else when
    day: date | None = when if resolution is Resolution.daily else None
    return Bucket(series_id, start, day, agg.count, agg.sum, agg.min, agg.max, agg.energy_sum)


def merge_buckets(buckets: Iterable[Bucket]) -> list[Bucket]:
    """Buckets of several series merged per start: counts and sums add, extremes compare."""
    merged: dict[datetime, Bucket] = {}
    for bucket in buckets:
        found = merged.get(bucket.start)
        merged[bucket.start] = (
            found.plus(bucket) if found is not None else replace(bucket, series_id=MERGED)
        )
    return [merged[start] for start in sorted(merged)]


def combined_values_from_raw(
    conn: Connection,
    *,
    scope: MemberScope,
    selection: SeriesFilter,
    time_range: TimeRange,
    resolution: Resolution,
    aggregation: Aggregation = Aggregation.mean,
) -> CombinedValues:
    """What ``series_queries.combined_values`` returns, computed from raw readings."""
    infos = find_series(conn, scope=scope, selection=selection, aggregates=False)
    quantity, unit = single_quantity(infos, selection)
    decibels = frozenset(info.id for info in infos if is_decibel(info.unit))
    buckets = buckets_from_raw(
        conn,
        series_ids=[info.id for info in infos],
        decibel_ids=decibels,
        time_range=time_range,
        resolution=resolution,
        merge=True,
    )
    return combined(quantity, unit, infos, resolution, aggregation, buckets)
