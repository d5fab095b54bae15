"""Rollups maintained from inserted rows only: duplicates, late data, decibels, local days."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from convergence.errors import InvalidInput
from convergence.timeseries import rollups
from convergence.timeseries.store import NewEvent, NewReading, insert_events, store_readings
from convergence.timeseries.tables import readings, readings_daily, readings_hourly, series
from tests.support import Territory

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def _reading(
    asset_id: int, member_id: int, ts: datetime, value: float, quantity: str = "temperature"
) -> NewReading:
    unit = "dB(A)" if quantity == "noise.laeq" else "°C"
    return NewReading(asset_id, member_id, quantity, unit, ts, value)


def _store(engine: Engine, batch: list[NewReading]) -> int:
    with engine.begin() as conn:
        return len(store_readings(conn, batch).inserted)


def _hourly(engine: Engine) -> dict[datetime, tuple[int, float, float, float, float | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(readings_hourly)).all()
    return {r.start: (r.count, r.sum, r.min, r.max, r.energy_sum) for r in rows}


def _daily(engine: Engine) -> dict[date, tuple[int, float, float, float, float | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(readings_daily)).all()
    return {r.day: (r.count, r.sum, r.min, r.max, r.energy_sum) for r in rows}


def test_an_hour_of_readings_gives_count_sum_min_max(
    engine: Engine, territory: Territory, asset_id: int
) -> None:
    member = territory.versailles.id
    values = [12.0, 14.5, 9.25, 11.0]
    batch = [
        _reading(asset_id, member, T0 + timedelta(minutes=15 * i), v) for i, v in enumerate(values)
    ]
    assert _store(engine, batch) == 4
    assert _hourly(engine) == {T0: (4, sum(values), 9.25, 14.5, None)}
    assert _daily(engine) == {date(2026, 11, 28): (4, sum(values), 9.25, 14.5, None)}


def test_the_same_batch_twice_counts_once(
    engine: Engine, territory: Territory, asset_id: int
) -> None:
    member = territory.versailles.id
    batch = [_reading(asset_id, member, T0 + timedelta(minutes=i), float(i)) for i in range(100)]
    assert _store(engine, batch) == 100
    before = (_hourly(engine), _daily(engine))
    with engine.begin() as conn:
        result = store_readings(conn, batch + batch[:10])
    assert (len(result.inserted), result.duplicates) == (0, 110)
    assert (_hourly(engine), _daily(engine)) == before
    with engine.connect() as conn:
        assert len(conn.execute(select(readings)).all()) == 100


def test_two_large_batches_in_one_transaction_each_count_once(
    engine: Engine, territory: Territory, asset_id: int
) -> None:
    # Batches this large go through COPY on PostgreSQL: the second must not meet the first's
    # rows again in the table they pass through.
    member = territory.versailles.id
    first = [_reading(asset_id, member, T0 + timedelta(minutes=i), 10.0) for i in range(100)]
    second = [_reading(asset_id, member, T0 + timedelta(minutes=i), 20.0) for i in range(100, 200)]
    with engine.begin() as conn:
        assert len(store_readings(conn, first).inserted) == 100
        assert len(store_readings(conn, second).inserted) == 100
    hours = _hourly(engine)
    assert sum(count for count, *_ in hours.values()) == 200
    assert sum(total for _, total, *_ in hours.values()) == 100 * 10.0 + 100 * 20.0


def test_duplicates_inside_one_batch_count_once(
    engine: Engine, territory: Territory, asset_id: int
) -> None:
    member = territory.versailles.id
    reading = _reading(asset_id, member, T0, 20.0)
    assert _store(engine, [reading, reading, reading]) == 1
    assert _hourly(engine)[T0][0] == 1


def test_late_data_lands_in_its_bucket(engine: Engine, territory: Territory, asset_id: int) -> None:
    member = territory.versailles.id
    _store(engine, [_reading(asset_id, member, T0 + timedelta(hours=2), 20.0)])
    _store(engine, [_reading(asset_id, member, T0 + timedelta(minutes=5), 18.0)])
    _store(engine, [_reading(asset_id, member, T0 + timedelta(hours=2, minutes=30), 25.0)])
    _store(engine, [_reading(asset_id, member, T0 + timedelta(hours=2, minutes=10), 1.0)])
    hourly = _hourly(engine)
    assert hourly[T0] == (1, 18.0, 18.0, 18.0, None)
    assert hourly[T0 + timedelta(hours=2)] == (3, 46.0, 1.0, 25.0, None)


def test_late_data_does_not_replace_the_latest_value(
    engine: Engine, territory: Territory, asset_id: int
) -> None:
    member = territory.versailles.id
    _store(engine, [_reading(asset_id, member, T0 + timedelta(hours=1), 21.0)])
    _store(engine, [_reading(asset_id, member, T0, 5.0)])
    with engine.connect() as conn:
        row = conn.execute(select(series.c.last_ts, series.c.last_value)).one()
    assert (row.last_ts, row.last_value) == (T0 + timedelta(hours=1), 21.0)


def test_decibels_carry_the_energetic_sum(
    engine: Engine, territory: Territory, asset_id: int
) -> None:
    member = territory.versailles.id
    batch = [
        _reading(asset_id, member, T0, 60.0, "noise.laeq"),
        _reading(asset_id, member, T0 + timedelta(minutes=30), 70.0, "noise.laeq"),
    ]
    _store(engine, batch)
    _store(engine, batch)  # a replay must not add energy twice
    count, total, low, high, energy = _hourly(engine)[T0]
    assert (count, total, low, high) == (2, 130.0, 60.0, 70.0)
    assert energy == pytest.approx(10**6 + 10**7)
    mean = rollups.energetic_mean(energy, count)
    assert mean == pytest.approx(10 * math.log10(5.5e6))
    assert mean == pytest.approx(67.404, abs=1e-3)  # not the arithmetic 65


@pytest.mark.parametrize(
    ("day", "hours"), [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 6, 1), 24)]
)
def test_a_local_day_lasts_23_24_or_25_hours(
    engine: Engine, territory: Territory, asset_id: int, day: date, hours: int
) -> None:
    member = territory.versailles.id
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=3)
    batch = [_reading(asset_id, member, start + timedelta(hours=h), 1.0) for h in range(30)]
    _store(engine, batch)
    assert _daily(engine)[day][0] == hours


def test_incremental_rollups_equal_a_rebuild_from_raw_readings(
    engine: Engine, territory: Territory, asset_id: int
) -> None:
    member = territory.versailles.id
    rng = random.Random(20261128)
    instants = [T0 + timedelta(minutes=rng.randrange(0, 3 * 24 * 60)) for _ in range(600)]
    for start in range(0, 600, 75):
        chunk = instants[start : start + 75] + rng.sample(instants[: start + 75], 20)
        _store(
            engine,
            [_reading(asset_id, member, ts, 40 + (ts.minute % 30), "noise.laeq") for ts in chunk],
        )
    incremental = (_hourly(engine), _daily(engine))
    with engine.begin() as conn:
        series_id = conn.execute(select(series.c.id)).scalar_one()
        rollups.rebuild(conn, series_id=series_id, decibel=True)
    rebuilt = (_hourly(engine), _daily(engine))
    for ours, theirs in zip(incremental, rebuilt, strict=True):
        assert ours.keys() == theirs.keys()
        for key, (count, total, low, high, energy) in ours.items():
            assert (count, low, high) == theirs[key][:1] + theirs[key][2:4]
            assert total == pytest.approx(theirs[key][1])
            assert energy == pytest.approx(theirs[key][4])
    assert sum(c for c, *_ in incremental[0].values()) == len(set(instants))


def test_a_value_in_another_unit_than_its_series_is_refused(
    engine: Engine, territory: Territory, asset_id: int
) -> None:
    member = territory.versailles.id
    _store(engine, [_reading(asset_id, member, T0, 20.0)])
    wrong = NewReading(asset_id, member, "temperature", "K", T0 + timedelta(hours=1), 293.0)
    with pytest.raises(InvalidInput, match="unit 'K' differs"), engine.begin() as conn:
        store_readings(conn, [wrong])


def test_the_same_event_twice_is_stored_once(
    engine: Engine, territory: Territory, asset_id: int
) -> None:
    event = NewEvent(asset_id, territory.versailles.id, T0, "status", {"status": "Faulted"})
    with engine.begin() as conn:
        assert insert_events(conn, [event, event]) == [(asset_id, "status", T0)]
        assert insert_events(conn, [event]) == []
