"""Small fleets for the query, retention and backup tests: assets and readings, stored for real."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Engine

from convergence.members.scope import command_line_scope
from convergence.registry import service
from convergence.registry.schemas import AssetCreate
from convergence.timeseries.store import NewReading, store_readings
from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL

UNITS = {"laeq": "dB(A)", "no2": "µg/m³", "vehicle_count": "count", "pm10": "µg/m³"}


def make_asset(
    engine: Engine, *, member_id: int, name: str, domain: str, kind: str = "sensor", where: str
) -> int:
    """Register an asset of ``member_id`` at Versailles' or Boulogne's town hall."""
    lon, lat = VERSAILLES_TOWN_HALL if where == "versailles" else BOULOGNE_TOWN_HALL
    with engine.begin() as conn:
        asset = service.create_asset(
            conn,
            scope=command_line_scope(),
            data=AssetCreate(
                member_id=member_id, name=name, kind=kind, domain=domain, lon=lon, lat=lat
            ),
        )
    return asset.id


def store(
    engine: Engine,
    *,
    asset_id: int,
    member_id: int,
    quantity: str,
    points: Sequence[tuple[datetime, float]],
) -> None:
    """Store readings of one quantity of one asset through the ingestion store."""
    batch = [
        NewReading(asset_id, member_id, quantity, UNITS[quantity], ts, value)
        for ts, value in points
    ]
    with engine.begin() as conn:
        store_readings(conn, batch)


def regular(
    start: datetime, step: timedelta, values: Sequence[float]
) -> list[tuple[datetime, float]]:
    """``values`` stamped every ``step`` from ``start``."""
    return [(start + i * step, value) for i, value in enumerate(values)]
