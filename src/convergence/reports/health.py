"""Health of a commune's equipment: counts by status, and equipment in service gone silent.

Equipment in service (installed or active) that has sent no reading for ``silent_after``
— or never — is silent: a flat battery, a broken link, a sensor removed without telling.
Names are full-scope data: only the equipment the caller reads in full is counted.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select

from convergence.members.scope import MemberScope, member_clause
from convergence.registry.kinds import AssetStatus
from convergence.registry.tables import assets
from convergence.reports.schemas import EquipmentHealth, SilentAsset
from convergence.timeseries.tables import series

SILENT_AFTER = timedelta(hours=24)
IN_SERVICE = (AssetStatus.installed.value, AssetStatus.active.value)
LISTED = 20


def status_counts(
    conn: Connection, *, scope: MemberScope, communes: Collection[str]
) -> dict[str, int]:
    """Equipment of the communes by status."""
    rows = conn.execute(
        select(assets.c.status, func.count())
        .where(member_clause(scope, assets.c.member_id), assets.c.commune_insee.in_(communes))
        .group_by(assets.c.status)
    )
    return {str(status): int(count) for status, count in rows}


def silent_assets(
    conn: Connection, *, scope: MemberScope, communes: Collection[str], since: datetime
) -> list[SilentAsset]:
    """Equipment in service without a reading since ``since``, the longest silent first."""
    last = (
        select(series.c.asset_id, func.max(series.c.last_ts).label("last_ts"))
        .group_by(series.c.asset_id)
        .subquery()
    )
    rows = conn.execute(
        select(assets.c.id, assets.c.name, assets.c.domain, last.c.last_ts)
        .select_from(assets.outerjoin(last, last.c.asset_id == assets.c.id))
        .where(
            member_clause(scope, assets.c.member_id),
            assets.c.commune_insee.in_(communes),
            assets.c.status.in_(IN_SERVICE),
            (last.c.last_ts.is_(None)) | (last.c.last_ts < since),
        )
        .order_by(last.c.last_ts.is_not(None), last.c.last_ts, assets.c.id)
    )
    return [SilentAsset(r.id, r.name, r.domain, r.last_ts) for r in rows]


def equipment_health(
    conn: Connection,
    *,
    scope: MemberScope,
    communes: Collection[str],
    now: datetime,
    silent_after: timedelta = SILENT_AFTER,
) -> EquipmentHealth:
    """Counts by status and the silent equipment (the first ``LISTED``) of the communes."""
    codes = sorted(communes)
    counts = status_counts(conn, scope=scope, communes=codes)
    silent = silent_assets(conn, scope=scope, communes=codes, since=now - silent_after)
    return EquipmentHealth(
        by_status=counts,
        total=sum(counts.values()),
        silent=silent[:LISTED],
        silent_count=len(silent),
        silent_after_hours=int(silent_after.total_seconds() // 3600),
    )
