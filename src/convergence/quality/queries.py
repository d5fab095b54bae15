"""Read side of quality: the periods people set, the values set aside and why."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Connection, Row, Select, func, select

from convergence.members.scope import MemberScope, member_clause
from convergence.quality.schemas import QualityPeriodOut, SetAsideReading, SetAsideSummary
from convergence.quality.tables import quality_periods
from convergence.registry.queries import get_asset
from convergence.registry.tables import assets
from convergence.timeseries.buckets import day_start
from convergence.timeseries.flags import Flag, Reason
from convergence.timeseries.tables import readings, readings_set_aside, series

READINGS_LIMIT = 1000


def select_periods(conn: Connection, *, scope: MemberScope, asset_id: int) -> Select[Any]:
    """The statement of the periods set on one asset the scope may read; NotFound otherwise."""
    get_asset(conn, scope=scope, asset_id=asset_id)
    return select(quality_periods).where(quality_periods.c.asset_id == asset_id)


def period_out(row: Row[Any]) -> QualityPeriodOut:
    return QualityPeriodOut.model_validate(row._asdict())


def list_periods(conn: Connection, *, scope: MemberScope, asset_id: int) -> list[QualityPeriodOut]:
    """The periods set on one asset the scope may read, latest first."""
    get_asset(conn, scope=scope, asset_id=asset_id)
    rows = conn.execute(
        select(quality_periods)
        .where(quality_periods.c.asset_id == asset_id)
        .order_by(quality_periods.c.created_at.desc(), quality_periods.c.id.desc())
    )
    return [QualityPeriodOut.model_validate(r._asdict()) for r in rows]


def _where(
    scope: MemberScope, *, commune: str | None, domain: str | None, asset_id: int | None
) -> list[ColumnElement[bool]]:
    where = [member_clause(scope, series.c.member_id)]
    if commune is not None:
        where.append(assets.c.commune_insee == commune)
    if domain is not None:
        where.append(assets.c.domain == domain)
    if asset_id is not None:
        where.append(assets.c.id == asset_id)
    return where


def set_aside_summary(
    conn: Connection,
    *,
    scope: MemberScope,
    first: date,
    last: date,
    commune: str | None = None,
    domain: str | None = None,
    asset_id: int | None = None,
) -> SetAsideSummary:
    """How many values of the scope's series were set aside over [first, last], by reason."""
    table = readings_set_aside
    rows = conn.execute(
        select(table.c.reason, func.sum(table.c["count"]))
        .select_from(
            table.join(series, series.c.id == table.c.series_id).join(
                assets, assets.c.id == series.c.asset_id
            )
        )
        .where(
            table.c.day >= first,
            table.c.day <= last,
            *_where(scope, commune=commune, domain=domain, asset_id=asset_id),
        )
        .group_by(table.c.reason)
        .order_by(table.c.reason)
    )
    known = {str(r) for r in Reason}
    by_reason = {Reason(reason): int(count) for reason, count in rows if reason in known}
    query = {"first": first.isoformat(), "last": last.isoformat()}
    query |= {k: str(v) for k, v in (("commune", commune), ("domain", domain)) if v}
    if asset_id is not None:
        query["asset_id"] = str(asset_id)
    return SetAsideSummary(
        first=first,
        last=last,
        total=sum(by_reason.values()),
        by_reason=by_reason,
        readings_url=f"/api/v1/set-aside/readings?{urlencode(query)}",
    )


def select_set_aside_readings(
    *,
    scope: MemberScope,
    first: date,
    last: date,
    commune: str | None = None,
    domain: str | None = None,
    asset_id: int | None = None,
) -> Select[Any]:
    """The statement of the values set aside over [first, last], keyed by (ts, series_id)."""
    end = day_start(last + timedelta(days=1))
    return (
        select(
            assets.c.id.label("asset_id"),
            assets.c.name.label("asset_name"),
            series.c.quantity,
            series.c.unit,
            readings.c.series_id,
            readings.c.ts,
            readings.c.value,
            readings.c.quality,
            readings.c.quality_reason,
        )
        .select_from(
            readings.join(series, series.c.id == readings.c.series_id).join(
                assets, assets.c.id == series.c.asset_id
            )
        )
        .where(
            readings.c.ts >= day_start(first),
            readings.c.ts < end,
            readings.c.quality != int(Flag.valid),
            *_where(scope, commune=commune, domain=domain, asset_id=asset_id),
        )
    )


def set_aside_reading_out(row: Row[Any]) -> SetAsideReading:
    return SetAsideReading(
        asset_id=row.asset_id,
        asset_name=row.asset_name,
        quantity=row.quantity,
        unit=row.unit,
        ts=row.ts,
        value=row.value,
        flag=Flag(row.quality).name,
        reason=row.quality_reason,
    )


def set_aside_readings(
    conn: Connection,
    *,
    scope: MemberScope,
    first: date,
    last: date,
    commune: str | None = None,
    domain: str | None = None,
    asset_id: int | None = None,
    limit: int = READINGS_LIMIT,
) -> list[SetAsideReading]:
    """The values set aside over [first, last], newest first, at most ``limit``."""
    query = select_set_aside_readings(
        scope=scope, first=first, last=last, commune=commune, domain=domain, asset_id=asset_id
    )
    rows = conn.execute(query.order_by(readings.c.ts.desc()).limit(limit))
    return [set_aside_reading_out(r) for r in rows]
