"""Availability of charge points, defined and computed (docs/maintenance.md gives the formulas).

No French text sets an availability rate for public charge points (décret 2017-26 asks for
intervention and restoration delays, not a rate), so the contract and this module define it:

- **time-based, per charge point**: over the period T, the charge point is *down* while its
  latest OCPP status shows a fault (``Faulted``, or ``Unavailable`` for the whole point);
  agreed exclusions E (grid outage, vandalism… with evidence, recorded on its tickets) are
  taken out of the period and of the down time: A = (T − E − D∖E) / (T − E);
- **per station**: the mean of its charge points' availability (each point counts the same);
- **session success rate**: completed sessions / ended sessions, a second indicator.

The status history (``events`` of kind ``ocpp.status``) stays as the evidence. With no status
ever received by the end of the period, the rate is « données insuffisantes » (None). Before
the first status the state is unknown (counted as serving): the rate's completeness is the
share of T − E whose status is known, and under ``REQUIRED_KNOWN`` it is no fact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.schemas import MeasureOut, measure_out
from convergence.maintenance.clocks import Interval, subtract
from convergence.maintenance.tables import exclusions, tickets
from convergence.timeseries.tables import events

UNSCOPED = {
    "charge_point_availability": "called for the assets of contracts the caller has read",
}

NOT_SERVING = frozenset({"Faulted", "Unavailable"})
# Three quarters of the counted time with a known status, as the 75 % of the daily rules.
REQUIRED_KNOWN = 0.75
AVAILABILITY_RULE = (
    "A = (T − E − D∖E) / (T − E) : durée de la période, exclusions, temps en défaut "
    "(docs/maintenance.md) ; statut connu sur au moins 75 % de T − E"
)


@dataclass(frozen=True, slots=True)
class Availability:
    """The availability of one charge point (or station) over a period."""

    asset_id: int | None
    period_s: float
    excluded_s: float
    down_s: float
    availability_pct: float | None
    sessions_completed: int
    sessions_failed: int
    known_s: float = 0.0  # the part of T − E whose status is known
    counted_s: float = 0.0  # T − E (summed over the points of a station)

    @property
    def completeness(self) -> Completeness:
        """Hours of T − E with a known status, out of T − E."""
        return Completeness(
            self.known_s / 3600, self.counted_s / 3600, REQUIRED_KNOWN, "heures de statut connu"
        )

    @property
    def measure(self) -> MeasureOut:
        """The rate as a figure with its completeness."""
        value = self.availability_pct
        return measure_out(Measure(value, Unit.PERCENT, AVAILABILITY_RULE, self.completeness))

    @property
    def success_rate_pct(self) -> float | None:
        ended = self.sessions_completed + self.sessions_failed
        return None if ended == 0 else 100.0 * self.sessions_completed / ended


def is_down(payload: dict[str, Any]) -> bool:
    """Whether a status notification leaves the charge point out of service."""
    if payload.get("charge_point_faulted") == "true":
        return True
    return payload.get("connector_id") == 0 and payload.get("status") in NOT_SERVING


def down_intervals(
    statuses: Sequence[tuple[datetime, bool]], start: datetime, end: datetime
) -> list[Interval] | None:
    """Down periods within [start, end) from (time, down) statuses in time order; None if none."""
    before = [down for ts, down in statuses if ts <= start]
    if not before and not any(ts < end for ts, _ in statuses):
        return None
    down_since: datetime | None = start if before and before[-1] else None
    found: list[Interval] = []
    for ts, down in statuses:
        if ts <= start or ts >= end:
            continue
        if down and down_since is None:
            down_since = ts
        elif not down and down_since is not None:
            found.append((down_since, ts))
            down_since = None
    if down_since is not None:
        found.append((down_since, end))
    return found


def _length(intervals: Sequence[Interval]) -> float:
    return sum((b - a).total_seconds() for a, b in intervals)


def _union_within(intervals: Sequence[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The union of ``intervals`` inside [start, end), without overlaps."""
    span = (start, end)
    return subtract(span, subtract(span, list(intervals)))


def availability_of(
    statuses: Sequence[tuple[datetime, bool]],
    excluded: Sequence[Interval],
    start: datetime,
    end: datetime,
    sessions: tuple[int, int] = (0, 0),
    asset_id: int | None = None,
) -> Availability:
    """A = (T − E − D∖E) / (T − E), from the status history and the agreed exclusions."""
    period = (end - start).total_seconds()
    kept = _union_within(excluded, start, end)
    excluded_s = _length(kept)
    down = down_intervals(statuses, start, end)
    counted = period - excluded_s
    if down is None or counted <= 0:
        return Availability(
            asset_id, period, excluded_s, 0.0, None, *sessions, counted_s=max(counted, 0.0)
        )
    down_s = sum(_length(subtract(piece, kept)) for piece in down)
    pct = 100.0 * (counted - down_s) / counted
    known_from = min((max(ts, start) for ts, _ in statuses), default=end)
    known_s = _length(subtract((known_from, end), kept)) if known_from < end else 0.0
    return Availability(
        asset_id, period, excluded_s, down_s, pct, *sessions, known_s=known_s, counted_s=counted
    )


def charge_point_availability(
    conn: Connection, *, asset_id: int, start: datetime, end: datetime
) -> Availability:
    """One charge point's availability over [start, end), from the stored history."""
    rows = conn.execute(
        select(events.c.ts, events.c.payload)
        .where(events.c.asset_id == asset_id, events.c.kind == "ocpp.status", events.c.ts < end)
        .order_by(events.c.ts)
    ).all()
    statuses = [(r.ts, is_down(dict(r.payload or {}))) for r in rows]
    excluded = conn.execute(
        select(exclusions.c.started_at, exclusions.c.ended_at)
        .join(tickets, tickets.c.id == exclusions.c.ticket_id)
        .where(tickets.c.asset_id == asset_id)
    ).all()
    return availability_of(
        statuses, [(e.started_at, e.ended_at) for e in excluded], start, end,
        _sessions(conn, asset_id, start, end), asset_id,
    )  # fmt: skip


def _sessions(conn: Connection, asset_id: int, start: datetime, end: datetime) -> tuple[int, int]:
    rows = conn.execute(
        select(events.c.payload).where(
            events.c.asset_id == asset_id,
            events.c.kind == "ocpp.session",
            events.c.ts >= start,
            events.c.ts < end,
        )
    ).scalars()
    outcomes: dict[str, int] = defaultdict(int)
    for payload in rows:
        outcomes[str((payload or {}).get("outcome"))] += 1
    return outcomes["completed"], outcomes["failed"]


def station_availability(points: Sequence[Availability]) -> Availability:
    """A station: the mean of its charge points' availability; sessions add up."""
    known = [p.availability_pct for p in points if p.availability_pct is not None]
    return Availability(
        asset_id=None,
        period_s=max((p.period_s for p in points), default=0.0),
        excluded_s=sum(p.excluded_s for p in points),
        down_s=sum(p.down_s for p in points),
        availability_pct=sum(known) / len(known) if known and len(known) == len(points) else None,
        sessions_completed=sum(p.sessions_completed for p in points),
        sessions_failed=sum(p.sessions_failed for p in points),
        known_s=sum(p.known_s for p in points),
        counted_s=sum(p.counted_s for p in points),
    )
