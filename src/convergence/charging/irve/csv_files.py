"""CSV cells and files exactly as the IRVE schemas read them."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum

from convergence.charging.irve.schemas import IrveKind, schema_columns
from convergence.csv_output import SafeWriter

MEDIA_TYPE = "text/csv; charset=utf-8"


def text_cell(value: str | StrEnum | None) -> str:
    """A text cell; ``None`` and blanks become the schema's missing value (empty)."""
    return "" if value is None else str(value).strip()


def flag_cell(value: bool | None) -> str:
    """A boolean cell, lowercase as in the official example."""
    if value is None:
        return ""
    return "true" if value else "false"


def number_cell(value: float | None) -> str:
    """A decimal number without trailing zeros (``22``, ``7.4``)."""
    if value is None:
        return ""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def date_cell(value: date | None) -> str:
    """A ``YYYY-MM-DD`` date cell."""
    return "" if value is None else value.isoformat()


def timestamp_cell(value: datetime) -> str:
    """An ISO 8601 UTC timestamp with its offset (``2024-05-01T08:00:00+00:00``)."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def format_coordinates(longitude: float, latitude: float) -> str:
    """``[lon,lat]`` as the IRVE geopoint (array format) wants: longitude first, no space."""
    return f"[{longitude:.6f},{latitude:.6f}]"


def write_csv(kind: IrveKind, rows: Sequence[Mapping[str, str]]) -> bytes:
    """UTF-8 CSV with exactly the schema's columns, in the schema's order."""
    columns = schema_columns(kind)
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        if set(row) != set(columns):
            raise ValueError(f"row columns differ from the {kind} schema: {sorted(row)}")
        writer.writerow([row[column] for column in columns])
    return buffer.getvalue().encode("utf-8")


def read_csv_rows(content: bytes) -> list[dict[str, str]]:
    """Rows of a CSV file keyed by its header (for labelling problems, not for validating)."""
    text = content.decode("utf-8-sig", errors="replace")
    # csv.reader keeps blank lines as empty rows, so indexes match frictionless row numbers.
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return []  # frictionless reports what is wrong with the file; labels fall back
    if not lines:
        return []
    header = lines[0]
    return [dict(zip(header, line, strict=False)) for line in lines[1:]]
