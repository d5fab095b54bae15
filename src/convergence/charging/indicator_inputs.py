"""Reading what the charging indicators need: status and connection timelines, sessions.

A timeline starts with the state each point was in when the period began (its last event
before the start), then every change within the period, from the ``ocpp.status`` and
``ocpp.connection`` events the central system stored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, case, func, select

from convergence.charging.indicators import (
    ChargingIndicators,
    OnlineTimeline,
    PointIndicators,
    SessionTally,
    Timeline,
    commune_indicators,
    point_durations,
    rate,
)
from convergence.charging.kinds import ConnectionState, EventKind, SessionStatus
from convergence.charging.queries import is_charge_point
from convergence.charging.status import PointStatus
from convergence.charging.tables import charge_point_connectors, charging_sessions
from convergence.errors import InvalidInput
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets
from convergence.timeseries.tables import events

PointKey = tuple[int, int]  # (asset id, connector id)


@dataclass(slots=True)
class _Timelines:
    points: dict[PointKey, list[tuple[datetime, PointStatus]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    whole: dict[int, list[tuple[datetime, PointStatus]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    online: dict[int, list[tuple[datetime, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, asset_id: int, kind: str, ts: datetime, payload: dict[str, Any]) -> None:
        if kind == EventKind.connection.value:
            self.online[asset_id].append((ts, payload.get("state") == ConnectionState.online))
            return
        try:
            status = PointStatus(str(payload.get("point_status")))
            connector = int(payload.get("connector_id", -1))
        except (ValueError, TypeError):
            return
        if connector == 0:
            self.whole[asset_id].append((ts, status))
        elif connector > 0:
            self.points[(asset_id, connector)].append((ts, status))


def charging_indicators(
    conn: Connection, *, scope: MemberScope, start: datetime, end: datetime
) -> ChargingIndicators:
    """Indicators of every point of charge the scope reads, and per commune.

    Communes also count the points of members that share their aggregates with the caller;
    points themselves are listed only for the members the caller reads in full.
    """
    if end <= start:
        raise InvalidInput("la fin doit suivre le début / `end` must be after `start`")
    charge_points = _charge_points(conn, scope)
    ids = sorted(charge_points)
    timelines = _timelines(conn, ids, start, end)
    tallies = _tallies(conn, ids, start, end)
    keys = set(timelines.points) | set(tallies) | set(_connectors(conn, ids))
    points = [
        _point(charge_points[asset_id], connector, timelines, tallies, start, end)
        for asset_id, connector in sorted(keys)
    ]
    full = _full_reads(conn, scope, ids)
    return ChargingIndicators(
        start=start,
        end=end,
        points=[p for p in points if p.asset_id in full],
        communes=commune_indicators(points),
    )


def _charge_points(conn: Connection, scope: MemberScope) -> dict[int, Any]:
    rows = conn.execute(
        select(assets.c.id, assets.c.name, assets.c.commune_insee).where(
            is_charge_point(), member_clause(scope, assets.c.member_id, aggregates=True)
        )
    )
    return {row.id: row for row in rows}


def _full_reads(conn: Connection, scope: MemberScope, ids: list[int]) -> set[int]:
    query = select(assets.c.id).where(
        assets.c.id.in_(ids), member_clause(scope, assets.c.member_id)
    )
    return set(conn.execute(query).scalars())


def _connectors(conn: Connection, ids: list[int]) -> list[PointKey]:
    c = charge_point_connectors.c
    rows = conn.execute(select(c.asset_id, c.connector_id).where(c.asset_id.in_(ids)))
    return [(r.asset_id, r.connector_id) for r in rows]


def _timelines(conn: Connection, ids: list[int], start: datetime, end: datetime) -> _Timelines:
    timelines = _Timelines()
    kinds = [EventKind.status.value, EventKind.connection.value]
    within = select(events.c.asset_id, events.c.kind, events.c.ts, events.c.payload).where(
        events.c.asset_id.in_(ids),
        events.c.kind.in_(kinds),
        events.c.ts >= start,
        events.c.ts < end,
    )
    for row in [*_states_at(conn, ids, start), *conn.execute(within.order_by(events.c.ts))]:
        timelines.add(row.asset_id, row.kind, row.ts, row.payload)
    return timelines


def _states_at(conn: Connection, ids: list[int], start: datetime) -> list[Row[Any]]:
    """The last status of each connector, and the last connection event, before ``start``."""
    connector = events.c.payload["connector_id"].as_integer()
    rank = (
        func.row_number()
        .over(
            partition_by=(events.c.asset_id, events.c.kind, connector), order_by=events.c.ts.desc()
        )
        .label("rank")
    )
    latest = (
        select(events.c.asset_id, events.c.kind, events.c.ts, events.c.payload, rank)
        .where(
            events.c.asset_id.in_(ids),
            events.c.kind.in_([EventKind.status.value, EventKind.connection.value]),
            events.c.ts < start,
        )
        .subquery()
    )
    query = select(latest).where(latest.c.rank == 1).order_by(latest.c.ts)
    return list(conn.execute(query))


def _tallies(
    conn: Connection, ids: list[int], start: datetime, end: datetime
) -> dict[PointKey, SessionTally]:
    s = charging_sessions.c
    failed = func.sum(case((s.status == SessionStatus.failed.value, 1), else_=0))
    rows = conn.execute(
        select(s.asset_id, s.connector_id, func.count().label("n"), failed.label("failed"),
               func.coalesce(func.sum(s.energy_wh), 0.0).label("energy"))
        .where(s.asset_id.in_(ids), s.started_at >= start, s.started_at < end)
        .group_by(s.asset_id, s.connector_id)
    )  # fmt: skip
    return {
        (r.asset_id, r.connector_id): SessionTally(
            sessions=r.n, failed_sessions=int(r.failed or 0), energy_kwh=round(r.energy / 1000, 3)
        )
        for r in rows
    }


def _point(
    asset: Row[Any],
    connector: int,
    timelines: _Timelines,
    tallies: dict[PointKey, SessionTally],
    start: datetime,
    end: datetime,
) -> PointIndicators:
    point: Timeline = timelines.points.get((asset.id, connector), [])
    online: OnlineTimeline = timelines.online.get(asset.id, [])
    durations = point_durations(
        point=point, whole=timelines.whole.get(asset.id, []), online=online, start=start, end=end
    )
    tally = tallies.get((asset.id, connector), SessionTally())
    return PointIndicators(
        asset_id=asset.id,
        asset_name=asset.name,
        commune_insee=asset.commune_insee,
        connector_id=connector,
        observed_s=durations.observed_s,
        in_service_s=durations.in_service_s,
        occupied_s=durations.occupied_s,
        availability_rate=rate(durations.in_service_s, durations.observed_s),
        occupancy_rate=rate(durations.occupied_s, durations.observed_s),
        **tally.model_dump(),
    )
