"""CSV and Parquet export of any time-series query: one flat table per query result.

CSV is UTF-8, comma-separated, timestamps in ISO 8601 UTC, decimal points; Parquet carries
the same columns with their types (timestamps in UTC, dates for local days).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from convergence.csv_output import SafeWriter
from convergence.timeseries.query_schemas import (
    CombinedValues,
    LatestAsset,
    LatestReading,
    SeriesInfo,
    SeriesValues,
)


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    parquet = "parquet"


MEDIA_TYPES = {
    ExportFormat.csv: "text/csv; charset=utf-8",
    ExportFormat.parquet: "application/vnd.apache.parquet",
}
ARROW_TYPES: dict[str, pa.DataType] = {
    "int": pa.int64(),
    "float": pa.float64(),
    "str": pa.string(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}


@dataclass(frozen=True, slots=True)
class FlatTable:
    """Named, typed columns and their rows: what both formats write."""

    columns: tuple[tuple[str, str], ...]  # (name, one of ARROW_TYPES)
    rows: list[tuple[Any, ...]]


SERIES_COLUMNS = (
    ("series_id", "int"),
    ("asset_id", "int"),
    ("member_id", "int"),
    ("quantity", "str"),
    ("unit", "str"),
    ("commune_insee", "str"),
    ("domain", "str"),
)
POINT_COLUMNS = (
    ("resolution", "str"),
    ("aggregation", "str"),
    ("start", "datetime"),
    ("day", "date"),
    ("value", "float"),
    ("count", "int"),
)


def _series_row(info: SeriesInfo) -> tuple[Any, ...]:
    return (
        info.id,
        info.asset_id,
        info.member_id,
        info.quantity,
        info.unit,
        info.commune_insee,
        info.domain,
    )


def series_table(items: Sequence[SeriesInfo]) -> FlatTable:
    """A list of series, one row each."""
    return FlatTable(SERIES_COLUMNS, [_series_row(info) for info in items])


def values_table(items: Sequence[SeriesValues]) -> FlatTable:
    """Points of several series, one row per (series, bucket)."""
    rows = [
        (
            *_series_row(item.series),
            item.resolution.value,
            item.aggregation.value,
            p.start,
            p.day,
            p.value,
            p.count,
        )
        for item in items
        for p in item.points
    ]
    return FlatTable(SERIES_COLUMNS + POINT_COLUMNS, rows)


def combined_table(item: CombinedValues) -> FlatTable:
    """A merged curve, one row per bucket."""
    head = (item.quantity, item.unit, len(item.series_ids))
    rows = [
        (*head, item.resolution.value, item.aggregation.value, p.start, p.day, p.value, p.count)
        for p in item.points
    ]
    columns = (("quantity", "str"), ("unit", "str"), ("series_count", "int"), *POINT_COLUMNS)
    return FlatTable(columns, rows)


def latest_table(items: Sequence[LatestAsset]) -> FlatTable:
    """The map: one row per (asset, series) with its latest value."""
    columns = (
        ("asset_id", "int"),
        ("name", "str"),
        ("kind", "str"),
        ("domain", "str"),
        ("status", "str"),
        ("commune_insee", "str"),
        ("lon", "float"),
        ("lat", "float"),
        ("series_id", "int"),
        ("quantity", "str"),
        ("unit", "str"),
        ("ts", "datetime"),
        ("value", "float"),
        ("set_aside_ts", "datetime"),
        ("set_aside_reason", "str"),
    )
    rows = [
        (a.asset_id, a.name, a.kind, a.domain, a.status, a.commune_insee, a.lon, a.lat, *_of(r))
        for a in items
        for r in a.readings
    ]
    return FlatTable(columns, rows)


def _of(reading: LatestReading) -> tuple[Any, ...]:
    return (
        reading.series_id,
        reading.quantity,
        reading.unit,
        reading.ts,
        reading.value,
        reading.set_aside_ts,
        reading.set_aside_reason,
    )


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv(table: FlatTable) -> bytes:
    """The table as CSV with a header line."""
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\n")
    writer.writerow(name for name, _ in table.columns)
    writer.writerows(_csv_row(row) for row in table.rows)
    return out.getvalue().encode()


def _csv_row(row: Iterable[Any]) -> list[str]:
    return [_csv_cell(value) for value in row]


def to_parquet(table: FlatTable) -> bytes:
    """The table as a Parquet file (zstd-compressed)."""
    arrays = [
        pa.array([row[i] for row in table.rows], type=ARROW_TYPES[kind])
        for i, (_, kind) in enumerate(table.columns)
    ]
    arrow = pa.Table.from_arrays(arrays, names=[name for name, _ in table.columns])
    sink = io.BytesIO()
    pq.write_table(arrow, sink, compression="zstd")
    return sink.getvalue()


def encode(table: FlatTable, export_format: ExportFormat) -> bytes:
    """The table in ``export_format`` (csv or parquet)."""
    if export_format is ExportFormat.parquet:
        return to_parquet(table)
    return to_csv(table)
