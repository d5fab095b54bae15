"""Monthly partitions of ``readings`` on PostgreSQL; SQLite keeps one table and the same API.

Partitions are UTC months named ``readings_pYYYY_MM``; a default partition catches rows of a
month that has no partition yet, so an insert never fails for want of one. Creating a month
moves its rows out of the default partition first. Archive files follow the same UTC months,
so a partition beyond every member's retention is dropped whole once archived.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, text

from convergence.db.types import utcnow

PARENT = "readings"
DEFAULT_PARTITION = "readings_default"
PARTITION_PREFIX = "readings_p"
MONTHS_AHEAD = 3
# Every column of a reading: a value set aside keeps its flag and reason when it moves.
MOVED_COLUMNS = "series_id, quality, ts, value, quality_reason"


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month in UTC, the unit of partitions and archive files."""

    year: int
    month: int

    @classmethod
    def of(cls, ts: datetime) -> Month:
        """The UTC month that contains ``ts``."""
        utc = ts.astimezone(UTC)
        return cls(utc.year, utc.month)

    @classmethod
    def parse(cls, text_: str) -> Month:
        """``2026-03`` → Month(2026, 3); ValueError otherwise."""
        year, _, month = text_.strip().partition("-")
        parsed = cls(int(year), int(month))
        if not 1 <= parsed.month <= 12 or not 1970 <= parsed.year <= 9999:
            raise ValueError(f"{text_!r} is not a month like 2026-03")
        return parsed

    @property
    def start(self) -> datetime:
        """First instant of the month (UTC)."""
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """First instant of the next month (UTC), excluded."""
        return self.next().start

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def partition(self) -> str:
        """Name of this month's partition of ``readings``."""
        return f"{PARTITION_PREFIX}{self.year:04d}_{self.month:02d}"


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last``, both included."""
    months: list[Month] = []
    current = first
    while current <= last:
        months.append(current)
        current = current.next()
    return months


def is_partitioned(conn: Connection) -> bool:
    """True when ``readings`` is a partitioned table (PostgreSQL after migration 0004)."""
    if conn.dialect.name != "postgresql":
        return False
    found = conn.execute(
        text(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = :parent AND pg_table_is_visible(c.oid)"
        ),
        {"parent": PARENT},
    ).first()
    return found is not None


def partition_months(conn: Connection) -> list[Month]:
    """The months that have a partition, oldest first (none on SQLite)."""
    if not is_partitioned(conn):
        return []
    names = conn.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname = :parent AND pg_table_is_visible(p.oid)"
        ),
        {"parent": PARENT},
    ).scalars()
    return sorted(_month_of_partition(name) for name in names if name != DEFAULT_PARTITION)


def _month_of_partition(name: str) -> Month:
    year, month = name.removeprefix(PARTITION_PREFIX).split("_")
    return Month(int(year), int(month))


def ensure_partitions(
    conn: Connection,
    *,
    months_ahead: int = MONTHS_AHEAD,
    since: datetime | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Create the missing partitions from ``since`` (default: this month) to ``months_ahead``.

    Returns the names created; a no-op on SQLite. Run it from maintenance (``convergence
    archive run``) and before a bulk load of old data.
    """
    if not is_partitioned(conn):
        return []
    current = Month.of(now or utcnow())
    last = current
    for _ in range(months_ahead):
        last = last.next()
    first = Month.of(since) if since is not None else current
    return _create_missing(conn, months_between(min(first, current), last))


def ensure_partitions_for(conn: Connection, timestamps: Iterable[datetime]) -> list[str]:
    """Create the partitions of the months of ``timestamps`` (a bulk path's batch)."""
    if not is_partitioned(conn):
        return []
    return _create_missing(conn, sorted({Month.of(ts) for ts in timestamps}))


def _create_missing(conn: Connection, months: Iterable[Month]) -> list[str]:
    existing = set(partition_months(conn))
    created = []
    for month in months:
        if month not in existing:
            create_partition(conn, month)
            created.append(month.partition)
    return created


def create_partition(conn: Connection, month: Month) -> None:
    """Create one month's partition, moving its rows out of the default partition first."""
    bounds = {"start": month.start, "end": month.end}
    # Writers routed to the default partition wait while its rows move (a short lock).
    conn.execute(text(f"LOCK TABLE {DEFAULT_PARTITION} IN SHARE ROW EXCLUSIVE MODE"))
    conn.execute(text(f"CREATE TABLE {month.partition} (LIKE {PARENT} INCLUDING DEFAULTS)"))
    conn.execute(
        text(
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE ts >= :start AND ts < :end "
            f"RETURNING {MOVED_COLUMNS}) "
            f"INSERT INTO {month.partition} ({MOVED_COLUMNS}) SELECT {MOVED_COLUMNS} FROM moved"
        ),
        bounds,
    )
    start, end = (f"'{value.isoformat()}'" for value in (month.start, month.end))
    conn.execute(
        text(
            f"ALTER TABLE {PARENT} ATTACH PARTITION {month.partition} "
            f"FOR VALUES FROM ({start}) TO ({end})"
        )
    )


def drop_partition(conn: Connection, month: Month) -> None:
    """Drop one month's partition and its rows (after they were archived)."""
    conn.execute(text(f"ALTER TABLE {PARENT} DETACH PARTITION {month.partition}"))
    conn.execute(text(f"DROP TABLE {month.partition}"))


def partition_row_count(conn: Connection, month: Month) -> int:
    """Rows stored in one month's partition."""
    count: int = conn.execute(text(f"SELECT count(*) FROM {month.partition}")).scalar_one()
    return count


def drop_empty_partitions_before(conn: Connection, horizon: datetime) -> list[str]:
    """Drop the partitions that end before ``horizon`` and hold no row (months left behind)."""
    dropped = []
    for month in partition_months(conn):
        if (
            month.end <= horizon
            and not conn.execute(
                text(f"SELECT EXISTS (SELECT 1 FROM {month.partition})")
            ).scalar_one()
        ):
            drop_partition(conn, month)
            dropped.append(month.partition)
    return dropped
