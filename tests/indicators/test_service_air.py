"""Air indicators end to end: readings through the store, hourly rollups, the service.

The cases are those of test_air.py, worked out by hand from the arrêté du 10 juillet 2020;
each hour is stored as two readings (v − 1 at :10, v + 1 at :40) so that the service must
use the hourly mean, not the rollup's maximum.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from convergence.indicators.air import IndexStatus
from convergence.indicators.regulations.air import Pollutant
from convergence.indicators.schemas import IndicatorQuery
from convergence.indicators.services.air import (
    air_indicators,
    bad_air_days,
    compute_air,
    compute_air_indices,
)
from convergence.indicators.timewindows import local_day_window
from convergence.members.roles import ShareLevel
from convergence.members.schemas import MemberSettings
from convergence.members.scope import command_line_scope
from convergence.members.service import update_member_settings
from convergence.reports.air_thresholds import index_basis, index_measure
from tests.indicators.planting import hourly_means, make_site, scope_of, store
from tests.support import Territory

DAY = date(2026, 6, 15)  # CEST
SPRING = date(2026, 3, 29)  # 23 hours
JUNE_15 = IndicatorQuery(
    start=datetime(2026, 6, 14, 22, tzinfo=UTC), end=datetime(2026, 6, 15, 22, tzinfo=UTC)
)


def station_values(**overrides: Sequence[float]) -> dict[str, Sequence[float]]:
    values: dict[str, Sequence[float]] = {
        "so2": [10.0] * 24,
        "no2": [30.0] * 23 + [95.0],
        "o3": [60.0] * 24,
        "pm10": [20.0, 30.0] * 12,
        "pm25": [60.0] * 24,
    }
    values.update(overrides)
    return values


def plant_station(
    engine: Engine,
    territory: Territory,
    values: dict[str, Sequence[float]],
    *,
    day: date = DAY,
    where: str = "versailles",
    name: str = "Station mairie",
) -> int:
    asset = make_site(engine, territory, domain="air", name=name, where=where)
    member = territory.versailles if where == "versailles" else territory.boulogne
    hours = local_day_window(day).hour_starts()
    for quantity, series in values.items():
        points = hourly_means(hours[: len(series)], series)
        store(engine, asset_id=asset, member_id=member.id, quantity=quantity, points=points)
    return asset


def test_a_day_with_one_missing_pollutant_gives_a_partial_index(
    engine: Engine, territory: Territory
) -> None:
    # SO2 max 10 -> 1; NO2 max of the hourly means 95 -> 3 (the rollup maximum 96 is a
    # reading, not an hourly value); O3 60 -> 2; PM10 mean 25 -> 2; PM2.5 only 17 of 24 hours
    # (70.8 % < 75 %): no sub-index. Index 3 "Dégradé", partial.
    asset = plant_station(engine, territory, station_values(pm25=[60.0] * 17))
    scope = scope_of(engine, territory.versailles)
    with engine.connect() as conn:
        result = air_indicators(conn, scope=scope, query=JUNE_15)
    (station,) = result.stations
    assert station.station.asset_id == asset
    assert station.station.name == "Station mairie"
    (day,) = station.days
    assert (day.index.day, day.index.code, day.index.label) == (DAY, 3, "Dégradé")
    assert day.index.status is IndexStatus.PARTIAL
    assert day.index.missing == [Pollutant.PM25]
    assert day.index.official is False
    assert "10 juillet 2020" in day.index.rule
    no2 = next(s for s in day.index.sub_indices if s.pollutant is Pollutant.NO2)
    assert no2.concentration.value == pytest.approx(95.0)
    assert no2.concentration.unit == "µg/m³"
    assert no2.concentration.completeness.complete
    pm25 = next(s for s in day.index.sub_indices if s.pollutant is Pollutant.PM25)
    assert (pm25.class_code, pm25.concentration.completeness.present) == (None, 17)
    # EAQI 2017 of the same statistics: NO2 95 is "Moderate" (90, 120]; 2024: "Poor" (60, 100].
    eaqi = {e.version.value: e for e in day.eaqi}
    assert eaqi["2017"].level == 3
    assert eaqi["2024"].level == 4


def test_the_commune_takes_the_worst_station_per_pollutant(
    engine: Engine, territory: Territory
) -> None:
    # Station A: NO2 95 (class 3), no PM2.5; station B: NO2 45 (2), PM2.5 15 (2).
    # Commune: NO2 from A, PM2.5 from B -> 3, complete.
    plant_station(engine, territory, station_values(pm25=[]), name="A")
    plant_station(engine, territory, station_values(no2=[45.0] * 24, pm25=[15.0] * 24), name="B")
    with engine.connect() as conn:
        result = air_indicators(conn, scope=scope_of(engine, territory.versailles), query=JUNE_15)
    (commune,) = result.communes
    assert (commune.zone.code, commune.zone.name, commune.stations) == ("78646", "Versailles", 2)
    (day,) = commune.days
    assert (day.index.code, day.index.status) == (3, IndexStatus.COMPLETE)
    (epci,) = result.epcis
    assert (epci.zone.code, epci.zone.name) == ("247800584", "CA Versailles Grand Parc (CAVGP)")
    assert epci.days[0].index.code == 3
    assert [d.zone.code for d in result.departements] == ["78"]


def test_an_index_without_so2_is_a_fact_and_says_so2_is_not_measured(
    engine: Engine, territory: Territory
) -> None:
    # No SO2 series: NO2 95 -> 3, O3 60 -> 2, PM10 25 -> 2, PM2.5 60 -> 5: index 5, complete
    # over the four pollutants the station measures.
    values = station_values()
    del values["so2"]
    plant_station(engine, territory, values)
    with engine.connect() as conn:
        result = air_indicators(conn, scope=scope_of(engine, territory.versailles), query=JUNE_15)
    for day in (result.stations[0].days[0], result.communes[0].days[0]):
        index = day.index
        assert (index.code, index.status) == (5, IndexStatus.COMPLETE)
        assert index.measured == [Pollutant.NO2, Pollutant.O3, Pollutant.PM10, Pollutant.PM25]
        assert index.not_measured == [Pollutant.SO2]
        assert index.lacking == []
        assert index.missing == [Pollutant.SO2]
        assert (index.completeness.present, index.completeness.expected) == (4, 4)
        assert index_measure(index).publishable
        assert index_basis(index) == "complet, calculé sans SO₂ (non mesuré)"


def test_a_measured_pollutant_without_enough_hours_gives_a_minimum_class(
    engine: Engine, territory: Territory
) -> None:
    plant_station(engine, territory, station_values(pm25=[60.0] * 17))
    with engine.connect() as conn:
        result = air_indicators(conn, scope=scope_of(engine, territory.versailles), query=JUNE_15)
    index = result.stations[0].days[0].index
    assert index.lacking == [Pollutant.PM25]
    assert not index_measure(index).publishable
    assert index_basis(index) == "partiel (sans PM2,5 : données insuffisantes) : classe minimale"


def test_the_23_hour_day_needs_18_of_its_23_hours(engine: Engine, territory: Territory) -> None:
    # 2026-03-29: 18 of 23 hours = 78.3 % >= 75 %; NO2 max 45 -> class 2, complete statistic.
    # The station measures only NO2: the index is complete over its one pollutant.
    plant_station(engine, territory, {"no2": [45.0] * 18}, day=SPRING)
    query = IndicatorQuery(
        start=local_day_window(SPRING).start_utc, end=local_day_window(SPRING).end_utc
    )
    with engine.connect() as conn:
        result = air_indicators(conn, scope=scope_of(engine, territory.versailles), query=query)
    (day,) = result.stations[0].days
    no2 = next(s for s in day.index.sub_indices if s.pollutant is Pollutant.NO2)
    assert (no2.concentration.completeness.present, no2.concentration.completeness.expected) == (
        18,
        23,
    )
    assert no2.class_code == 2
    assert day.index.status is IndexStatus.COMPLETE
    assert day.index.measured == [Pollutant.NO2]


def test_boulogne_never_gets_versailles_stations(engine: Engine, territory: Territory) -> None:
    plant_station(engine, territory, station_values())
    with engine.connect() as conn:
        result = air_indicators(conn, scope=scope_of(engine, territory.boulogne), query=JUNE_15)
    assert result.stations == []
    assert result.communes == []


def test_the_epci_reads_shared_aggregates_without_names(
    engine: Engine, territory: Territory
) -> None:
    # Versailles shares its aggregates with its EPCI: indices yes, the station's name no.
    plant_station(engine, territory, station_values(), name="secret name")
    with engine.connect() as conn:
        result = air_indicators(conn, scope=scope_of(engine, territory.epci), query=JUNE_15)
    (station,) = result.stations
    assert station.station.name is None
    assert station.days[0].index.code == 5
    assert result.communes[0].zone.code == "78646"


def test_the_epci_sees_nothing_once_versailles_stops_sharing(
    engine: Engine, territory: Territory
) -> None:
    plant_station(engine, territory, station_values())
    with engine.begin() as conn:
        update_member_settings(
            conn,
            scope=command_line_scope(),
            member_id=territory.versailles.id,
            data=MemberSettings(share_level=ShareLevel.none),
        )
    with engine.connect() as conn:
        result = air_indicators(conn, scope=scope_of(engine, territory.epci), query=JUNE_15)
    assert (result.stations, result.communes, result.epcis) == ([], [], [])


def test_the_comparison_reads_the_daily_indices_only_and_counts_the_same_bad_days(
    engine: Engine, territory: Territory
) -> None:
    # PM2.5 60 all day: index 5, a bad day. Thresholds are assessed only by the whole one.
    plant_station(engine, territory, station_values())
    scope = scope_of(engine, territory.epci)
    with engine.connect() as conn:
        whole = compute_air(conn, scope=scope, query=JUNE_15)
        indices = compute_air_indices(conn, scope=scope, query=JUNE_15)
    (station,) = indices
    assert station.exceedances == ()  # not assessed
    assert whole[0].exceedances
    assert station.days == whole[0].days
    assert bad_air_days(indices) == bad_air_days(whole)
    assert bad_air_days(indices).value == 1.0
