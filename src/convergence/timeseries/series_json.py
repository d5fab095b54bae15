"""Series values straight from SQL rows to JSON bytes, for the series endpoints.

A chart reads hundreds or thousands of points: here the rows come back from plain driver SQL
as tuples, each point's value is computed from them in Python as ``buckets.point_value`` does
(so both backends give the same numbers), and orjson writes the answer; no bucket, model or
typed row is built per point. The answer is byte for byte what ``series_queries`` gives
through its models (times in UTC with ``Z``, a day's start at Paris midnight).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import Connection

from convergence.db.driver import (
    any_of,
    fetch_tuples,
    is_postgres,
    read_time,
    stored_compact_time,
    stored_time,
)
from convergence.errors import NotFound
from convergence.members.scope import MemberScope
from convergence.timeseries import series_queries
from convergence.timeseries.buckets import TooManyPoints, day_start, days_of
from convergence.timeseries.query_schemas import (
    Aggregation,
    Resolution,
    SeriesFilter,
    SeriesInfo,
    TimeRange,
)
from convergence.timeseries.rollups import energetic_mean, hour_start, is_decibel

Point = dict[str, Any]
_SQLITE_TIME_LENGTH = len("2026-10-01 00:00:00.000000")  # as ``UTCDateTime`` stores it
_ROLLUP = (
    'SELECT series_id, {bucket}, "count", "sum", "min", "max", energy_sum FROM {table} '
    "WHERE {condition} AND {bucket} >= {mark} AND {bucket} {upper} {mark} "
    "ORDER BY series_id, {bucket}"
)
_RAW = (
    "SELECT series_id, ts, value FROM readings WHERE {condition} AND ts >= {mark} "
    "AND ts < {mark} AND quality = 0 ORDER BY series_id, ts LIMIT {limit}"
)


def series_values_json(
    conn: Connection,
    *,
    scope: MemberScope,
    series_id: int,
    time_range: TimeRange,
    resolution: Resolution | None = None,
    aggregation: Aggregation = Aggregation.mean,
    limit: int = series_queries.RAW_LIMIT,
) -> bytes:
    """``series_queries.series_values`` as JSON bytes."""
    found = selection_points(
        conn,
        scope=scope,
        selection=SeriesFilter(series_ids=(series_id,)),
        time_range=time_range,
        resolution=resolution,
        aggregation=aggregation,
        limit=limit,
    )
    if not found:
        raise NotFound(f"série {series_id} introuvable / series {series_id} not found")
    return dumps(found[0])


def dumps(document: object) -> bytes:
    """JSON bytes as the series endpoints answer them (times in UTC with ``Z``)."""
    return orjson.dumps(document, option=orjson.OPT_UTC_Z)


def selection_points(
    conn: Connection,
    *,
    scope: MemberScope,
    selection: SeriesFilter,
    time_range: TimeRange,
    resolution: Resolution | None = None,
    aggregation: Aggregation = Aggregation.mean,
    limit: int = series_queries.RAW_LIMIT,
) -> list[dict[str, Any]]:
    """``series_queries.selection_values`` as plain objects, ready for :func:`dumps`."""
    chosen, infos = series_queries.plan(
        conn, scope=scope, selection=selection, time_range=time_range, resolution=resolution
    )
    series_queries.check_units(infos, aggregation)
    chosen, rows = _read(conn, chosen, infos, time_range, automatic=resolution is None, limit=limit)
    by_series: dict[int, list[tuple[Any, ...]]] = {info.id: [] for info in infos}
    for row in rows:
        by_series[row[0]].append(row)
    return [
        {
            "series": info.model_dump(),
            "resolution": chosen.value,
            "aggregation": aggregation.value,
            "points": _points(chosen, aggregation, is_decibel(info.unit), by_series[info.id]),
        }
        for info in infos
    ]


def _read(
    conn: Connection,
    resolution: Resolution,
    infos: Sequence[SeriesInfo],
    time_range: TimeRange,
    *,
    automatic: bool,
    limit: int,
) -> tuple[Resolution, list[tuple[Any, ...]]]:
    """As ``series_queries._read``: an automatic raw read that finds nothing (archived) or
    too much falls back to hourly rollups."""
    ids = sorted(info.id for info in infos)
    if not ids:
        return resolution, []
    if resolution is not Resolution.raw:
        return resolution, _rollup_rows(conn, resolution, ids, time_range)
    try:
        found = _raw_rows(conn, ids, time_range, limit)
    except TooManyPoints:
        if not automatic:
            raise
        found = []
    if found or not automatic:
        return resolution, found
    return Resolution.hourly, _rollup_rows(conn, Resolution.hourly, ids, time_range)


def _rollup_rows(
    conn: Connection, resolution: Resolution, ids: list[int], time_range: TimeRange
) -> list[tuple[Any, ...]]:
    condition, params = any_of(conn, "series_id", ids)
    mark = "%s" if is_postgres(conn) else "?"
    if resolution is Resolution.hourly:
        sql = _ROLLUP.format(
            bucket='"start"', table="readings_hourly", condition=condition, mark=mark, upper="<"
        )
        bounds = (
            stored_time(conn, hour_start(time_range.start)),
            stored_time(conn, time_range.end),
        )
    else:
        sql = _ROLLUP.format(
            bucket='"day"', table="readings_daily", condition=condition, mark=mark, upper="<="
        )
        first, last = days_of(time_range)
        bounds = (first, last) if is_postgres(conn) else (first.isoformat(), last.isoformat())
    return fetch_tuples(conn, sql, (*params, *bounds))


def _raw_rows(
    conn: Connection, ids: list[int], time_range: TimeRange, limit: int
) -> list[tuple[Any, ...]]:
    condition, params = any_of(conn, "series_id", ids)
    mark = "%s" if is_postgres(conn) else "?"
    sql = _RAW.format(condition=condition, mark=mark, limit=int(limit) + 1)
    bounds = (
        stored_compact_time(conn, time_range.start),
        stored_compact_time(conn, time_range.end),
    )
    rows = fetch_tuples(conn, sql, (*params, *bounds))
    if len(rows) > limit:
        raise TooManyPoints(
            f"plus de {limit} mesures brutes : réduisez la période ou choisissez hourly/daily / "
            f"more than {limit} raw readings: shorten the range or ask for hourly or daily"
        )
    return rows


def _points(
    resolution: Resolution, aggregation: Aggregation, decibel: bool, rows: list[tuple[Any, ...]]
) -> list[Point]:
    if resolution is Resolution.raw:
        count = aggregation is Aggregation.count
        return [
            {"start": _utc(ts), "day": None, "value": 1.0 if count else value, "count": 1}
            for _, ts, value in rows
        ]
    value_of = _value_of(aggregation, decibel=decibel)
    if resolution is Resolution.hourly:
        return [
            {"start": _utc(row[1]), "day": None, "value": value_of(row), "count": row[2]}
            for row in rows
        ]
    days = [_day(row[1]) for row in rows]
    return [
        {"start": day_start(day), "day": day, "value": value_of(row), "count": row[2]}
        for day, row in zip(days, rows, strict=True)
    ]


def _value_of(aggregation: Aggregation, *, decibel: bool) -> Callable[[tuple[Any, ...]], Any]:
    """The value of a rollup row (series, bucket, count, sum, min, max, energy_sum), as
    ``buckets.point_value`` computes it."""
    if aggregation is Aggregation.count:
        return lambda row: float(row[2])
    if aggregation is Aggregation.min:
        return lambda row: float(row[4])
    if aggregation is Aggregation.max:
        return lambda row: float(row[5])
    if aggregation is Aggregation.sum:
        return lambda row: float(row[3])
    if decibel:
        return lambda row: (
            float(row[3])
            if row[6] is None and row[2] == 1
            else energetic_mean(None if row[6] is None else float(row[6]), int(row[2]))
        )
    return lambda row: float(row[3]) / row[2] if row[2] else None


def _utc(value: Any) -> datetime | str:
    """A stored UTC time as the answer writes it: ``2026-10-01T00:00:00Z`` (microseconds
    only when there are some). SQLite's text (a rollup's start) is cut and pasted, no
    datetime is built; a reading's time on SQLite is integer microseconds."""
    if isinstance(value, str) and len(value) == _SQLITE_TIME_LENGTH:
        fraction = "" if value.endswith(".000000") else value[19:]
        return f"{value[:10]}T{value[11:19]}{fraction}Z"
    ts = read_time(value)
    assert ts is not None
    return ts


def _day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value
