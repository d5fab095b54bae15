"""Health of a commune's equipment: counts by status, and equipment in service gone silent.

Equipment in service (installed or active) that is expected to send (see
``device_health.sends_data``: not a camera that sends nothing by design) and has not been heard
for ``silent_after`` — or never — is silent: a flat battery, a broken link, a sensor removed
without telling. A charge point is heard through its OCPP link (its heartbeats), whatever
readings of its meter arrive otherwise. Names are full-scope data: only the equipment the
caller reads in full is counted.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Connection, case, func, select

from convergence.charging.tables import charge_points
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.kinds import AssetStatus
from convergence.registry.tables import assets, device_models
from convergence.reports.device_health import sends_data_clause
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
    heard = case(
        (charge_points.c.asset_id.is_not(None), charge_points.c.last_seen_at),
        else_=last.c.last_ts,
    ).label("last_ts")
    joined = (
        assets.outerjoin(last, last.c.asset_id == assets.c.id)
        .outerjoin(charge_points, charge_points.c.asset_id == assets.c.id)
        .outerjoin(device_models, device_models.c.id == assets.c.device_model_id)
    )
    rows = conn.execute(
        select(assets.c.id, assets.c.name, assets.c.domain, heard)
        .select_from(joined)
        .where(
            member_clause(scope, assets.c.member_id),
            assets.c.commune_insee.in_(communes),
            assets.c.status.in_(IN_SERVICE),
            sends_data_clause(assets.c.kind, device_models.c.expected_period_s),
            (heard.is_(None)) | (heard < since),
        )
        .order_by(heard.is_not(None), heard, assets.c.id)
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
