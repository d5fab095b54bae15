"""Tables of series, readings, rollups and events.

A reading is keyed by (series, timestamp): a replayed or duplicated message never creates a
second row. Rollups are keyed by (series, bucket) so that recomputing one is an upsert.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)

from convergence.db.metadata import metadata
from convergence.db.types import CompactUTCDateTime, JSONDoc, UTCDateTime

QUANTITY_LENGTH = 64
UNIT_LENGTH = 20
EVENT_KIND_LENGTH = 64
REASON_LENGTH = 24

# One quantity measured by one asset. ``member_id`` repeats the asset's owner so that the
# member scope filters series without a join; ``last_*`` is the latest value of the series.
series = Table(
    "series",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id"), nullable=False, index=True),
    Column("quantity", String(QUANTITY_LENGTH), nullable=False),
    Column("unit", String(UNIT_LENGTH), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_ts", UTCDateTime, nullable=True),
    Column("last_value", Float, nullable=True),
    # What the qualify stage remembers between batches: the last valid value (``last_*`` is
    # the last value heard, valid or not) and since when the series has repeated its last
    # value (a stuck sensor repeats one value). ``valid_ts`` NULL: the last heard is the last
    # valid; 1970-01-01 with a NULL value: no value was ever valid (``quality.qualify``).
    Column("valid_ts", UTCDateTime, nullable=True),
    Column("valid_value", Float, nullable=True),
    Column("run_start", UTCDateTime, nullable=True),
    UniqueConstraint("asset_id", "quantity"),
)

# The table of millions of rows, kept narrow: on SQLite a WITHOUT ROWID table clustered on
# its key (no second copy of the key in an index) with integer times (``CompactUTCDateTime``);
# on PostgreSQL the columns are ordered so that no padding separates them (4 + 2 + 2 of
# padding, then two 8-byte values, the reason NULL in the row header's bitmap).
readings = Table(
    "readings",
    metadata,
    Column("series_id", ForeignKey("series.id", ondelete="CASCADE"), nullable=False),
    # 0 valid, 1 suspect, 2 invalid (``flags.Flag``), with the reason of a set-aside value.
    Column("quality", SmallInteger, nullable=False, server_default="0"),
    Column("ts", CompactUTCDateTime, nullable=False),
    Column("value", Float, nullable=False),
    Column("quality_reason", String(REASON_LENGTH), nullable=True),
    PrimaryKeyConstraint("series_id", "ts"),
    sqlite_with_rowid=False,
)


def _rollup_columns() -> list[Column[object]]:
    return [
        Column("count", Integer, nullable=False),
        Column("sum", Float, nullable=False),
        Column("min", Float, nullable=False),
        Column("max", Float, nullable=False),
        # Σ10^(L/10) for decibel series, so levels are averaged energetically; NULL otherwise.
        Column("energy_sum", Float, nullable=True),
    ]


# Every stored batch adds to the rows of its hour and day: on PostgreSQL a page keeps room for
# their new versions (HOT updates, pruned in place), so the rollups do not bloat between
# vacuums and their index is not touched by an update.
ROLLUP_STORAGE = {"fillfactor": 70}

# UTC hours (Paris offsets are whole hours, so a local hour is a UTC hour).
readings_hourly = Table(
    "readings_hourly",
    metadata,
    Column(
        "series_id", ForeignKey("series.id", ondelete="CASCADE"), primary_key=True, nullable=False
    ),
    Column("start", UTCDateTime, primary_key=True, nullable=False),
    *_rollup_columns(),
    postgresql_with=ROLLUP_STORAGE,
)

# Local days in Europe/Paris (23 to 25 hours long), keyed by the local date.
readings_daily = Table(
    "readings_daily",
    metadata,
    Column(
        "series_id", ForeignKey("series.id", ondelete="CASCADE"), primary_key=True, nullable=False
    ),
    Column("day", Date, primary_key=True, nullable=False),
    *_rollup_columns(),
    postgresql_with=ROLLUP_STORAGE,
)

# Values set aside (suspect or invalid) per series, Europe/Paris day and reason: the rollups
# above aggregate valid values only, this table says how many others there were and why.
readings_set_aside = Table(
    "readings_set_aside",
    metadata,
    Column(
        "series_id", ForeignKey("series.id", ondelete="CASCADE"), primary_key=True, nullable=False
    ),
    Column("day", Date, primary_key=True, nullable=False),
    Column("reason", String(REASON_LENGTH), primary_key=True, nullable=False),
    Column("count", Integer, nullable=False),
)

# Non-numeric facts: status changes, alarms, OCPP status notifications.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("asset_id", ForeignKey("assets.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("ts", UTCDateTime, nullable=False),
    Column("kind", String(EVENT_KIND_LENGTH), nullable=False),
    Column("payload", JSONDoc, nullable=False),
    # The same message replayed gives the same event: it is stored once.
    UniqueConstraint("asset_id", "kind", "ts"),
    Index("ix_events_member_ts", "member_id", "ts"),
)
