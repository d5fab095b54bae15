"""A charge point's meter values take the qualify stage like any reading: a value out of the
physical range is stored, set aside with its reason, and feeds no alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from convergence.charging.alerting import Sink
from convergence.timeseries.store import NewReading
from convergence.timeseries.tables import readings, series
from tests.charging.conftest import register_charge_point
from tests.support import Territory

T0 = datetime(2026, 11, 30, 18, tzinfo=UTC)


def test_a_meter_value_out_of_range_is_set_aside(engine: Engine, territory: Territory) -> None:
    asset = register_charge_point(engine, territory.versailles, "CP-QUAL")
    member = territory.versailles.id
    sink = Sink()
    sink.add(
        readings=[
            NewReading(asset, member, "power", "W", T0, 7_400.0),
            NewReading(asset, member, "power", "W", T0 + timedelta(minutes=1), 5e9),  # 5 GW
        ]
    )
    with engine.begin() as conn:
        committed = sink.flush(conn)
    assert [value for _, _, value in committed.readings] == [7_400.0]
    with engine.connect() as conn:
        rows = conn.execute(
            select(readings.c.value, readings.c.quality, readings.c.quality_reason)
            .join(series, series.c.id == readings.c.series_id)
            .where(series.c.asset_id == asset)
            .order_by(readings.c.ts)
        ).all()
    assert rows[0].quality == 0
    assert (rows[1].value, rows[1].quality) == (5e9, 2)
    assert rows[1].quality_reason == "range"
