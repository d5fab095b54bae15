"""Traffic indicators end to end: counts through the store, hourly rollups, the service.

Cases of test_traffic.py and test_traffic_speeds.py, worked out by hand (SIREDO TMJA on
complete months, TMJO on jours ouvrés, HPM/HPS, %PL, nearest-rank V85).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from convergence.indicators.schemas import (
    IndicatorQuery,
    SeriesSource,
    SpeedReadings,
    TrafficDirection,
    TrafficSite,
)
from convergence.indicators.services.sites import set_site_settings
from convergence.indicators.services.traffic import (
    busiest_tmj,
    compute_traffic,
    compute_traffic_volumes,
    traffic_indicators,
)
from convergence.indicators.timewindows import local_day_window, local_days_window
from convergence.members.scope import command_line_scope
from tests.indicators.planting import make_site, scope_of, store
from tests.support import Territory

TUESDAY = date(2026, 6, 16)


def one_day(day: date) -> IndicatorQuery:
    window = local_day_window(day)
    return IndicatorQuery(start=window.start_utc, end=window.end_utc)


def counts(
    engine: Engine,
    territory: Territory,
    asset: int,
    hours: list[tuple[datetime, int]],
    *,
    batch: int = 25,
) -> None:
    """Each hour's count sent as readings of ``batch`` vehicles (and the remainder), summed by
    the hourly rollup."""
    points = []
    for hour, count in hours:
        parts = [batch] * (count // batch) + (
            [count % batch] if count % batch or count == 0 else []
        )
        step = timedelta(hours=1) / len(parts)
        points += [(hour + i * step, float(n)) for i, n in enumerate(parts)]
    store(
        engine,
        asset_id=asset,
        member_id=territory.versailles.id,
        quantity="vehicle_count",
        points=points,
    )


def constant(day: date, per_hour: int) -> list[tuple[datetime, int]]:
    return [(h, per_hour) for h in local_day_window(day).hour_starts()]


def two_direction_site(engine: Engine, territory: Territory) -> int:
    """Counter A (direction 1) reads counter B as direction 2; PL from counters HA and HB."""
    a, b, ha, hb = (
        make_site(engine, territory, domain="traffic", name=n) for n in ("A", "B", "PL A", "PL B")
    )
    settings = TrafficSite(
        directions=[
            TrafficDirection(name="1", heavy=SeriesSource(asset_id=ha)),
            TrafficDirection(name="2", asset_id=b, heavy=SeriesSource(asset_id=hb)),
        ]
    )
    with engine.begin() as conn:
        set_site_settings(conn, scope=command_line_scope(), asset_id=a, settings=settings)
    counts(engine, territory, a, constant(TUESDAY, 100))
    counts(engine, territory, b, constant(TUESDAY, 50))
    counts(engine, territory, ha, constant(TUESDAY, 10))
    counts(engine, territory, hb, constant(TUESDAY, 10))
    return a


def test_daily_counts_per_direction_with_heavy_vehicles_from_their_own_series(
    engine: Engine, territory: Territory
) -> None:
    # Direction 1: 24 × 100 = 2 400 vehicles, 240 heavy -> 10 %; direction 2: 1 200;
    # both: 3 600, 480 heavy -> 13.33 %. Counters B, PL A, PL B are not sites of their own.
    a = two_direction_site(engine, territory)
    with engine.connect() as conn:
        result = traffic_indicators(
            conn, scope=scope_of(engine, territory.versailles), query=one_day(TUESDAY)
        )
    (site,) = result.stations
    assert (site.station.asset_id, site.directions) == (a, ["1", "2"])
    (day,) = site.days
    one, two = day.directions
    assert (one.vehicles.value, two.vehicles.value, day.both.vehicles.value) == (2400, 1200, 3600)
    assert one.heavy_share is not None
    assert one.heavy_share.value == pytest.approx(10.0)
    assert day.both.heavy_share is not None
    assert day.both.heavy_share.value == pytest.approx(13.33, abs=0.01)
    assert (day.valid, day.both.vehicles.unit) == (True, "véhicules/jour")
    assert site.heavy_share.value == pytest.approx(13.33, abs=0.01)
    tmj = next(a for a in site.averages if a.name == "TMJ")
    assert tmj.value.value == 3600
    assert result.communes[0].busiest_asset_id == a


def test_a_missing_hour_is_missing_not_zero(engine: Engine, territory: Territory) -> None:
    # Direction 1 loses its first hour (100 vehicles): 47 of 48 direction-hours, 3 500 counted,
    # the day is shown but not valid.
    a, b = (make_site(engine, territory, domain="traffic", name=n) for n in ("A", "B"))
    settings = TrafficSite(
        directions=[TrafficDirection(name="1"), TrafficDirection(name="2", asset_id=b)]
    )
    with engine.begin() as conn:
        set_site_settings(conn, scope=command_line_scope(), asset_id=a, settings=settings)
    counts(engine, territory, a, constant(TUESDAY, 100)[1:])
    counts(engine, territory, b, constant(TUESDAY, 50))
    with engine.connect() as conn:
        result = traffic_indicators(
            conn, scope=scope_of(engine, territory.versailles), query=one_day(TUESDAY)
        )
    (day,) = result.stations[0].days
    assert day.both.vehicles.value == 3500
    assert (day.both.vehicles.completeness.present, day.valid) == (47, False)


def test_the_23_hour_day_is_complete_with_23_hours(engine: Engine, territory: Territory) -> None:
    spring = date(2026, 3, 29)
    a = make_site(engine, territory, domain="traffic", name="A")
    counts(engine, territory, a, constant(spring, 100))
    with engine.connect() as conn:
        result = traffic_indicators(
            conn, scope=scope_of(engine, territory.versailles), query=one_day(spring)
        )
    (day,) = result.stations[0].days
    assert (day.both.vehicles.value, day.valid) == (2300, True)
    assert day.both.vehicles.completeness.expected == 23


def test_morning_and_evening_peak_hours(engine: Engine, territory: Territory) -> None:
    # Local 7, 8, 9 h: 300, 450, 350; 16, 17, 18 h: 400, 520, 480; others 100. Day 4 300:
    # HPM 08 h with 450 (10.47 %), HPS 17 h with 520 (12.09 %).
    profile = {7: 300, 8: 450, 9: 350, 16: 400, 17: 520, 18: 480}
    a = make_site(engine, territory, domain="traffic", name="A")
    hours = local_day_window(TUESDAY).hour_starts()
    counts(engine, territory, a, [(h, profile.get(i, 100)) for i, h in enumerate(hours)])
    with engine.connect() as conn:
        result = traffic_indicators(
            conn, scope=scope_of(engine, territory.versailles), query=one_day(TUESDAY)
        )
    morning, evening = result.stations[0].days[0].peak_hours
    assert (morning.name, morning.local_hour, morning.vehicles.value) == ("HPM", 8, 450)
    assert (evening.name, evening.local_hour, evening.vehicles.value) == ("HPS", 17, 520)
    assert morning.share_of_day is not None
    assert morning.share_of_day.value == pytest.approx(10.47, abs=0.01)
    assert evening.share_of_day is not None
    assert evening.share_of_day.value == pytest.approx(12.09, abs=0.01)


def test_tmja_from_complete_months_with_missing_days(engine: Engine, territory: Territory) -> None:
    # Every day of month m carries 1 000·m vehicles in its first local hour (half per
    # direction), 0 in the other hours. January: days 1–21 only (67.7 % < 75 %), left out;
    # February: days 24–28 missing (82 %), used with 23 days; 10 March: one hour missing,
    # invalid. TMJA = 2 338 000 / 328 days = 7 128.05 vehicles/day; completeness 328/365.
    a, b = (make_site(engine, territory, domain="traffic", name=n) for n in ("A", "B"))
    settings = TrafficSite(
        directions=[TrafficDirection(name="1"), TrafficDirection(name="2", asset_id=b)]
    )
    with engine.begin() as conn:
        set_site_settings(conn, scope=command_line_scope(), asset_id=a, settings=settings)
    per_direction: dict[int, list[tuple[datetime, int]]] = {a: [], b: []}
    day = date(2026, 1, 1)
    while day.year == 2026:
        skipped = (day.month == 1 and day.day > 21) or (day.month == 2 and day.day > 23)
        if not skipped:
            hours = local_day_window(day).hour_starts()
            for asset in (a, b):
                rows = [(hours[0], 500 * day.month)] + [(h, 0) for h in hours[1:]]
                per_direction[asset] += (
                    rows[:-1] if day == date(2026, 3, 10) and asset == b else rows
                )
        day += timedelta(days=1)
    for asset, rows in per_direction.items():
        counts(engine, territory, asset, rows, batch=10_000)  # one reading an hour
    window = local_days_window(date(2026, 1, 1), date(2026, 12, 31))
    query = IndicatorQuery(start=window.start_utc, end=window.end_utc)
    scope = scope_of(engine, territory.versailles)
    with engine.connect() as conn:
        result = traffic_indicators(conn, scope=scope, query=query)
    averages = {(x.name, x.direction): x for x in result.stations[0].averages}
    both = averages[("TMJA", "both")]
    assert both.value.value == pytest.approx(7128.05, abs=0.01)
    assert (both.days_used, both.months_excluded, both.year) == (328, [1], 2026)
    assert both.value.completeness.ratio == pytest.approx(328 / 365)
    assert both.value.publishable
    assert averages[("TMJA", "1")].value.value == pytest.approx(3564.02, abs=0.01)
    assert "SIREDO" in both.value.rule


def test_v85_and_the_share_above_the_limit_from_spot_speeds(
    engine: Engine, territory: Territory
) -> None:
    # 20 spot speeds 30, 32, …, 68 km/h. V85: rank ⌈0.85 × 20⌉ = 17 -> 62; V50: rank 10 -> 48;
    # mean 49; above 50: 52…68 = 9 of 20 = 45 %; above 60: 62…68 = 4 = 20 %.
    a = make_site(engine, territory, domain="traffic", name="A")
    with engine.begin() as conn:
        set_site_settings(
            conn,
            scope=command_line_scope(),
            asset_id=a,
            settings=TrafficSite(
                directions=[TrafficDirection(name="1")],
                speed_limit_kmh=50,
                speed_readings=SpeedReadings.per_vehicle,
            ),
        )
    start = local_day_window(TUESDAY).start_utc + timedelta(hours=8)
    speeds = [(start + timedelta(minutes=i), 30.0 + 2 * i) for i in range(20)]
    store(engine, asset_id=a, member_id=territory.versailles.id, quantity="speed", points=speeds)
    own, epci = scope_of(engine, territory.versailles), scope_of(engine, territory.epci)
    with engine.connect() as conn:
        result = traffic_indicators(conn, scope=own, query=one_day(TUESDAY))
        shared = traffic_indicators(conn, scope=epci, query=one_day(TUESDAY))
    (speed,) = result.stations[0].speeds
    assert (speed.vehicles, speed.v85.value, speed.v50.value) == (20, 62, 48)
    assert speed.mean.value == pytest.approx(49.0)
    assert speed.share_above_limit is not None
    assert speed.share_above_limit.value == 45.0
    assert speed.share_above_limit_plus_10 is not None
    assert speed.share_above_limit_plus_10.value == 20.0
    assert speed.v85.unit == "km/h"
    # Spot speeds are raw readings: a reader of aggregates only gets no statistics.
    assert shared.stations[0].speeds[0].v85.value is None
    assert shared.stations[0].station.name is None


def test_boulogne_never_gets_versailles_counts(engine: Engine, territory: Territory) -> None:
    two_direction_site(engine, territory)
    with engine.connect() as conn:
        result = traffic_indicators(
            conn, scope=scope_of(engine, territory.boulogne), query=one_day(TUESDAY)
        )
    assert result.stations == []


def test_the_comparison_reads_the_volumes_only_and_finds_what_the_whole_computation_finds(
    engine: Engine, territory: Territory
) -> None:
    a = two_direction_site(engine, territory)
    start = local_day_window(TUESDAY).start_utc + timedelta(hours=8)
    speeds = [(start + timedelta(minutes=i), 30.0 + 2 * i) for i in range(20)]
    store(engine, asset_id=a, member_id=territory.versailles.id, quantity="speed", points=speeds)
    scope = scope_of(engine, territory.epci)
    with engine.connect() as conn:
        whole = compute_traffic(conn, scope=scope, query=one_day(TUESDAY))
        volumes = compute_traffic_volumes(conn, scope=scope, query=one_day(TUESDAY))
    (site,) = volumes
    assert (site.peaks, site.speeds) == ((), ())  # neither computed nor read
    assert whole[0].speeds
    assert whole[0].peaks
    assert [s.days for s in volumes] == [s.days for s in whole]
    assert busiest_tmj(volumes) == busiest_tmj(whole)
    assert busiest_tmj(volumes).value == 3600
