"""CSV cells as the Table Schemas read them: empty for missing, ISO 8601, decimal points."""

from __future__ import annotations

from datetime import UTC, date, datetime


def text(value: object | None) -> str:
    return "" if value is None else str(value).strip()


def number(value: float | None, decimals: int = 4) -> str:
    """A decimal number without trailing zeros (``55.2``, ``3``)."""
    if value is None:
        return ""
    written = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if written in ("-0", "") else written


def coordinate(value: float | None) -> str:
    """WGS84 degrees with 6 decimals (about 10 cm)."""
    return "" if value is None else f"{value:.6f}"


def day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def instant(value: datetime | None) -> str:
    """ISO 8601 in UTC with a Z (``2026-03-01T08:00:00Z``)."""
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
