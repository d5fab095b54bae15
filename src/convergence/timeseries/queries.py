"""Read side of the time series; every query takes a member scope."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, select

from convergence.errors import NotFound
from convergence.members.scope import MemberScope, member_clause
from convergence.timeseries.schemas import RollupOut, SeriesOut
from convergence.timeseries.tables import readings_daily, readings_hourly, series


def list_series(
    conn: Connection, *, scope: MemberScope, asset_id: int | None = None
) -> list[SeriesOut]:
    """The series the scope may read, optionally of one asset."""
    query = select(series).where(member_clause(scope, series.c.member_id))
    if asset_id is not None:
        query = query.where(series.c.asset_id == asset_id)
    rows = conn.execute(query.order_by(series.c.asset_id, series.c.quantity))
    return [SeriesOut.model_validate(r._asdict()) for r in rows]


def get_series(
    conn: Connection, *, scope: MemberScope, series_id: int, aggregates: bool = False
) -> SeriesOut:
    """One series the scope may read (its rollups only, with ``aggregates``); NotFound otherwise."""
    row = conn.execute(
        select(series).where(
            series.c.id == series_id,
            member_clause(scope, series.c.member_id, aggregates=aggregates),
        )
    ).first()
    if row is None:
        raise NotFound(f"série {series_id} introuvable / series {series_id} not found")
    return SeriesOut.model_validate(row._asdict())


def hourly(
    conn: Connection,
    *,
    scope: MemberScope,
    series_id: int,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[RollupOut]:
    """Hourly rollups (UTC hours) of one series in [start, end)."""
    get_series(conn, scope=scope, series_id=series_id, aggregates=True)
    query = select(readings_hourly).where(readings_hourly.c.series_id == series_id)
    if start is not None:
        query = query.where(readings_hourly.c.start >= start)
    if end is not None:
        query = query.where(readings_hourly.c.start < end)
    rows = conn.execute(query.order_by(readings_hourly.c.start))
    return [RollupOut.model_validate(r._asdict()) for r in rows]


def daily(
    conn: Connection,
    *,
    scope: MemberScope,
    series_id: int,
    first: date | None = None,
    last: date | None = None,
) -> list[RollupOut]:
    """Daily rollups (Europe/Paris days) of one series, from ``first`` to ``last`` inclusive."""
    get_series(conn, scope=scope, series_id=series_id, aggregates=True)
    query = select(readings_daily).where(readings_daily.c.series_id == series_id)
    if first is not None:
        query = query.where(readings_daily.c.day >= first)
    if last is not None:
        query = query.where(readings_daily.c.day <= last)
    rows = conn.execute(query.order_by(readings_daily.c.day))
    return [RollupOut.model_validate(r._asdict()) for r in rows]
