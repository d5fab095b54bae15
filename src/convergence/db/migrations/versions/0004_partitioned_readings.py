"""readings partitioned by month on PostgreSQL (no-op on SQLite)

The table is rebuilt as ``PARTITION BY RANGE (ts)`` with one partition per UTC month from the
oldest reading to three months ahead, plus a default partition that catches rows of months
without one. The primary key (series_id, ts) contains the partition key, as PostgreSQL
requires, and serves every query of one series over a time range. The SQL is written out
here rather than imported, so that this revision keeps doing what it did when it shipped.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

MONTHS_AHEAD = 3


def _month_start(year: int, month: int) -> datetime:
    return datetime(year + (month - 1) // 12, (month - 1) % 12 + 1, 1, tzinfo=UTC)


def _months(oldest: datetime | None) -> list[tuple[datetime, datetime]]:
    now = datetime.now(UTC)
    first = (oldest or now).astimezone(UTC)
    year, month = first.year, first.month
    last = _month_start(now.year, now.month + MONTHS_AHEAD)
    bounds = []
    while (start := _month_start(year, month)) <= last:
        bounds.append((start, _month_start(year, month + 1)))
        month += 1
    return bounds


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE readings RENAME TO readings_unpartitioned")
    op.execute(
        "ALTER TABLE readings_unpartitioned RENAME CONSTRAINT pk_readings TO pk_readings_old"
    )
    op.execute(
        "ALTER TABLE readings_unpartitioned "
        "RENAME CONSTRAINT fk_readings_series_id_series TO fk_readings_old_series"
    )
    op.execute(
        "CREATE TABLE readings ("
        "series_id integer NOT NULL, ts timestamp with time zone NOT NULL, "
        "value double precision NOT NULL, "
        "CONSTRAINT pk_readings PRIMARY KEY (series_id, ts), "
        "CONSTRAINT fk_readings_series_id_series FOREIGN KEY (series_id) "
        "REFERENCES series (id) ON DELETE CASCADE"
        ") PARTITION BY RANGE (ts)"
    )
    op.execute("CREATE TABLE readings_default PARTITION OF readings DEFAULT")
    oldest = op.get_bind().execute(sa.text("SELECT min(ts) FROM readings_unpartitioned")).scalar()
    for start, end in _months(oldest):
        op.execute(
            f"CREATE TABLE readings_p{start.year:04d}_{start.month:02d} PARTITION OF readings "
            f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
        )
    op.execute("INSERT INTO readings SELECT series_id, ts, value FROM readings_unpartitioned")
    op.execute("DROP TABLE readings_unpartitioned")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE readings RENAME TO readings_partitioned")
    op.execute("ALTER TABLE readings_partitioned RENAME CONSTRAINT pk_readings TO pk_readings_part")
    op.execute(
        "ALTER TABLE readings_partitioned "
        "RENAME CONSTRAINT fk_readings_series_id_series TO fk_readings_part_series"
    )
    op.execute(
        "CREATE TABLE readings ("
        "series_id integer NOT NULL, ts timestamp with time zone NOT NULL, "
        "value double precision NOT NULL, "
        "CONSTRAINT pk_readings PRIMARY KEY (series_id, ts), "
        "CONSTRAINT fk_readings_series_id_series FOREIGN KEY (series_id) "
        "REFERENCES series (id) ON DELETE CASCADE)"
    )
    op.execute("INSERT INTO readings SELECT series_id, ts, value FROM readings_partitioned")
    op.execute("DROP TABLE readings_partitioned")
