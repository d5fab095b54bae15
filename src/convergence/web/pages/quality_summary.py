"""What pages say about quality: the values set aside over a period, why, and where to see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from convergence.members.scope import MemberScope
from convergence.paris_time import local_day
from convergence.quality import queries
from convergence.quality.schemas import QualityPeriodOut, SetAsideSummary

ASSET_DAYS = 30


@dataclass(frozen=True, slots=True)
class AssetQuality:
    summary: SetAsideSummary
    periods: list[QualityPeriodOut]


def asset_quality(
    conn: Connection, *, scope: MemberScope, asset_id: int, now: datetime
) -> AssetQuality:
    """The asset's values set aside over its last 30 days, and the periods people set."""
    last = local_day(now)
    first: date = last - timedelta(days=ASSET_DAYS - 1)
    summary = queries.set_aside_summary(
        conn, scope=scope, first=first, last=last, asset_id=asset_id
    )
    return AssetQuality(summary, queries.list_periods(conn, scope=scope, asset_id=asset_id))
