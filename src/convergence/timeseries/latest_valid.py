"""The latest valid value of series, and why the last value heard was set aside.

A map or an equipment page shows what a series says now: its last *valid* value. The last
value heard may have been set aside (a spike, a fallen meter index, a faulty asset…): then
the last valid one is shown with the reason the newer one was set aside, and a series none
of whose values is valid shows no value at all, never its last invalid one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, func, select
from sqlalchemy.sql.selectable import NamedFromClause

from convergence.timeseries.flags import Flag
from convergence.timeseries.tables import readings, series

UNSCOPED_REASON = "reads the readings of series its caller selected through a member scope"


@dataclass(frozen=True, slots=True)
class HeardState:
    """What a series row holds of its last value heard and of the qualify stage's memory."""

    series_id: int
    last_ts: datetime | None
    last_value: float | None
    valid_ts: datetime | None
    valid_value: float | None
    heard_quality: int | None  # the flag of the last reading heard (None: not stored)
    heard_reason: str | None


@dataclass(frozen=True, slots=True)
class LatestValid:
    """The last valid value (None when none is valid) and the last value set aside after it."""

    ts: datetime | None
    value: float | None
    set_aside_ts: datetime | None = None
    set_aside_reason: str | None = None


def heard_reading() -> NamedFromClause:
    """The readings table aliased for the last reading heard of each series (a key lookup)."""
    return readings.alias("heard")


def heard_join(heard: NamedFromClause) -> ColumnElement[bool]:
    """Join condition of a series and its last reading heard."""
    # Not ``heard.ts == series.last_ts``: on SQLite the readings keep integer times and the
    # series text ones, and two columns are compared as stored. The key's last entry is a seek.
    latest = readings.alias("latest")
    last_ts = select(func.max(latest.c.ts)).where(latest.c.series_id == series.c.id)
    return and_(heard.c.series_id == series.c.id, heard.c.ts == last_ts.scalar_subquery())


def latest_valid(conn: Connection, states: Iterable[HeardState]) -> dict[int, LatestValid]:
    """The latest valid value of each series, by series id."""
    found: dict[int, LatestValid] = {}
    unknown: list[HeardState] = []
    for state in states:
        if state.heard_quality is None or state.heard_quality == Flag.valid:
            found[state.series_id] = LatestValid(state.last_ts, state.last_value)
        elif state.valid_ts is not None and state.valid_value is not None:
            found[state.series_id] = LatestValid(
                state.valid_ts, state.valid_value, state.last_ts, state.heard_reason
            )
        else:
            unknown.append(state)
    # The qualify stage remembers no valid value apart (or remembers there was none): read
    # the readings (rare: a series never valid, or a period people invalidated later).
    stored = _last_valid_readings(conn, [s.series_id for s in unknown])
    for state in unknown:
        ts, value = stored.get(state.series_id, (None, None))
        found[state.series_id] = LatestValid(ts, value, state.last_ts, state.heard_reason)
    return found


def _last_valid_readings(
    conn: Connection, series_ids: list[int]
) -> Mapping[int, tuple[datetime, float]]:
    if not series_ids:
        return {}
    last = (
        select(readings.c.series_id, func.max(readings.c.ts).label("ts"))
        .where(readings.c.series_id.in_(sorted(series_ids)), readings.c.quality == Flag.valid)
        .group_by(readings.c.series_id)
        .subquery()
    )
    rows = conn.execute(
        select(readings.c.series_id, readings.c.ts, readings.c.value).join(
            last, and_(readings.c.series_id == last.c.series_id, readings.c.ts == last.c.ts)
        )
    )
    return {sid: (ts, value) for sid, ts, value in rows}
