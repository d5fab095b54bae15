"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime; naive datetimes are refused, never guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = f"naive datetime {value!r}: Convergence stores timezone-aware UTC datetimes only"
            raise ValueError(msg)
        value = value.astimezone(UTC)
        # SQLite has no time zone type: store naive UTC, read back as UTC below.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def epoch_micros(value: datetime) -> int:
    """An aware datetime as whole microseconds since 1970-01-01 UTC (exact, no float)."""
    return (value - EPOCH) // MICROSECOND


def from_epoch_micros(value: int) -> datetime:
    """Microseconds since 1970-01-01 UTC as an aware UTC datetime."""
    return EPOCH + timedelta(microseconds=value)


class CompactUTCDateTime(TypeDecorator[datetime]):
    """``UTCDateTime`` for tables of millions of rows: ``timestamptz`` on PostgreSQL, and on
    SQLite an INTEGER of microseconds since 1970 (8 bytes where the text takes 26, and the
    same microseconds kept)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = f"naive datetime {value!r}: Convergence stores timezone-aware UTC datetimes only"
            raise ValueError(msg)
        return epoch_micros(value) if dialect.name == "sqlite" else value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, int):
            return from_epoch_micros(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL (indexable), JSON text elsewhere.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def as_json(value: Any) -> Any:
    """Identity, named so call sites say that a value goes to a JSON column."""
    return value
