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
Rows = dict[int, list[tuple[Any, ...]]]
_SQLITE_TIME_LENGTH = len("2026-10-01 00:00:00.000000")  # as ``UTCDateTime`` stores it
# Rows carry the series id only when several series are read; a rollup row carries only the
# columns its points' values need: on SQLite, building each row's Python objects is most of
# the read's time.
_ROLLUP = (
    'SELECT {series}{bucket}, "count"{values} FROM {table} '
    "WHERE {condition} AND {bucket} >= {mark} AND {bucket} {upper} {mark} "
    "ORDER BY {series}{bucket}"
)
_VALUE_COLUMNS = {
    Aggregation.mean: ', "sum", energy_sum',
    Aggregation.sum: ', "sum"',
    Aggregation.min: ', "min"',
    Aggregation.max: ', "max"',
    Aggregation.count: "",
}
_RAW = (
    "SELECT {series}ts, value FROM readings WHERE {condition} AND ts >= {mark} "
    "AND ts < {mark} AND quality = 0 ORDER BY {series}ts LIMIT {limit}"
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
    read = _Read(conn, infos, time_range, aggregation, limit)
    chosen, by_series = read.rows(chosen, automatic=resolution is None)
    return [
        {
            "series": info.model_dump(),
            "resolution": chosen.value,
            "aggregation": aggregation.value,
            "points": _points(chosen, aggregation, is_decibel(info.unit), by_series[info.id]),
        }
        for info in infos
    ]


class _Read:
    """The rows of the planned series over a range, by series id; each row without its
    series id: (bucket, count, *value columns) for rollups, (time, value) for raw readings."""

    def __init__(
        self,
        conn: Connection,
        infos: Sequence[SeriesInfo],
        time_range: TimeRange,
        aggregation: Aggregation,
        limit: int,
    ) -> None:
        self.conn = conn
        self.ids = sorted(info.id for info in infos)
        self.time_range = time_range
        self.aggregation = aggregation
        self.limit = limit
        self.mark = "%s" if is_postgres(conn) else "?"

    def rows(self, resolution: Resolution, *, automatic: bool) -> tuple[Resolution, Rows]:
        """As ``series_queries._read``: an automatic raw read that finds nothing (archived)
        or too much falls back to hourly rollups."""
        if not self.ids:
            return resolution, {}
        if resolution is not Resolution.raw:
            return resolution, self._rollups(resolution)
        try:
            found = self._raw()
        except TooManyPoints:
            if not automatic:
                raise
            found = {}
        if any(found.values()) or not automatic:
            return resolution, found
        return Resolution.hourly, self._rollups(Resolution.hourly)

    def _rollups(self, resolution: Resolution) -> Rows:
        conn, time_range = self.conn, self.time_range
        if resolution is Resolution.hourly:
            bucket, table, upper = '"start"', "readings_hourly", "<"
            bounds = (
                stored_time(conn, hour_start(time_range.start)),
                stored_time(conn, time_range.end),
            )
        else:
            bucket, table, upper = '"day"', "readings_daily", "<="
            first, last = days_of(time_range)
            bounds = (first, last) if is_postgres(conn) else (first.isoformat(), last.isoformat())
        values = _VALUE_COLUMNS[self.aggregation]
        return self._fetch(_ROLLUP, bounds, bucket=bucket, table=table, upper=upper, values=values)

    def _raw(self) -> Rows:
        bounds = (
            stored_compact_time(self.conn, self.time_range.start),
            stored_compact_time(self.conn, self.time_range.end),
        )
        found = self._fetch(_RAW, bounds, limit=int(self.limit) + 1)
        if sum(len(rows) for rows in found.values()) > self.limit:
            raise TooManyPoints(
                f"plus de {self.limit} mesures brutes : réduisez la période ou choisissez "
                f"hourly/daily / more than {self.limit} raw readings: shorten the range or ask "
                "for hourly or daily"
            )
        return found

    def _fetch(self, template: str, bounds: tuple[Any, Any], **parts: Any) -> Rows:
        several = len(self.ids) > 1
        condition, params = any_of(self.conn, "series_id", self.ids)
        series = "series_id, " if several else ""
        sql = template.format(series=series, condition=condition, mark=self.mark, **parts)
        rows = fetch_tuples(self.conn, sql, (*params, *bounds))
        if not several:
            return {self.ids[0]: rows}
        by_series: Rows = {series_id: [] for series_id in self.ids}
        for row in rows:
            by_series[row[0]].append(row[1:])
        return by_series


def _points(
    resolution: Resolution, aggregation: Aggregation, decibel: bool, rows: list[tuple[Any, ...]]
) -> list[Point]:
    if resolution is Resolution.raw:
        count = aggregation is Aggregation.count
        return [
            {"start": _utc(ts), "day": None, "value": 1.0 if count else value, "count": 1}
            for ts, value in rows
        ]
    value_of = _value_of(aggregation, decibel=decibel)
    if resolution is Resolution.hourly:
        starts = _utc_column([row[0] for row in rows])
        return [
            {"start": start, "day": None, "value": value_of(row), "count": row[1]}
            for start, row in zip(starts, rows, strict=True)
        ]
    days = [_day(row[0]) for row in rows]
    return [
        {"start": day_start(day), "day": day, "value": value_of(row), "count": row[1]}
        for day, row in zip(days, rows, strict=True)
    ]


def _value_of(aggregation: Aggregation, *, decibel: bool) -> Callable[[tuple[Any, ...]], Any]:
    """The value of a rollup row (bucket, count, *``_VALUE_COLUMNS``), as
    ``buckets.point_value`` computes it."""
    if aggregation is Aggregation.count:
        return lambda row: float(row[1])
    if aggregation is not Aggregation.mean:
        return lambda row: float(row[2])  # the min, max or sum column
    if decibel:
        return _energetic_value
    return lambda row: float(row[2]) / row[1] if row[1] else None


def _energetic_value(row: tuple[Any, ...]) -> float | None:
    """The energetic mean of a (bucket, count, sum, energy_sum) row; a lone raw reading's
    level is the level itself."""
    _, count, total, energy = row
    if energy is None:
        return float(total) if count == 1 else None
    return energetic_mean(energy, count)


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


def _utc_column(values: list[Any]) -> list[datetime | str]:
    """:func:`_utc` of a column of stored times, with no call per whole hour on SQLite."""
    if values and isinstance(values[0], str):
        return [f"{v[:10]}T{v[11:19]}Z" if v.endswith(".000000") else _utc(v) for v in values]
    return [_utc(v) for v in values]


def _day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value
