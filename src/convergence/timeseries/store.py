"""Writing readings and events: batched, idempotent, rollups updated in the same transaction.

Readings go in with ``INSERT … ON CONFLICT DO NOTHING RETURNING``; only the rows that come
back (those actually inserted) feed the rollups and the latest values, so a duplicate never
counts twice. On PostgreSQL a batch is first COPY'd into a temporary table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convergence.db.driver import any_of, fetch_tuples
from convergence.db.types import utcnow
from convergence.errors import InvalidInput
from convergence.timeseries import bulk, rollups
from convergence.timeseries.flags import VALID, Quality
from convergence.timeseries.tables import events, readings, series

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the pipeline stores what an authenticated receiver resolved"

ReadingRow = bulk.ReadingRow  # (series_id, ts, value)
QualityMap = Mapping[tuple[int, datetime], Quality]  # (series_id, UTC ts) -> flag, reason
EventKey = tuple[int, str, datetime]  # (asset_id, kind, ts)
STORED_VALUES_CHUNK = 500


@dataclass(frozen=True, slots=True)
class SeriesKey:
    """What identifies a series: one quantity of one asset (and its unit, on creation)."""

    asset_id: int
    member_id: int
    quantity: str
    unit: str


class SeriesRef(NamedTuple):
    """A series as the store finds it (a tuple: a batch makes hundreds of them, and a frozen
    dataclass costs several times more to build)."""

    id: int
    asset_id: int
    quantity: str
    unit: str
    member_id: int = 0

    @property
    def decibel(self) -> bool:
        return rollups.is_decibel(self.unit)


@dataclass(frozen=True, slots=True)
class NewEvent:
    asset_id: int
    member_id: int
    ts: datetime
    kind: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NewReading:
    """One value of one quantity of one asset, in the quantity's unit."""

    asset_id: int
    member_id: int
    quantity: str
    unit: str
    ts: datetime
    value: float

    @property
    def series_key(self) -> SeriesKey:
        return SeriesKey(self.asset_id, self.member_id, self.quantity, self.unit)


@dataclass(slots=True)
class StoreResult:
    """What a batch changed: rows inserted (valid or not), duplicates ignored, events stored."""

    inserted: list[ReadingRow] = field(default_factory=list)
    duplicates: int = 0
    events_inserted: int = 0
    # The inserted rows that are valid: what rollups, alerts and indicators take in.
    valid: list[ReadingRow] = field(default_factory=list)

    @property
    def set_aside(self) -> int:
        return len(self.inserted) - len(self.valid)


def ensure_series(conn: Connection, keys: Iterable[SeriesKey]) -> dict[tuple[int, str], SeriesRef]:
    """The series of each (asset, quantity), created when missing; existing ones keep their unit."""
    wanted = {(k.asset_id, k.quantity): k for k in keys}
    if not wanted:
        return {}
    found = _select_series(conn, wanted)
    missing = [key for pair, key in sorted(wanted.items()) if pair not in found]
    if missing:
        now = utcnow()
        rows = [
            {
                "asset_id": k.asset_id,
                "member_id": k.member_id,
                "quantity": k.quantity,
                "unit": k.unit,
                "created_at": now,
            }
            for k in missing
        ]
        conn.execute(_dialect_insert(conn, series).on_conflict_do_nothing(), rows)
        found.update(_select_series(conn, {(k.asset_id, k.quantity): k for k in missing}))
    return found


def _select_series(
    conn: Connection, wanted: dict[tuple[int, str], SeriesKey]
) -> dict[tuple[int, str], SeriesRef]:
    # Plain driver SQL: this runs for every ingested batch.
    condition, params = any_of(conn, "asset_id", sorted({asset_id for asset_id, _ in wanted}))
    sql = f"SELECT id, asset_id, quantity, unit, member_id FROM series WHERE {condition}"
    rows = fetch_tuples(conn, sql, params)
    return {
        (asset_id, quantity): SeriesRef(sid, asset_id, quantity, unit, member_id)
        for sid, asset_id, quantity, unit, member_id in rows
        if (asset_id, quantity) in wanted
    }


def store_readings(
    conn: Connection,
    new_readings: Sequence[NewReading],
    *,
    quality: QualityMap | None = None,
    qualify: Callable[[Connection, Sequence[ReadingRow]], QualityMap] | None = None,
) -> StoreResult:
    """Store readings of any assets; InvalidInput if a unit differs from its series' unit.

    Without ``quality`` every reading is valid: callers that take data from outside qualify
    it first, or pass the qualify stage (``convergence.quality.qualify``) as ``qualify``.
    """
    refs = ensure_series(conn, (r.series_key for r in new_readings))
    rows: list[ReadingRow] = []
    for reading in new_readings:
        ref = refs[(reading.asset_id, reading.quantity)]
        if ref.unit != reading.unit:
            raise InvalidInput(unit_mismatch(ref, reading.unit))
        rows.append((ref.id, reading.ts, reading.value))
    decibels = frozenset(ref.id for ref in refs.values() if ref.decibel)
    if qualify is not None:
        quality = qualify(conn, rows)
    return insert_readings(conn, rows, decibel_series=decibels, quality=quality)


def unit_mismatch(ref: SeriesRef, unit: str) -> str:
    """Why a value in ``unit`` cannot join the series ``ref``."""
    return (
        f"unité {unit!r} différente de celle de la série ({ref.unit!r}) / unit {unit!r} differs "
        f"from the unit of series {ref.id} ({ref.quantity} in {ref.unit!r})"
    )


def insert_readings(
    conn: Connection,
    rows: Sequence[ReadingRow],
    *,
    decibel_series: frozenset[int],
    quality: QualityMap | None = None,
) -> StoreResult:
    """Insert readings idempotently with their quality flag (valid unless ``quality`` says
    otherwise); valid ones go to the rollups and latest values, the others are counted."""
    unique = sorted({(sid, ts.astimezone(UTC)): value for sid, ts, value in rows}.items())
    flags = quality or {}
    batch: list[bulk.QualifiedRow] = []
    for (sid, ts), value in unique:
        flag, reason = flags.get((sid, ts), VALID)
        batch.append((sid, ts, value, int(flag), None if reason is None else str(reason)))
    if conn.dialect.name == "postgresql":
        qualified = bulk.store_postgres(conn, batch, decibel_series=decibel_series)
    else:
        qualified = bulk.insert_readings_sqlite(conn, batch)
        valid_rows = [(s, t, v) for s, t, v, flag, _ in qualified if not flag]
        rollups.apply_rows(conn, *rollups.rollup_rows(valid_rows, decibel_series=decibel_series))
        bulk.add_set_aside(conn, rollups.set_aside_counts(qualified))
        bulk.update_latest_sqlite(conn, _newest(qualified))
    inserted = [(s, t, v) for s, t, v, _, _ in qualified]
    valid = [(s, t, v) for s, t, v, flag, _ in qualified if not flag] if flags else inserted
    return StoreResult(inserted=inserted, duplicates=len(rows) - len(inserted), valid=valid)


def stored_values(
    conn: Connection, keys: Iterable[tuple[int, datetime]]
) -> dict[tuple[int, datetime], float]:
    """The values already stored at these (series, UTC time) keys, for those that exist."""
    by_series: dict[int, list[datetime]] = {}
    for series_id, ts in keys:
        by_series.setdefault(series_id, []).append(ts)
    found: dict[tuple[int, datetime], float] = {}
    for series_id, stamps in by_series.items():
        for start in range(0, len(stamps), STORED_VALUES_CHUNK):
            query = select(readings.c.ts, readings.c.value).where(
                readings.c.series_id == series_id,
                readings.c.ts.in_(stamps[start : start + STORED_VALUES_CHUNK]),
            )
            for ts, value in conn.execute(query):
                found[(series_id, ts.astimezone(UTC))] = value
    return found


def _newest(inserted: Iterable[bulk.QualifiedRow]) -> dict[int, tuple[datetime, float]]:
    newest: dict[int, tuple[datetime, float]] = {}
    for sid, ts, value, _, _ in inserted:
        if sid not in newest or ts > newest[sid][0]:
            newest[sid] = (ts, value)
    return newest


def insert_events(conn: Connection, new_events: Sequence[NewEvent]) -> list[EventKey]:
    """Store events; the same (asset, kind, ts) twice is stored once. Returns the new ones."""
    if not new_events:
        return []
    unique = {(e.asset_id, e.kind, e.ts.astimezone(UTC)): e for e in new_events}
    rows = [
        {"asset_id": a, "member_id": e.member_id, "ts": t, "kind": k, "payload": e.payload}
        for (a, k, t), e in sorted(unique.items(), key=lambda item: item[0])
    ]
    statement = (
        _dialect_insert(conn, events)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(events.c.asset_id, events.c.kind, events.c.ts)
    )
    return [(r.asset_id, r.kind, r.ts) for r in conn.execute(statement)]


def _dialect_insert(conn: Connection, table: Any) -> Any:
    return pg_insert(table) if conn.dialect.name == "postgresql" else sqlite_insert(table)
