"""Writing a validated CSV file again as GeoJSON or Parquet, typed by its Table Schema.

The CSV file is what frictionless validated; the other formats are derived from its cells,
so every format carries exactly the same rows and values.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from convergence.opendata.kinds import DownloadFormat
from convergence.opendata.specs import Geometry, ResourceSpec
from convergence.opendata.tableschemas import schema_fields

_DEFAULT_TRUE = ("true", "True", "TRUE", "1")
_ARROW_TYPES: dict[str, pa.DataType] = {
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us", tz="UTC"),
}


def write_csv(columns: Sequence[str], rows: Sequence[Mapping[str, str]]) -> bytes:
    """UTF-8 CSV (RFC 4180 line ends) with exactly ``columns``, in that order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([row.get(column, "") for column in columns] for row in rows)
    return buffer.getvalue().encode("utf-8")


def read_csv(content: bytes) -> list[dict[str, str]]:
    """Rows of a CSV file keyed by its header."""
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def _datetime(cell: str) -> datetime:
    value = datetime.fromisoformat(cell)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _converter(field: Mapping[str, Any]) -> Callable[[str], Any]:
    kind = field["type"]
    if kind == "integer":
        return int
    if kind == "number":
        return float
    if kind == "boolean":
        true_values = tuple(field.get("trueValues", _DEFAULT_TRUE))
        return lambda cell: cell in true_values
    if kind == "date":
        return date.fromisoformat
    if kind == "datetime":
        return _datetime
    return str


def typed_rows(spec: ResourceSpec, content: bytes) -> list[dict[str, Any]]:
    """The rows of a validated CSV file with Python values; empty cells are None."""
    converters = {field["name"]: _converter(field) for field in schema_fields(spec.schema)}
    return [
        {
            name: (convert(row[name]) if row.get(name) else None)
            for name, convert in converters.items()
        }
        for row in read_csv(content)
    ]


def to_parquet(spec: ResourceSpec, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """A Parquet file with one typed column per schema field (zstd)."""
    fields = schema_fields(spec.schema)
    arrow_schema = pa.schema(
        [pa.field(f["name"], _ARROW_TYPES.get(f["type"], pa.string())) for f in fields],
        metadata={"table_schema": str(spec.schema)},
    )
    columns = {f["name"]: [row[f["name"]] for row in rows] for f in fields}
    table = pa.Table.from_pydict(columns, schema=arrow_schema)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _point(geometry: Geometry, row: Mapping[str, Any]) -> dict[str, Any] | None:
    if geometry.geopoint:
        cell = row[geometry.geopoint]
        coordinates = json.loads(cell) if cell else None
    else:
        lon, lat = row[geometry.lon], row[geometry.lat]
        coordinates = [lon, lat] if lon is not None and lat is not None else None
    return {"type": "Point", "coordinates": coordinates} if coordinates else None


def to_geojson(spec: ResourceSpec, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """An RFC 7946 FeatureCollection: one feature per row, a null geometry when unlocated."""
    if spec.geometry is None:
        raise ValueError(f"{spec.name} has no position to map")
    features = [
        {
            "type": "Feature",
            "geometry": _point(spec.geometry, row),
            "properties": {name: _json_value(value) for name, value in row.items()},
        }
        for row in rows
    ]
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode(spec: ResourceSpec, content: bytes, file_format: DownloadFormat) -> bytes:
    """The validated CSV ``content`` in ``file_format``."""
    if file_format is DownloadFormat.csv:
        return content
    rows = typed_rows(spec, content)
    if file_format is DownloadFormat.geojson:
        return to_geojson(spec, rows)
    return to_parquet(spec, rows)
