"""Reading every download format back into CSV cells and validating it with frictionless."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pyarrow.parquet as pq
from frictionless import Resource, Schema

from convergence.opendata.tableschemas import SchemaName, offline_descriptor, schema_columns


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_cell(row[name]) for name in columns] for row in rows)
    return out.getvalue().encode()


def parquet_rows(content: bytes) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(io.BytesIO(content)).to_pylist()
    return rows


def geojson_rows(content: bytes) -> list[dict[str, Any]]:
    document = json.loads(content)
    assert document["type"] == "FeatureCollection"
    return [feature["properties"] for feature in document["features"]]


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def as_csv(schema: SchemaName | str, file_format: str, content: bytes) -> bytes:
    """Any downloaded format as a CSV file in the schema's columns."""
    if file_format == "csv":
        return content
    rows = parquet_rows(content) if file_format == "parquet" else geojson_rows(content)
    return to_csv(schema_columns(schema), rows)


def frictionless_errors(schema: SchemaName | str, content: bytes) -> list[list[Any]]:
    """frictionless' errors for ``content`` against the packaged schema (empty: valid)."""
    resource = Resource(
        data=content,
        format="csv",
        encoding="utf-8",
        schema=Schema.from_descriptor(offline_descriptor(schema)),
    )
    report = resource.validate()
    errors: list[list[Any]] = report.flatten(["rowNumber", "fieldName", "type", "note"])
    return errors
