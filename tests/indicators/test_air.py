"""ATMO-type daily index (arrêté du 10 juillet 2020) and EEA EAQI 2017 / 2024."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convergence.indicators.air import (
    EaqiVersion,
    IndexStatus,
    atmo_sub_index,
    commune_atmo_like_index,
    daily_statistic,
    eaqi_band,
    eaqi_index,
    station_atmo_like_index,
)
from convergence.indicators.regulations.air import Pollutant
from convergence.indicators.timewindows import HourlySample, local_day_window

DAY = date(2026, 6, 15)  # CEST: the local day runs 2026-06-14T22:00Z .. 2026-06-15T22:00Z


def hours(values: Sequence[float], day: date = DAY) -> list[HourlySample]:
    start = local_day_window(day).start_utc
    return [HourlySample(start + timedelta(hours=i), v) for i, v in enumerate(values)]


@pytest.mark.parametrize(
    ("pollutant", "value", "expected"),
    [
        # Annex I: classes are (lower, upper]; a value equal to a bound stays in the lower class.
        (Pollutant.NO2, 40.0, 1),  # NO2 "bon" is <= 40
        (Pollutant.NO2, 40.01, 2),  # just above 40 -> "moyen"
        (Pollutant.SO2, 750.0, 5),  # SO2 "très mauvais" is (500, 750]
        (Pollutant.SO2, 750.1, 6),  # > 750 -> "extrêmement mauvais"
        (Pollutant.O3, 100.0, 2),  # O3 "moyen" is (50, 100]
        (Pollutant.PM10, 50.0, 3),  # PM10 "dégradé" is (40, 50]
        (Pollutant.PM10, 50.5, 4),  # no rounding to an integer: 50.5 > 50 -> "mauvais"
        (Pollutant.PM25, 10.0, 1),  # PM2.5 "bon" is <= 10
        (Pollutant.PM25, 75.0, 5),
        (Pollutant.PM25, 0.0, 1),
    ],
)
def test_sub_index_bounds_belong_to_the_lower_class(
    pollutant: Pollutant, value: float, expected: int
) -> None:
    assert atmo_sub_index(pollutant, value).code == expected


def test_class_labels_and_colours() -> None:
    # Class 3 of the arrêté: "Dégradé", #F0E641; class 6: "Extrêmement mauvais".
    assert (
        atmo_sub_index(Pollutant.NO2, 100).label,
        atmo_sub_index(Pollutant.NO2, 100).colour,
    ) == (
        "Dégradé",
        "#F0E641",
    )
    assert atmo_sub_index(Pollutant.NO2, 341).label == "Extrêmement mauvais"


def test_daily_statistics_are_max_for_gases_and_mean_for_particles() -> None:
    # NO2: max of the 24 hourly values 10, 11, ..., 33 = 33 µg/m³.
    # PM10: mean of 10, 11, ..., 33 = (10 + 33) / 2 = 21.5 µg/m³.
    values = [10.0 + i for i in range(24)]
    assert daily_statistic(Pollutant.NO2, hours(values), DAY).value == 33.0
    assert daily_statistic(Pollutant.PM10, hours(values), DAY).value == 21.5


def test_a_daily_mean_needs_18_of_24_hours() -> None:
    # 75 % of 24 h = 18 h: 18 hours is complete, 17 hours (70.8 %) is not.
    assert daily_statistic(Pollutant.PM10, hours([20.0] * 18), DAY).completeness.complete
    assert not daily_statistic(Pollutant.PM10, hours([20.0] * 17), DAY).completeness.complete


def test_completeness_follows_the_23_and_25_hour_days() -> None:
    # 2026-03-29 has 23 h: 18/23 = 78.3 % >= 75 %, 17/23 = 73.9 % < 75 %.
    spring = date(2026, 3, 29)
    assert daily_statistic(Pollutant.PM25, hours([5.0] * 18, spring), spring).completeness.complete
    assert not daily_statistic(
        Pollutant.PM25, hours([5.0] * 17, spring), spring
    ).completeness.complete
    # 2026-10-25 has 25 h: 18/25 = 72 % < 75 %, 19/25 = 76 % >= 75 %.
    autumn = date(2026, 10, 25)
    assert not daily_statistic(
        Pollutant.PM25, hours([5.0] * 18, autumn), autumn
    ).completeness.complete
    stat = daily_statistic(Pollutant.PM25, hours([5.0] * 19, autumn), autumn)
    assert stat.completeness.complete
    assert stat.completeness.expected == 25


def test_hours_outside_the_local_day_are_ignored() -> None:
    # A value at 2026-06-15T22:00Z is 00:00 CEST on the 16th: not part of the 15th.
    samples = [*hours([30.0] * 24), HourlySample(datetime(2026, 6, 15, 22, tzinfo=UTC), 500.0)]
    assert daily_statistic(Pollutant.NO2, samples, DAY).value == 30.0


def full_station(**overrides: Sequence[float]) -> dict[Pollutant, list[HourlySample]]:
    values: dict[str, Sequence[float]] = {
        "so2": [10.0] * 24,
        "no2": [30.0] * 23 + [95.0],
        "o3": [60.0] * 24,
        "pm10": [20.0, 30.0] * 12,
        "pm25": [60.0] * 24,
    }
    values.update(overrides)
    return {Pollutant(k): hours(v) for k, v in values.items()}


def test_a_day_with_one_missing_pollutant_gives_a_partial_index_from_the_others() -> None:
    # Sub-indices: SO2 max 10 -> 1; NO2 max 95 -> 3 (90 < 95 <= 120); O3 max 60 -> 2;
    # PM10 mean (20 + 30) / 2 = 25 -> 2 (20 < 25 <= 40).
    # PM2.5 has 17 of 24 hours (70.8 % < 75 %): no sub-index, although its 60 µg/m³
    # would be class 5. The worst of the four others is 3 "Dégradé", flagged partial:
    # it is a lower bound of the true index.
    result = station_atmo_like_index(full_station(pm25=[60.0] * 17), DAY, zone="station-1")
    assert result.index.code == 3
    assert result.index.label == "Dégradé"
    assert result.status is IndexStatus.PARTIAL
    assert result.missing == (Pollutant.PM25,)
    assert result.dominant == (Pollutant.NO2,)
    assert (result.completeness.present, result.completeness.expected) == (4, 5)
    assert not result.completeness.complete


def test_a_complete_day_takes_the_worst_sub_index() -> None:
    # Same day with PM2.5 complete at 60 µg/m³: 50 < 60 <= 75 -> class 5 "Très mauvais".
    result = station_atmo_like_index(full_station(), DAY, zone="station-1")
    assert result.index.code == 5
    assert result.status is IndexStatus.COMPLETE
    assert result.dominant == (Pollutant.PM25,)


def test_the_index_is_never_labelled_the_official_atmo_index() -> None:
    result = station_atmo_like_index(full_station(), DAY, zone="station-1")
    assert result.official is False
    assert "non officiel" in result.label_fr
    assert "capteurs de la commune" in result.label_fr
    assert "10 juillet 2020" in result.rule


def test_no_complete_pollutant_means_indisponible() -> None:
    # Only 10 hours of NO2: nothing reaches 75 % -> code 0 "Indisponible" (AASQA convention).
    result = station_atmo_like_index({Pollutant.NO2: hours([30.0] * 10)}, DAY, zone="s")
    assert (result.index.code, result.index.label) == (0, "Indisponible")
    assert result.status is IndexStatus.UNAVAILABLE
    assert len(result.missing) == 5


def test_commune_index_takes_the_worst_station_per_pollutant() -> None:
    # Station A: NO2 max 95 (class 3), no PM2.5. Station B: NO2 max 45 (class 2),
    # PM2.5 mean 15 (class 2). Commune: NO2 from A (3), PM2.5 from B (2) -> index 3,
    # complete because every pollutant is classed at one station at least.
    a = station_atmo_like_index(full_station(pm25=[]), DAY, zone="A")
    b = station_atmo_like_index(full_station(no2=[45.0] * 24, pm25=[15.0] * 24), DAY, zone="B")
    commune = commune_atmo_like_index([a, b], zone="78646")
    assert commune.index.code == 3
    assert commune.status is IndexStatus.COMPLETE
    by_pollutant = {s.pollutant: s for s in commune.sub_indices}
    assert by_pollutant[Pollutant.NO2].concentration.value == 95.0
    assert by_pollutant[Pollutant.PM25].concentration.value == 15.0


def without_so2(**overrides: Sequence[float]) -> dict[Pollutant, list[HourlySample]]:
    station = full_station(**overrides)
    del station[Pollutant.SO2]
    return station


def test_a_station_without_so2_gives_a_complete_index_over_what_it_measures() -> None:
    # The station has no SO2 series (most sensors have none). Over the four it measures:
    # NO2 max 95 -> 3; O3 max 60 -> 2; PM10 mean 25 -> 2; PM2.5 mean 60 -> 5 (50 < 60 <= 75).
    # Index 5 "Très mauvais", complete: 4 of the 4 measured pollutants, SO2 not measured.
    result = station_atmo_like_index(without_so2(), DAY, zone="station-1")
    assert (result.index.code, result.index.label) == (5, "Très mauvais")
    assert result.status is IndexStatus.COMPLETE
    assert (result.completeness.present, result.completeness.expected) == (4, 4)
    assert result.completeness.complete
    assert result.not_measured == (Pollutant.SO2,)
    assert result.lacking == ()
    assert result.measured == (Pollutant.NO2, Pollutant.O3, Pollutant.PM10, Pollutant.PM25)


def test_a_measured_pollutant_lacking_data_keeps_the_index_partial() -> None:
    # SO2 is measured but has 10 of 24 hours (41.7 % < 75 %): no sub-index. The four
    # others give 5 as above; the index is partial (4 of 5 measured), a lower bound.
    result = station_atmo_like_index(full_station(so2=[10.0] * 10), DAY, zone="station-1")
    assert result.index.code == 5
    assert result.status is IndexStatus.PARTIAL
    assert (result.completeness.present, result.completeness.expected) == (4, 5)
    assert result.lacking == (Pollutant.SO2,)
    assert result.not_measured == ()


def test_a_series_silent_all_day_is_still_measured() -> None:
    # The station's SO2 series exists but sent nothing today: SO2 lacks data, not measured.
    result = station_atmo_like_index(
        without_so2(), DAY, zone="station-1", measured=tuple(Pollutant)
    )
    assert result.status is IndexStatus.PARTIAL
    assert result.lacking == (Pollutant.SO2,)


def test_the_commune_measures_what_any_of_its_stations_measures() -> None:
    # A measures no SO2; B measures SO2 but has only 10 hours of it: the commune measures
    # SO2 and lacks it -> partial, 4 of 5. Without B's SO2 series it is complete, 4 of 4.
    a = station_atmo_like_index(without_so2(), DAY, zone="A")
    b = station_atmo_like_index(full_station(so2=[10.0] * 10), DAY, zone="B")
    lacking = commune_atmo_like_index([a, b], zone="78646")
    assert (lacking.status, lacking.lacking) == (IndexStatus.PARTIAL, (Pollutant.SO2,))
    b_without = station_atmo_like_index(without_so2(pm25=[15.0] * 24), DAY, zone="B")
    complete = commune_atmo_like_index([a, b_without], zone="78646")
    assert complete.status is IndexStatus.COMPLETE
    assert (complete.completeness.present, complete.completeness.expected) == (4, 4)
    assert complete.not_measured == (Pollutant.SO2,)


def test_eaqi_2017_and_2024_bands_differ_for_the_same_value() -> None:
    # NO2 = 40 µg/m³. 2017 table: Good is 0–40, and 40 is its upper bound -> band 1 "Good".
    # 2024 table: bounds 10, 25, 60 -> 25 < 40 <= 60 -> band 3 "Moderate".
    assert eaqi_band(Pollutant.NO2, 40.0, EaqiVersion.V2017).label_en == "Good"
    band_2024 = eaqi_band(Pollutant.NO2, 40.0, EaqiVersion.V2024)
    assert (band_2024.level, band_2024.label_en) == (3, "Moderate")
    # PM2.5 = 20 µg/m³: 2017 Fair (10, 20]; 2024 Moderate (15, 50].
    assert eaqi_band(Pollutant.PM25, 20.0, EaqiVersion.V2017).level == 2
    assert eaqi_band(Pollutant.PM25, 20.0, EaqiVersion.V2024).level == 3


def test_eaqi_index_is_the_worst_band_and_above_scale_stays_extremely_poor() -> None:
    # O3 70 -> 2017 band 2; SO2 1300 (above the 1250 end of scale) -> band 6.
    index = eaqi_index({Pollutant.O3: 70.0, Pollutant.SO2: 1300.0}, EaqiVersion.V2017)
    assert (index.level, index.label_en) == (6, "Extremely poor")
    assert index.completeness.present == 2


concentrations = st.floats(min_value=0, max_value=2000, allow_nan=False)


@given(st.sampled_from(list(Pollutant)), concentrations, concentrations)
def test_sub_index_is_monotonic_in_concentration(p: Pollutant, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert atmo_sub_index(p, low).code <= atmo_sub_index(p, high).code
    for version in EaqiVersion:
        assert eaqi_band(p, low, version).level <= eaqi_band(p, high, version).level


@given(st.lists(st.floats(min_value=0, max_value=500, allow_nan=False), min_size=18, max_size=24))
def test_index_never_improves_when_one_hour_gets_worse(values: list[float]) -> None:
    base = station_atmo_like_index({Pollutant.NO2: hours(values)}, DAY, zone="s")
    worse = station_atmo_like_index(
        {Pollutant.NO2: hours([*values[:-1], values[-1] + 50])}, DAY, zone="s"
    )
    assert worse.index.code >= base.index.code
