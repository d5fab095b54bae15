"""The qualify stage on the real pipeline: every reading is stored with a flag and a reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select, update

from convergence.ingest.envelope import Envelope, Source
from convergence.ingest.outcomes import Outcome
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.service import ingest
from convergence.registry import service
from convergence.registry.schemas import DeviceModelCreate
from convergence.registry.tables import assets
from convergence.timeseries.tables import readings_daily, readings_hourly, series
from tests.ingest.conftest import register
from tests.quality.conftest import Send, flags_of, set_aside_of
from tests.support import Territory

T0 = datetime(2026, 11, 20, 8, tzinfo=UTC)


def _every(step: timedelta, values: list[float]) -> list[tuple[datetime, float]]:
    return [(T0 + i * step, v) for i, v in enumerate(values)]


def _daily_max(engine: Engine, asset_id: int) -> tuple[int, float]:
    with engine.connect() as conn:
        row = conn.execute(
            select(func.sum(readings_daily.c["count"]), func.max(readings_daily.c["max"]))
            .join(series, series.c.id == readings_daily.c.series_id)
            .where(series.c.asset_id == asset_id)
        ).one()
        return int(row[0] or 0), float(row[1] or 0)


def test_a_water_glitch_is_set_aside_and_the_level_after_it_is_valid(
    engine: Engine, territory: Territory, send: Send
) -> None:
    gauge = register(
        engine, territory.boulogne.id, name="Limnimètre", serial="LIM-1", boulogne=True
    )
    levels = [2.0, 2.05, 2.1, 16.98, 2.15, 2.2]
    result = send(
        territory.boulogne.id, "LIM-1", "water_level", _every(timedelta(minutes=10), levels)
    )
    assert [o.stored for o in result.outcomes] == [1] * 6
    assert [o.set_aside for o in result.outcomes] == [0, 0, 0, 1, 0, 0]
    assert [f[1:] for f in flags_of(engine, gauge, "water_level")][3] == (1, "spike")
    assert sum(f[1] for f in flags_of(engine, gauge, "water_level")) == 1
    # Nothing deleted, nothing counted: the rollups hold the five valid values.
    assert _daily_max(engine, gauge) == (5, 2.2)
    assert set_aside_of(engine, gauge) == {"spike": 1}
    assert 16.98 not in [v for sid, ts, v in result.inserted]  # the react stage never sees it


def test_one_message_of_many_readings_counts_what_it_stored_and_set_aside(
    engine: Engine, territory: Territory, pipeline: Pipeline
) -> None:
    register(engine, territory.boulogne.id, name="Limnimètre", serial="LIM-9", boulogne=True)
    levels = _every(timedelta(minutes=10), [2.0, 2.05, 2.1, 16.98, 2.15, 2.2])
    items = [
        {"device": "LIM-9", "ts": ts.isoformat(), "quantity": "water_level", "value": v}
        for ts, v in levels
    ]

    def send(body: list[dict[str, object]]) -> Outcome:
        raw = json.dumps({"readings": body}).encode()
        envelope = Envelope(Source.http, raw, datetime.now(UTC), member_id=territory.boulogne.id)
        result = ingest(engine, pipeline=pipeline, envelopes=[envelope], reactors=[])
        return result.outcomes[0]

    first = send(items[:4])
    assert (first.messages, first.stored, first.duplicates, first.set_aside) == (4, 4, 0, 1)
    again = send(items)  # the first four again, and two new values
    assert (again.messages, again.stored, again.duplicates, again.set_aside) == (6, 2, 4, 0)


def test_a_river_in_flood_rising_steadily_is_valid(
    engine: Engine, territory: Territory, send: Send
) -> None:
    gauge = register(
        engine, territory.boulogne.id, name="Limnimètre", serial="LIM-2", boulogne=True
    )
    rising = [2.0 + 0.25 * i for i in range(24)]  # 1.5 m an hour, read every 10 minutes
    send(territory.boulogne.id, "LIM-2", "water_level", _every(timedelta(minutes=10), rising))
    assert {f[1] for f in flags_of(engine, gauge, "water_level")} == {0}


def test_a_level_that_jumps_and_stays_is_a_shift_not_a_spike(
    engine: Engine, territory: Territory, send: Send
) -> None:
    gauge = register(
        engine, territory.boulogne.id, name="Limnimètre", serial="LIM-3", boulogne=True
    )
    # The gauge was moved: it reads 6 m higher from the fourth value on.
    values = [1.0, 1.0, 1.1, 7.1, 7.1, 7.2]
    send(territory.boulogne.id, "LIM-3", "water_level", _every(timedelta(minutes=15), values))
    assert [f[2] for f in flags_of(engine, gauge, "water_level")] == [None] * 3 + ["spike"] + [
        None
    ] * 2


def test_a_loud_minute_is_a_noise_event_but_a_loud_hour_after_a_quiet_one_is_suspect(
    engine: Engine, territory: Territory, send: Send
) -> None:
    member = territory.versailles.id
    minute = register(engine, member, name="Sonomètre minute", serial="SON-M", domain="noise")
    hourly = register(engine, member, name="Sonomètre horaire", serial="SON-H", domain="noise")
    send(member, "SON-M", "laeq", _every(timedelta(minutes=1), [55, 56, 95, 57]))
    send(member, "SON-H", "laeq", _every(timedelta(hours=1), [55, 56, 104, 57]))
    assert {f[1] for f in flags_of(engine, minute, "laeq")} == {0}
    assert [f[2] for f in flags_of(engine, hourly, "laeq")] == [None, None, "spike", None]


def test_a_stuck_sensor_is_flagged_after_its_flat_line_duration(
    engine: Engine, territory: Territory, send: Send
) -> None:
    member = territory.versailles.id
    station = register(engine, member, name="Station NO2", serial="AIR-1", domain="air")
    values = [30.0, 31.0] + [24.5] * 9  # the same value for 8 hours
    send(member, "AIR-1", "no2", _every(timedelta(hours=1), values))
    reasons = [f[2] for f in flags_of(engine, station, "no2")]
    # Six hours after the value first repeated (hour 2), the sensor is judged stuck.
    assert reasons == [None] * 8 + ["flat_line"] * 3


def test_a_faulty_asset_stores_invalid_values_that_feed_no_rollup(
    engine: Engine, territory: Territory, send: Send
) -> None:
    member = territory.versailles.id
    station = register(engine, member, name="Station en panne", serial="AIR-2", domain="air")
    with engine.begin() as conn:
        conn.execute(update(assets).where(assets.c.id == station).values(status="faulty"))
    send(member, "AIR-2", "o3", _every(timedelta(hours=1), [80.0, 365.0]))
    assert [f[1:] for f in flags_of(engine, station, "o3")] == [(2, "asset_faulty")] * 2
    with engine.connect() as conn:
        hours = conn.execute(
            select(func.count())
            .select_from(readings_hourly)
            .join(series, series.c.id == readings_hourly.c.series_id)
            .where(series.c.asset_id == station)
        ).scalar_one()
    assert hours == 0
    assert set_aside_of(engine, station) == {"asset_faulty": 2}


def test_the_physical_range_is_per_quantity_and_per_device_model(
    engine: Engine, territory: Territory, send: Send
) -> None:
    member = territory.versailles.id
    radar = register(engine, member, name="Radar", serial="RAD-1", domain="traffic")
    send(member, "RAD-1", "speed", _every(timedelta(minutes=5), [48.0, 300.0, 52.0]))
    assert [f[2] for f in flags_of(engine, radar, "speed")] == [None, "range", None]

    with engine.begin() as conn:
        data = DeviceModelCreate.model_validate(
            {
                "vendor": "acme",
                "model": "tide-gauge",
                "domain": "water",
                "quality_rules": {"water_level": {"low": 0, "high": 8}},
            }
        )
        model = service.register_device_model(conn, data=data, actor="test").id
    gauge = register(
        engine, member, name="Échelle", serial="LIM-8", domain="water", device_model_id=model
    )
    send(member, "LIM-8", "water_level", _every(timedelta(hours=3), [1.0, 9.0, 1.1]))
    assert [f[2] for f in flags_of(engine, gauge, "water_level")] == [None, "range", None]


def test_a_meter_index_that_falls_is_invalid_and_a_reset_to_zero_is_not(
    engine: Engine, territory: Territory, send: Send
) -> None:
    cabinet = register(engine, territory.boulogne.id, name="Armoire", serial="ARM-1", boulogne=True)
    # 950 and 951 fall below the index 1 004: misreadings, set aside; 1 006 goes on.
    # 3 falls to under 1 % of 1 008: the meter was replaced (a reset), valid, and 4 goes on.
    values = [1000.0, 1002.0, 1004.0, 950.0, 951.0, 1006.0, 1008.0, 3.0, 4.0]
    send(territory.boulogne.id, "ARM-1", "energy", _every(timedelta(hours=1), values))
    assert [f[2] for f in flags_of(engine, cabinet, "energy")] == [None] * 3 + [
        "index_decreased"
    ] * 2 + [None] * 4
    assert [f[1] for f in flags_of(engine, cabinet, "energy")][3:5] == [2, 2]  # invalid
    assert set_aside_of(engine, cabinet) == {"index_decreased": 2}
    assert _daily_max(engine, cabinet) == (7, 1008.0)


def test_a_quantity_that_is_not_an_index_may_fall(
    engine: Engine, territory: Territory, send: Send
) -> None:
    cabinet = register(engine, territory.boulogne.id, name="Armoire", serial="ARM-2", boulogne=True)
    send(territory.boulogne.id, "ARM-2", "power", _every(timedelta(hours=1), [900.0, 400.0]))
    assert set_aside_of(engine, cabinet) == {}


def test_a_series_whose_first_values_were_invalid_judges_the_next_by_no_invalid_one(
    engine: Engine, territory: Territory, send: Send
) -> None:
    member = territory.versailles.id
    station = register(engine, member, name="Station neuve", serial="AIR-NEW", domain="air")
    # 1 200 µg/m³ is out of range: invalid. The next batch's 30 is not a spike away from it
    # (no valid value was ever heard, there is nothing to step from).
    send(member, "AIR-NEW", "no2", _every(timedelta(hours=1), [1200.0]))
    send(member, "AIR-NEW", "no2", [(T0 + timedelta(hours=1), 30.0)])
    assert [f[1:] for f in flags_of(engine, station, "no2")] == [(2, "range"), (0, None)]
