"""readings made narrower: integer times and no rowid on SQLite, no padding on PostgreSQL

SQLite: the table is rebuilt ``WITHOUT ROWID`` (the rows are stored in the order of their key
(series_id, ts), so the key is no longer kept a second time in an index) and ``ts`` becomes an
INTEGER of microseconds since 1970 (``CompactUTCDateTime``), 8 bytes instead of 26 of text.
PostgreSQL: the partitioned table is rebuilt with its columns in the order (series_id,
quality, ts, value, quality_reason), which leaves no padding in a row, each partition with the
bounds it had; the rows are copied in key order, so the key's index is built compact. The
hourly and daily rollups, updated by every batch, keep 30 % of each page free (fillfactor 70)
for the new versions of their rows.
The SQL is written out here rather than imported, so that this revision keeps doing what it
did when it shipped.

Revision ID: 0023
Revises: 0019
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0019"
branch_labels = None
depends_on = None

ROLLUPS = ("readings_hourly", "readings_daily")
COLUMNS = "series_id, quality, ts, value, quality_reason"
_CONSTRAINTS = (
    "CONSTRAINT pk_readings PRIMARY KEY (series_id, ts), "
    "CONSTRAINT fk_readings_series_id_series FOREIGN KEY (series_id) "
    "REFERENCES series (id) ON DELETE CASCADE"
)
_SQLITE_TABLE = (
    "CREATE TABLE {name} (series_id INTEGER NOT NULL, quality SMALLINT DEFAULT '0' NOT NULL, "
    "ts {ts} NOT NULL, value FLOAT NOT NULL, quality_reason VARCHAR(24), "
    f"{_CONSTRAINTS}){{suffix}}"
)
# ``2026-10-01 00:00:00.000123`` (UTCDateTime's text, naive UTC) ⇄ 1790812800000123.
_TEXT_TO_MICROS = (
    "unixepoch(substr(ts, 1, 19)) * 1000000 + "
    "CASE WHEN length(ts) > 20 THEN CAST(substr(ts || '000000', 21, 6) AS INTEGER) ELSE 0 END"
)
_MICROS_TO_TEXT = (
    "strftime('%Y-%m-%d %H:%M:%S', ts / 1000000, 'unixepoch') || printf('.%06d', ts % 1000000)"
)
_POSTGRES_NEW = (
    "series_id integer NOT NULL, quality smallint DEFAULT 0 NOT NULL, "
    "ts timestamp with time zone NOT NULL, value double precision NOT NULL, "
    "quality_reason varchar(24)"
)
_POSTGRES_OLD = (
    "series_id integer NOT NULL, ts timestamp with time zone NOT NULL, "
    "value double precision NOT NULL, quality smallint DEFAULT 0 NOT NULL, "
    "quality_reason varchar(24)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rebuild_postgres(_POSTGRES_NEW)
        for table in ROLLUPS:
            op.execute(f"ALTER TABLE {table} SET (fillfactor = 70)")
    else:
        _rebuild_sqlite(ts_type="BIGINT", ts_value=_TEXT_TO_MICROS, suffix=" WITHOUT ROWID")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rebuild_postgres(_POSTGRES_OLD)
        for table in ROLLUPS:
            op.execute(f"ALTER TABLE {table} RESET (fillfactor)")
    else:
        _rebuild_sqlite(ts_type="DATETIME", ts_value=_MICROS_TO_TEXT, suffix="")


def _rebuild_sqlite(*, ts_type: str, ts_value: str, suffix: str) -> None:
    op.execute(_SQLITE_TABLE.format(name="readings_0023", ts=ts_type, suffix=suffix))
    op.execute(
        f"INSERT INTO readings_0023 ({COLUMNS}) "
        f"SELECT series_id, quality, {ts_value}, value, quality_reason FROM readings "
        "ORDER BY series_id, ts"
    )
    op.execute("DROP TABLE readings")
    op.execute("ALTER TABLE readings_0023 RENAME TO readings")


def _rebuild_postgres(columns: str) -> None:
    """Rebuild ``readings`` with ``columns`` in this order, partitioned as it was."""
    conn = op.get_bind()
    bounds = conn.execute(
        sa.text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname = 'readings' AND pg_table_is_visible(p.oid) ORDER BY c.relname"
        )
    ).all()
    op.execute(f"CREATE TEMPORARY TABLE readings_0023 AS SELECT {COLUMNS} FROM readings")
    op.execute("DROP TABLE readings CASCADE")
    partitioned = " PARTITION BY RANGE (ts)" if bounds else ""
    op.execute(f"CREATE TABLE readings ({columns}, {_CONSTRAINTS}){partitioned}")
    for name, bound in bounds:
        op.execute(f'CREATE TABLE "{name}" PARTITION OF readings {bound}')
    op.execute(
        f"INSERT INTO readings ({COLUMNS}) SELECT {COLUMNS} FROM readings_0023 "
        "ORDER BY series_id, ts"
    )
    op.execute("DROP TABLE readings_0023")
