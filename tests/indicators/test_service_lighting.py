"""Lighting indicators end to end: a cabinet's meter index and power through the store.

Cases of test_lighting.py: a 23-hour day, a month with a missing meter hour, whole-night
savings on 21 June 2026.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from convergence.indicators.schemas import IndicatorQuery, LightingSite
from convergence.indicators.services.lighting import lighting_indicators
from convergence.indicators.services.sites import set_site_settings
from convergence.indicators.timewindows import local_day_window, local_days_window
from convergence.members.scope import command_line_scope
from convergence.quality.qualify import qualify
from convergence.timeseries.store import NewReading, store_readings
from tests.indicators.planting import make_site, scope_of, store
from tests.support import Territory

HOUR = timedelta(hours=1)


def plant_cabinet(
    engine: Engine,
    territory: Territory,
    hours: list[datetime],
    kwh: list[float],
    *,
    skip: int | None = None,
) -> int:
    """A cabinet whose index rises by ``kwh[i]`` during hour i (read at its end), base
    1 000 kWh read at the first hour's start; its power is kWh × 1 000 W (read at :30)."""
    asset = make_site(engine, territory, domain="lighting", name="Armoire A12")
    index, total = [(hours[0], 1000.0)], 1000.0
    for i, (hour, used) in enumerate(zip(hours, kwh, strict=True)):
        total += used
        if i != skip:
            index.append((hour + HOUR, total))
    power = [(h + timedelta(minutes=30), 1000 * used) for h, used in zip(hours, kwh, strict=True)]
    member = territory.versailles.id
    store(engine, asset_id=asset, member_id=member, quantity="energy", points=index)
    store(engine, asset_id=asset, member_id=member, quantity="power", points=power)
    return asset


def days_query(first: date, last: date) -> IndicatorQuery:
    window = local_days_window(first, last)
    return IndicatorQuery(start=window.start_utc, end=window.end_utc)


def test_daily_energy_of_the_23_hour_day(engine: Engine, territory: Territory) -> None:
    # 2026-03-29: 13 lit hours at 10 kWh and 10 dark hours at 0 -> 130 kWh, 23 of 23 hours.
    # Power read at :30 of each hour: on from 00:30 to the « off » reading at 07:30 (7 h),
    # then from 17:30 to the day's end at 24:00 (5.5 h) -> 12.5 h; the first half hour's
    # state is unknown (22.5 of 23 hours).
    day = date(2026, 3, 29)
    hours = local_day_window(day).hour_starts()
    kwh = [10.0 if i < 7 or i >= 17 else 0.0 for i in range(len(hours))]
    plant_cabinet(engine, territory, hours, kwh)
    with engine.connect() as conn:
        result = lighting_indicators(
            conn, scope=scope_of(engine, territory.versailles), query=days_query(day, day)
        )
    (site,) = result.stations
    assert site.energy_source == "index"
    (daily,) = site.days
    assert daily.energy.value == pytest.approx(130.0)
    assert daily.energy.unit == "kWh"
    assert (daily.energy.completeness.present, daily.energy.completeness.expected) == (23, 23)
    assert daily.energy.publishable
    assert (daily.burning_hours.value, daily.burning_hours.unit) == (12.5, "h")
    assert daily.burning_hours.completeness.present == pytest.approx(22.5)
    (commune,) = result.communes
    assert commune.energy.value == pytest.approx(130.0)
    # 130 kWh for Versailles' 84 095 inhabitants.
    assert commune.per_inhabitant.value == pytest.approx(130 / 84095)
    assert commune.per_inhabitant.unit == "kWh/hab."


def test_a_missing_meter_reading_loses_no_energy(engine: Engine, territory: Territory) -> None:
    # February 2026: 672 hours at 1 kWh. The index read at the end of hour 100 is missing:
    # the index still counted -> 672 kWh over 672 of 672 hours, complete.
    first = date(2026, 2, 1)
    hours = local_days_window(first, date(2026, 2, 28)).hour_starts()
    plant_cabinet(engine, territory, hours, [1.0] * len(hours), skip=100)
    with engine.connect() as conn:
        result = lighting_indicators(
            conn,
            scope=scope_of(engine, territory.versailles),
            query=days_query(first, date(2026, 2, 28)),
        )
    (month,) = result.stations[0].months
    assert (month.year, month.month) == (2026, 2)
    assert month.energy.value == pytest.approx(672.0)
    assert (month.energy.completeness.present, month.energy.completeness.expected) == (672, 672)
    assert month.energy.completeness.complete


def test_savings_against_the_whole_night(engine: Engine, territory: Territory) -> None:
    # Night of 21 June 2026 at Versailles: sunset ≈ 21:59 CEST, sunrise ≈ 05:48 -> ≈ 7.82 h.
    # 10 kW installed: baseline ≈ 78.2 kWh; measured 50 kWh over the day: saved ≈ 28.2 kWh (36 %).
    night = date(2026, 6, 21)
    hours = local_day_window(night).hour_starts()
    asset = plant_cabinet(engine, territory, hours, [50.0 / 24] * 24)
    with engine.begin() as conn:
        set_site_settings(
            conn,
            scope=command_line_scope(),
            asset_id=asset,
            settings=LightingSite(installed_power_w=10_000),
        )
    with engine.connect() as conn:
        result = lighting_indicators(
            conn, scope=scope_of(engine, territory.versailles), query=days_query(night, night)
        )
    savings = result.stations[0].savings
    assert savings is not None
    assert savings.measured.value == pytest.approx(50.0)
    assert savings.baseline.value == pytest.approx(78.2, abs=0.5)
    assert savings.saved.value == pytest.approx(28.2, abs=0.5)
    assert savings.saved_share.value == pytest.approx(36.1, abs=0.5)
    assert savings.saved_share.unit == "%"


def test_the_epci_reads_versailles_energy_only_when_shared(
    engine: Engine, territory: Territory
) -> None:
    day = date(2026, 6, 16)
    hours = local_day_window(day).hour_starts()
    plant_cabinet(engine, territory, hours, [1.0] * 24)
    epci, boulogne = scope_of(engine, territory.epci), scope_of(engine, territory.boulogne)
    with engine.connect() as conn:
        shared = lighting_indicators(conn, scope=epci, query=days_query(day, day))
        other = lighting_indicators(conn, scope=boulogne, query=days_query(day, day))
    assert shared.stations[0].energy.value == pytest.approx(24.0)
    assert shared.stations[0].station.name is None
    (zone,) = shared.epcis
    assert zone.zone.code == "247800584"
    assert zone.energy.value == pytest.approx(24.0)
    # Only Versailles has data: the EPCI's value is per inhabitant of Versailles, and its
    # completeness is the share of the EPCI's population that Versailles covers.
    assert zone.per_inhabitant.population == 84095
    assert zone.per_inhabitant.completeness.expected == zone.zone.population
    assert other.stations == []
    assert other.epcis == []


def test_a_meter_index_read_below_itself_adds_no_energy(
    engine: Engine, territory: Territory
) -> None:
    # 2026-06-15 (24 h): the index is read at each hour, 1 000 + h kWh, but the reads of
    # 10:00 and 11:00 give 950 and 951 (misreadings below the index 1 009). They are set
    # aside as « index_decreased »: 1 009 -> 1 012 covers those hours, 24 kWh over 24 h.
    # Counted, they would add 1 kWh and the 61 kWh jump of 951 -> 1 012: 83 kWh.
    day = date(2026, 6, 15)
    hours = local_day_window(day).hour_starts()
    reads = {10: 950.0, 11: 951.0}
    points = [(h, reads.get(i, 1000.0 + i)) for i, h in enumerate(hours)]
    points.append((hours[-1] + HOUR, 1024.0))
    asset = make_site(engine, territory, domain="lighting", name="Armoire B3")
    member = territory.versailles.id
    with engine.begin() as conn:  # qualified as on ingestion
        batch = [NewReading(asset, member, "energy", "kWh", ts, v) for ts, v in points]
        store_readings(conn, batch, qualify=qualify)
    with engine.connect() as conn:
        result = lighting_indicators(
            conn, scope=scope_of(engine, territory.versailles), query=days_query(day, day)
        )
    (daily,) = result.stations[0].days
    assert daily.energy.value == pytest.approx(24.0)
    assert daily.energy.completeness.present == pytest.approx(24)
