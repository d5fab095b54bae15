"""The latest value a map shows is the latest valid one: a spike set aside is not shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from convergence.members.scope import command_line_scope
from convergence.timeseries.query_schemas import SeriesFilter
from convergence.timeseries.series_queries import latest_by_asset
from tests.ingest.conftest import register
from tests.quality.conftest import Send
from tests.support import Territory

T0 = datetime(2026, 11, 28, 8, tzinfo=UTC)


def test_a_spike_is_not_the_latest_value(engine: Engine, territory: Territory, send: Send) -> None:
    gauge = register(engine, territory.boulogne.id, name="Seine", serial="SEINE-L", boulogne=True)
    levels = [2.0, 2.05, 2.1, 16.98]  # the last is a glitch of the sensor
    items = [(T0 + timedelta(minutes=10 * i), v) for i, v in enumerate(levels)]
    send(territory.boulogne.id, "SEINE-L", "water_level", items)
    with engine.connect() as conn:
        found = latest_by_asset(conn, scope=command_line_scope(), selection=SeriesFilter())
    [reading] = next(a for a in found if a.asset_id == gauge).readings
    assert reading.value == 2.1
    assert reading.ts == T0 + timedelta(minutes=20)
