"""The qualify stage: a flag and a reason for every reading, before it is stored.

It runs on a batch of rows already tied to their series, inside the caller's transaction:
one query reads what each series remembers (last valid value, last value heard, since when it
repeats it), its asset's status and its device model's rules, another the periods people
set; one statement writes the memory back. A value judged suspect or invalid is stored all
the same, with its flag, and stays out of the rollups.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter

from sqlalchemy import Connection, select

from convergence.db.driver import any_of, fetch_tuples, read_json, read_time, stored_time
from convergence.quality.rules import HOUR_S, Rule, rule_for
from convergence.registry.kinds import AssetStatus
from convergence.timeseries.bulk import ReadingRow, sqlite_time
from convergence.timeseries.flags import FLAG_OF, VALID, Flag, Quality, Reason
from convergence.timeseries.tables import readings

# Public functions that read and write members' rows without a scope (by plain SQL), and why.
UNSCOPED = {
    "qualify": "the pipeline qualifies rows of series it resolved for an authenticated sender",
}
Key = tuple[int, datetime]
# Stored as ``series.valid_ts`` (with a NULL value) when no value of the series was ever
# valid: NULL alone means « the last value heard is the last valid one ».
NEVER_VALID = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class _Memory:
    """What one series remembers between values, updated as the batch goes."""

    rule: Rule
    faulty: bool
    asset_id: int
    valid_ts: datetime | None
    valid_value: float | None
    heard_ts: datetime | None
    heard_value: float | None
    run_start: datetime | None
    heard_set_aside: bool = False
    stored: tuple[datetime | None, float | None, datetime | None] = (None, None, None)

    def to_store(self) -> tuple[datetime | None, float | None, datetime | None]:
        """(valid_ts, valid_value, run_start) as stored: NULL when equal to the last heard.

        Most values are valid and differ from the one before: then nothing is stored, and
        the batch writes nothing back.
        """
        run = None if self.run_start == self.heard_ts else self.run_start
        if self.valid_ts is None and self.heard_ts is not None:
            return NEVER_VALID, None, run
        valid_same = self.valid_ts == self.heard_ts
        return (
            None if valid_same else self.valid_ts,
            None if valid_same else self.valid_value,
            run,
        )


@dataclass(frozen=True, slots=True)
class _Period:
    start: datetime
    end: datetime
    quality: Quality


def qualify(conn: Connection, rows: Sequence[ReadingRow]) -> dict[Key, Quality]:
    """The flag of every row that is not valid, keyed by (series, ts); remembers the series.

    Rows are judged series by series, in time order; a series without periods set by people
    and whose asset works takes the tight loop of ``_judge_run``.
    """
    if not rows:
        return {}
    memories = _memories(conn, {sid for sid, _, _ in rows})
    periods = _periods(conn, memories, rows)
    late = _LateNeighbours(conn, memories, rows)
    by_series: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    for sid, ts, value in rows:
        by_series[sid].append((ts, value))
    flags: dict[Key, Quality] = {}
    for sid in sorted(by_series):
        memory = memories.get(sid)
        if memory is None:
            continue
        series_rows = by_series[sid]
        if len(series_rows) > 1:  # most series have a value or two in a batch
            series_rows.sort(key=_TIME)  # stable: values at one time stay as they came
        asset_periods = periods.get(memory.asset_id, ())
        if asset_periods or memory.faulty:
            judged = _judge_each(memory, asset_periods, late, sid, series_rows)
        else:
            judged = _judge_run(memory, late, sid, series_rows)
        for ts, quality in judged:
            flags[(sid, ts)] = quality
    _write_memories(conn, memories)
    return flags


_TIME = itemgetter(0)


def _judge_each(
    memory: _Memory,
    periods: Sequence[_Period],
    late: _LateNeighbours,
    sid: int,
    rows: list[tuple[datetime, float]],
) -> list[tuple[datetime, Quality]]:
    """The values of one series that are not valid, judged one by one (the general way)."""
    set_aside = []
    for ts, value in rows:
        quality = _judge(memory, periods, ts, value)
        if quality is VALID and not _in_order(memory, ts) and late.is_spike(sid, ts, value):
            quality = FLAG_OF[Reason.spike], Reason.spike
        if quality[0] is not Flag.valid:
            set_aside.append((ts, quality))
        _remember(memory, ts, value, quality)
    return set_aside


_RANGE: Quality = (FLAG_OF[Reason.range], Reason.range)
_SPIKE: Quality = (FLAG_OF[Reason.spike], Reason.spike)
_FLAT: Quality = (FLAG_OF[Reason.flat_line], Reason.flat_line)
_DECREASED: Quality = (FLAG_OF[Reason.index_decreased], Reason.index_decreased)


def _judge_run(
    memory: _Memory, late: _LateNeighbours, sid: int, rows: list[tuple[datetime, float]]
) -> list[tuple[datetime, Quality]]:
    """As ``_judge_each`` for a series without periods on a working asset, in one tight loop:
    late values (at or before the last heard) first, then the range, step and flat tests."""
    heard = memory.heard_ts
    first = 0
    if heard is not None:
        while first < len(rows) and rows[first][0] <= heard:
            first += 1
    set_aside = _judge_each(memory, (), late, sid, rows[:first]) if first else []
    in_order = rows[first:] if first else rows
    rule = memory.rule
    low = -math.inf if rule.low is None else rule.low
    high = math.inf if rule.high is None else rule.high
    step, flat = rule.step_per_hour, rule.flat_hours is not None
    min_interval, cumulative = rule.step_min_interval_s, rule.cumulative
    for ts, value in in_order:
        # Each test is asked only when the value departs from the last valid or repeats the
        # last heard: the common value (in range, moving, close to the last) calls nothing.
        valid_value = memory.valid_value
        if not low <= value <= high:
            quality = _RANGE
        elif (
            cumulative
            and valid_value is not None
            and value < valid_value * (1 - 1e-12)
            and _has_decreased(memory, ts, value)
        ):
            quality = _DECREASED
        elif (
            step is not None
            and valid_value is not None
            and memory.valid_ts is not None
            and _departs(
                step, min_interval, (ts - memory.valid_ts).total_seconds(), value - valid_value
            )
            and _is_spike(memory, ts, value)
        ):
            quality = _SPIKE
        elif flat and value == memory.heard_value and _is_flat(memory, ts, value):
            quality = _FLAT
        else:
            # The common case, remembered inline: a valid value after the last heard (a
            # second value at the same time, not after it, is remembered by nobody).
            if memory.heard_ts is not None and ts <= memory.heard_ts:
                continue
            if memory.heard_value != value or memory.run_start is None:
                memory.run_start = ts
            memory.heard_ts = memory.valid_ts = ts
            memory.heard_value = memory.valid_value = value
            memory.heard_set_aside = False
            continue
        set_aside.append((ts, quality))
        _remember(memory, ts, value, quality)
    return set_aside


def _departs(step_per_hour: float, min_interval_s: float, elapsed_s: float, change: float) -> bool:
    """``Rule.allowed_step`` inline: True when ``change`` is beyond what ``elapsed_s`` allows."""
    if elapsed_s < min_interval_s:
        return False
    return abs(change) > step_per_hour * max(elapsed_s / HOUR_S, 1.0)


_MEMORIES = (
    "SELECT s.id, s.quantity, s.asset_id, s.last_ts, s.last_value, s.valid_ts, s.valid_value, "
    "s.run_start, a.status, m.quality_rules FROM series s JOIN assets a ON a.id = s.asset_id "
    "LEFT JOIN device_models m ON m.id = a.device_model_id WHERE {condition}"
)
_PERIODS = (
    'SELECT asset_id, start, "end", valid, reason FROM quality_periods WHERE {condition} '
    'AND start <= {mark} AND "end" > {mark} ORDER BY created_at DESC, id DESC'
)


def _memories(conn: Connection, series_ids: set[int]) -> dict[int, _Memory]:
    # Plain driver SQL: this runs for every ingested batch.
    condition, params = any_of(conn, "s.id", sorted(series_ids))
    memories = {}
    rules_of: dict[tuple[str, object], Rule] = {}
    # Series of one device, or of devices on one schedule, share their times: each is read once.
    times: dict[object, datetime | None] = {None: None}
    faulty = AssetStatus.faulty
    for (
        sid,
        quantity,
        asset_id,
        last_ts,
        last_value,
        valid_ts,
        valid_value,
        run,
        status,
        rules,
    ) in fetch_tuples(conn, _MEMORIES.format(condition=condition), params):
        last_ts = _time(times, last_ts)
        if valid_ts is not None:
            valid_ts = _time(times, valid_ts)
        if run is not None:
            run = _time(times, run)
        never_valid = valid_ts == NEVER_VALID
        rule_key = (quantity, rules if rules is None or isinstance(rules, str) else repr(rules))
        rule = rules_of.get(rule_key)
        if rule is None:
            rule = rules_of[rule_key] = rule_for(quantity, read_json(rules))
        memories[sid] = _Memory(
            rule,
            status == faulty,
            asset_id,
            # valid_ts, valid_value, heard_ts, heard_value, run_start
            None if never_valid else last_ts if valid_ts is None else valid_ts,
            last_value if valid_ts is None else valid_value,
            last_ts,
            last_value,
            last_ts if run is None else run,
            # A valid value remembered apart from the last heard: the last heard was set aside.
            valid_ts is not None,
            (valid_ts, valid_value, run),
        )
    return memories


def _time(times: dict[object, datetime | None], stored: object) -> datetime | None:
    """``read_time`` of a stored time, each distinct one read once."""
    if stored in times:
        return times[stored]
    found = times[stored] = read_time(stored)
    return found


def _periods(
    conn: Connection, memories: Mapping[int, _Memory], rows: Sequence[ReadingRow]
) -> dict[int, list[_Period]]:
    """Periods set by people over the batch, latest first (the latest decides)."""
    first, last = min(row[1] for row in rows), max(row[1] for row in rows)
    condition, params = any_of(conn, "asset_id", sorted({m.asset_id for m in memories.values()}))
    mark = "%s" if conn.dialect.name == "postgresql" else "?"
    sql = _PERIODS.format(condition=condition, mark=mark)
    found: dict[int, list[_Period]] = defaultdict(list)
    bounds = (stored_time(conn, last), stored_time(conn, first))
    for asset_id, start, end, valid, reason in conn.exec_driver_sql(sql, (*params, *bounds)):
        quality: Quality = VALID if valid else (Flag.invalid, Reason(reason))
        start_ts, end_ts = read_time(start), read_time(end)
        assert start_ts is not None
        assert end_ts is not None
        found[asset_id].append(_Period(start_ts, end_ts, quality))
    return found


def _judge(memory: _Memory, periods: Sequence[_Period], ts: datetime, value: float) -> Quality:
    for period in periods:
        if period.start <= ts < period.end:
            return period.quality
    if memory.faulty:
        return FLAG_OF[Reason.asset_faulty], Reason.asset_faulty
    rule = memory.rule
    if (rule.low is not None and value < rule.low) or (rule.high is not None and value > rule.high):
        return FLAG_OF[Reason.range], Reason.range
    if rule.cumulative and _has_decreased(memory, ts, value):
        return _DECREASED
    if _is_spike(memory, ts, value):
        return FLAG_OF[Reason.spike], Reason.spike
    if _is_flat(memory, ts, value):
        return FLAG_OF[Reason.flat_line], Reason.flat_line
    return VALID


class _LateNeighbours:
    """Valid readings around late values (older than the last heard), read once per series.

    A late value is judged against its stored neighbours: it is a spike when it departs from
    the valid value before it and from the one after it by more than the rule allows.
    """

    MARGIN = timedelta(days=1)

    def __init__(
        self, conn: Connection, memories: Mapping[int, _Memory], rows: Sequence[ReadingRow]
    ) -> None:
        self.conn, self.memories = conn, memories
        self.spans: dict[int, tuple[datetime, datetime]] = {}
        for sid, ts, _ in rows:
            memory = memories.get(sid)
            if memory is None or memory.rule.step_per_hour is None:
                continue
            if memory.heard_ts is None or ts > memory.heard_ts:  # in order: not late
                continue
            first, last = self.spans.get(sid, (ts, ts))
            self.spans[sid] = (min(first, ts), max(last, ts))
        self.loaded: dict[int, list[tuple[datetime, float]]] = {}

    def is_spike(self, sid: int, ts: datetime, value: float) -> bool:
        if sid not in self.spans:
            return False
        neighbours = self._neighbours(sid)
        at = bisect.bisect_left(neighbours, (ts, -math.inf))
        before = neighbours[at - 1 : at]
        after = [n for n in neighbours[at : at + 2] if n[0] > ts][:1]
        rule = self.memories[sid].rule
        departs = [
            abs(value - v) > (rule.allowed_step(abs((ts - t).total_seconds())) or math.inf)
            for t, v in before + after
        ]
        return bool(departs) and all(departs)

    def _neighbours(self, sid: int) -> list[tuple[datetime, float]]:
        if sid not in self.loaded:
            first, last = self.spans[sid]
            rows = self.conn.execute(
                select(readings.c.ts, readings.c.value)
                .where(
                    readings.c.series_id == sid,
                    readings.c.quality == int(Flag.valid),
                    readings.c.ts >= first - self.MARGIN,
                    readings.c.ts <= last + self.MARGIN,
                )
                .order_by(readings.c.ts)
            )
            self.loaded[sid] = [(r.ts, r.value) for r in rows]
        return self.loaded[sid]


def _in_order(memory: _Memory, ts: datetime) -> bool:
    return memory.heard_ts is None or ts > memory.heard_ts


def _is_spike(memory: _Memory, ts: datetime, value: float) -> bool:
    # A late value has no neighbours known here: only range and status judge it.
    if memory.valid_ts is None or memory.valid_value is None or not _in_order(memory, ts):
        return False
    allowed = memory.rule.allowed_step((ts - memory.valid_ts).total_seconds())
    if allowed is None or abs(value - memory.valid_value) <= allowed:
        return False
    # The level moved and stays there (two values in a row agree): a shift, not a spike.
    return not (
        memory.heard_set_aside
        and memory.heard_ts is not None
        and memory.heard_value is not None
        and abs(value - memory.heard_value)
        <= (memory.rule.allowed_step((ts - memory.heard_ts).total_seconds()) or 0.0)
    )


def _has_decreased(memory: _Memory, ts: datetime, value: float) -> bool:
    """A cumulative index read below its last valid value and not reset to about zero.

    A late value is not judged (its neighbours are not at hand), as for the spike test.
    """
    last = memory.valid_value
    if last is None or not _in_order(memory, ts) or value >= last * (1 - 1e-12):
        return False
    return not memory.rule.is_reset(value, last)


def _is_flat(memory: _Memory, ts: datetime, value: float) -> bool:
    hours = memory.rule.flat_hours
    if hours is None or memory.run_start is None or not _in_order(memory, ts):
        return False
    if value != memory.heard_value:
        return False
    return (ts - memory.run_start).total_seconds() >= hours * 3600


def _remember(memory: _Memory, ts: datetime, value: float, quality: Quality) -> None:
    if not _in_order(memory, ts):
        return
    if memory.heard_value != value or memory.run_start is None:
        memory.run_start = ts
    memory.heard_ts, memory.heard_value = ts, value
    memory.heard_set_aside = quality[0] is not Flag.valid
    if quality[0] is Flag.valid:
        memory.valid_ts, memory.valid_value = ts, value


def _write_memories(conn: Connection, memories: Mapping[int, _Memory]) -> None:
    # Plain driver SQL, as the store's bulk writes: one statement for the whole batch.
    changed = sorted(
        (sid, stored) for sid, m in memories.items() if (stored := m.to_store()) != m.stored
    )
    if not changed:
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "UPDATE series SET valid_ts = u.ts, valid_value = u.value, run_start = u.run "
            "FROM unnest(%s::integer[], %s::timestamptz[], %s::float8[], %s::timestamptz[]) "
            "AS u(id, ts, value, run) WHERE series.id = u.id",
            (
                [sid for sid, _ in changed],
                [stored[0] for _, stored in changed],
                [stored[1] for _, stored in changed],
                [stored[2] for _, stored in changed],
            ),
        )
        return
    conn.exec_driver_sql(
        "UPDATE series SET valid_ts = ?, valid_value = ?, run_start = ? WHERE id = ?",
        [(_sqlite(ts), value, _sqlite(run), sid) for sid, (ts, value, run) in changed],
    )


def _sqlite(ts: datetime | None) -> str | None:
    return None if ts is None else sqlite_time(ts)
