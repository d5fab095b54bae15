"""A technician invalidates or re-validates a period of an asset: audited, figures recomputed."""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from convergence.db.types import utcnow
from convergence.members import audit
from convergence.members.scope import MemberScope, require_write
from convergence.paris_time import local_day
from convergence.quality.schemas import QualityPeriodCreate, QualityPeriodOut
from convergence.quality.tables import quality_periods
from convergence.registry.queries import get_asset
from convergence.timeseries import rollups
from convergence.timeseries.flags import Flag
from convergence.timeseries.tables import readings, series


def set_period(
    conn: Connection, *, scope: MemberScope, asset_id: int, data: QualityPeriodCreate
) -> QualityPeriodOut:
    """Flag every reading of the asset in [start, end), keep the period, rebuild its days."""
    asset = get_asset(conn, scope=scope, asset_id=asset_id)
    require_write(scope, asset.member_id)
    now = utcnow()
    period_id = conn.execute(
        quality_periods.insert()
        .values(
            member_id=asset.member_id,
            asset_id=asset_id,
            start=data.start,
            end=data.end,
            valid=data.valid,
            reason=str(data.reason),
            note=data.note,
            actor=scope.actor,
            created_at=now,
        )
        .returning(quality_periods.c.id)
    ).scalar_one()
    changed = _flag_readings(conn, asset_id=asset_id, data=data)
    audit.record(
        conn,
        actor=scope.actor,
        action="quality.revalidate" if data.valid else "quality.invalidate",
        member_id=asset.member_id,
        target=f"asset:{asset_id}",
        details={
            "start": data.start.isoformat(),
            "end": data.end.isoformat(),
            "reason": str(data.reason),
            "note": data.note,
            "readings": changed,
        },
    )
    row = conn.execute(select(quality_periods).where(quality_periods.c.id == period_id)).one()
    return QualityPeriodOut.model_validate({**row._asdict(), "readings_changed": changed})


def _flag_readings(conn: Connection, *, asset_id: int, data: QualityPeriodCreate) -> int:
    owned = conn.execute(
        select(series.c.id, series.c.unit).where(series.c.asset_id == asset_id)
    ).all()
    flag, reason = (Flag.valid, None) if data.valid else (Flag.invalid, str(data.reason))
    changed = 0
    for series_id, unit in owned:
        result = conn.execute(
            update(readings)
            .where(
                readings.c.series_id == series_id,
                readings.c.ts >= data.start,
                readings.c.ts < data.end,
            )
            .values(quality=int(flag), quality_reason=reason)
        )
        changed += result.rowcount or 0
        rollups.rebuild_days(
            conn,
            series_id=series_id,
            decibel=rollups.is_decibel(unit),
            first=local_day(data.start),
            last=local_day(data.end),
        )
    return changed
