"""The simulated fleet: deterministic, window-independent, with cycles, episodes and faults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import Engine, func, select

from convergence.simulation.episodes import EpisodeKind, yearly_episodes
from convergence.simulation.fleet import AssetPlan, FleetPlan, fleet_kinds, plan_fleet, simulate
from convergence.simulation.fleet_writer import register_fleet, write_readings
from convergence.simulation.signals import paris_offset
from convergence.timeseries.tables import readings, readings_daily, readings_set_aside

DAY = 86_400
JAN = int(datetime(2026, 1, 12, tzinfo=UTC).timestamp())  # a Monday


@pytest.fixture(scope="module")
def plan() -> FleetPlan:
    return plan_fleet(seed=7, scale=1.0)


def _first(plan: FleetPlan, kind: str, faulty: bool | None = None) -> AssetPlan:
    return next(a for a in plan.assets if a.sim_kind == kind and faulty in (None, a.faulty))


def test_a_whole_territory_is_about_two_thousand_series(plan: FleetPlan) -> None:
    assert 1_900 <= plan.series_count <= 2_100
    assert len(plan.communes) > 100
    assert 550 <= len(plan_fleet(seed=7, scale=0.55).assets) <= 650
    assert plan_fleet(seed=7, scale=1.0) == plan


def test_paris_time_follows_the_tz_database() -> None:
    instants = np.arange(
        int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()),
        int(datetime(2028, 1, 1, tzinfo=UTC).timestamp()),
        1800,
        dtype=np.int64,
    )
    paris = ZoneInfo("Europe/Paris")
    expected = [datetime.fromtimestamp(int(t), paris).utcoffset().total_seconds() for t in instants]  # type: ignore[union-attr]
    assert paris_offset(instants).tolist() == expected


@pytest.mark.parametrize("kind", list(fleet_kinds()))
def test_any_window_gives_the_same_values(plan: FleetPlan, kind: str) -> None:
    asset = _first(plan, kind)
    for quantity in asset.spec.quantities:
        whole = simulate(plan, asset, quantity, start_s=JAN, end_s=JAN + 3 * DAY)
        cut = JAN + 36 * 3600 + 1234
        first = simulate(plan, asset, quantity, start_s=JAN, end_s=cut)
        second = simulate(plan, asset, quantity, start_s=cut, end_s=JAN + 3 * DAY)
        assert np.concatenate([first[0], second[0]]).tolist() == whole[0].tolist()
        assert np.concatenate([first[1], second[1]]).tolist() == whole[1].tolist()


@pytest.mark.parametrize("kind", ["lighting_cabinet", "charge_point"])
def test_energy_is_an_index_that_never_goes_back(plan: FleetPlan, kind: str) -> None:
    for asset in [a for a in plan.assets if a.sim_kind == kind][:5]:
        _, index = simulate(plan, asset, "energy", start_s=JAN, end_s=JAN + 20 * DAY)
        assert np.all(np.diff(index) >= 0)
        assert index[-1] - index[0] > 0


def _mean_at_hours(plan: FleetPlan, kind: str, quantity: str, hours: set[int]) -> float:
    values = []
    for asset in [a for a in plan.assets if a.sim_kind == kind and not a.faulty][:10]:
        epoch, found = simulate(plan, asset, quantity, start_s=JAN, end_s=JAN + 5 * DAY)
        local_hours = ((epoch + 3600) % DAY) // 3600  # winter: UTC+1
        values += found[np.isin(local_hours, list(hours))].tolist()
    return float(np.mean(values))


def test_daily_cycles(plan: FleetPlan) -> None:
    assert _mean_at_hours(plan, "air_station", "no2", {8}) > 1.3 * _mean_at_hours(
        plan, "air_station", "no2", {3}
    )
    assert (
        _mean_at_hours(plan, "noise_sensor", "laeq", {14})
        > _mean_at_hours(plan, "noise_sensor", "laeq", {3}) + 10
    )
    assert _mean_at_hours(plan, "traffic_counter", "vehicle_count", {8, 18}) > 4 * _mean_at_hours(
        plan, "traffic_counter", "vehicle_count", {3}
    )
    assert _mean_at_hours(plan, "lighting_cabinet", "power", {21}) > 50 * _mean_at_hours(
        plan, "lighting_cabinet", "power", {13}
    )


def test_episodes_show_in_the_signals(plan: FleetPlan) -> None:
    episodes = {e.kind: e for e in yearly_episodes(plan.seed, 2026)}
    pollution = episodes[EpisodeKind.pollution]
    station = _first(plan, "air_station", faulty=False)
    peak = pollution.start_s + int(pollution.rise_days * DAY)
    during = simulate(plan, station, "pm10", start_s=peak, end_s=peak + DAY)[1]
    before = simulate(plan, station, "pm10", start_s=peak - 10 * DAY, end_s=peak - 9 * DAY)[1]
    assert np.median(during) > 2 * np.median(before)


def test_some_series_have_gaps_and_stuck_values(plan: FleetPlan) -> None:
    faulty = [a for a in plan.assets if a.faulty and a.sim_kind == "noise_sensor"]
    assert faulty
    expected = 60 * DAY // 600
    epoch, values = simulate(plan, faulty[0], "laeq", start_s=JAN, end_s=JAN + 60 * DAY)
    assert len(epoch) < 0.99 * expected
    runs = np.diff(values) == 0
    assert runs.sum() > 30  # a stuck sensor repeats its value


def test_the_fleet_goes_through_the_ingestion_store(engine: Engine) -> None:
    small = plan_fleet(seed=3, scale=0.02, communes=["78646", "92012"])
    with engine.begin() as conn:
        fleet = register_fleet(conn, plan=small)
    with engine.begin() as conn:
        again = register_fleet(conn, plan=small)
    assert again.asset_ids == fleet.asset_ids
    start = datetime(2026, 3, 1, tzinfo=UTC)
    first = write_readings(engine, fleet=fleet, start=start, end=start + timedelta(days=1))
    second = write_readings(engine, fleet=fleet, start=start, end=start + timedelta(days=1))
    assert first.inserted == first.sent > 0
    assert second.inserted == 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(readings)).scalar_one() == first.sent
        counted = conn.execute(select(func.sum(readings_daily.c["count"]))).scalar_one()
        # The qualify stage sets some aside (faulty sensors, spikes): counted apart, not lost.
        set_aside = conn.execute(select(func.sum(readings_set_aside.c["count"]))).scalar() or 0
    assert counted + set_aside == first.sent
