"""OCPP dateTime values: written in UTC with a ``Z``, read back as aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# A charge point clock more than this ahead is wrong; before EARLIEST it was never set.
FUTURE_TOLERANCE = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 2, tzinfo=UTC)


def ocpp_time(instant: datetime) -> str:
    """An OCPP dateTime: UTC, milliseconds, ``Z`` suffix (OCPP-J recommends UTC)."""
    moment = instant.astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_ocpp_time(value: str | None, *, received_at: datetime) -> datetime:
    """The charge point's time if present and plausible, else the time of receipt.

    A time without offset is read as UTC (OCPP-J asks for UTC); an unset or drifting clock
    must not put a status in 1970 or a reading in the future.
    """
    if not value:
        return received_at
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return received_at
    moment = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if moment < EARLIEST or moment > received_at + FUTURE_TOLERANCE:
        return received_at
    return moment
