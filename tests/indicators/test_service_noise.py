"""Noise indicators end to end: LAeq readings through the store, energetic hourly rollups.

Cases of test_noise.py (Directive 2002/49/EC annex I, French periods), worked out by hand.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from convergence.indicators.schemas import IndicatorQuery, NoiseSite
from convergence.indicators.services.noise import (
    compute_noise,
    compute_noise_periods,
    loudest_lden,
    noise_indicators,
)
from convergence.indicators.services.sites import set_site_settings
from convergence.indicators.timewindows import local_day_window, local_wall_time
from convergence.members.scope import command_line_scope
from tests.indicators.planting import make_site, scope_of, store
from tests.support import Territory

DAY = date(2026, 6, 15)  # CEST
QUARTER = timedelta(minutes=15)


def plant_meter(
    engine: Engine,
    territory: Territory,
    hours: list[tuple[datetime, float]],
    *,
    name: str = "Sonomètre",
) -> int:
    """A meter sending one LAeq every 15 min (4 an hour, as its settings say)."""
    asset = make_site(engine, territory, domain="noise", name=name)
    points = [(start + i * QUARTER, level) for start, level in hours for i in range(4)]
    store(engine, asset_id=asset, member_id=territory.versailles.id, quantity="laeq", points=points)
    with engine.begin() as conn:
        set_site_settings(
            conn, scope=command_line_scope(), asset_id=asset, settings=NoiseSite(samples_per_hour=4)
        )
    return asset


def day_profile() -> list[tuple[datetime, float]]:
    """24 hourly LAeq from 06:00 local on the 15th to 06:00 on the 16th."""
    start = local_wall_time(DAY, 6)
    levels = [62.0, 68.0] * 6 + [60.0] * 4 + [60.0, 70.0] * 4
    return [(start + timedelta(hours=i), level) for i, level in enumerate(levels)]


def one_day(day: date) -> IndicatorQuery:
    window = local_day_window(day)
    return IndicatorQuery(start=window.start_utc, end=window.end_utc)


def test_lden_from_hourly_laeq_to_a_tenth_of_a_decibel(
    engine: Engine, territory: Territory
) -> None:
    # Ld = 10·log10((10^6.2 + 10^6.8) / 2) = 65.96 dB (not the arithmetic 65.0); Le = 60.0;
    # Ln = 10·log10((10^6 + 10^7) / 2) = 67.40 dB, the night running to 06:00 on the 16th;
    # Lden = 10·log10((12·10^6.596 + 4·10^6.5 + 8·10^7.74) / 24) = 73.19 -> 73.2 dB.
    plant_meter(engine, territory, day_profile())
    with engine.connect() as conn:
        result = noise_indicators(
            conn, scope=scope_of(engine, territory.versailles), query=one_day(DAY)
        )
    (station,) = result.stations
    (levels,) = station.days
    assert levels.ld.value == pytest.approx(65.96, abs=0.01)
    assert levels.le.value == pytest.approx(60.0, abs=0.01)
    assert levels.ln.value == pytest.approx(67.40, abs=0.01)
    assert round(levels.lden.value or 0, 1) == 73.2
    assert (levels.lden.unit, levels.lden.completeness.complete) == ("dB(A)", True)
    assert "2002/49" in levels.lden.rule
    assert station.samples_per_hour == 4
    # Bands: Lden 73.2 in [70;75[, Ln 67.4 in [65;70[. French road limits Lden 68 / Ln 62 and
    # WHO 53 / 45 all exceeded, indicatively (one day is not a year).
    assert (
        levels.lden_band and levels.lden_band.label,
        levels.ln_band and levels.ln_band.label,
    ) == (
        "[70;75[",
        "[65;70[",
    )
    assert {(x.table, x.indicator.value): x.exceeded for x in levels.limits} == {
        ("FR", "lden"): True,
        ("FR", "ln"): True,
        ("WHO_2018", "lden"): True,
        ("WHO_2018", "ln"): True,
    }
    assert all(x.indicative for x in levels.limits)
    assert station.years == []
    (commune,) = result.communes
    assert (commune.loudest_asset_id, commune.above_french_limit) == (station.station.asset_id, 1)
    assert commune.lden_bands == {"[70;75[": 1}


def test_the_9_hour_autumn_night(engine: Engine, territory: Territory) -> None:
    # Night of 2026-10-24: 22:00 CEST (20:00Z) to 06:00 CET (05:00Z) = 9 hours; eight at
    # 50 dB and one at 59.54 dB: Ln = 10·log10((8·10^5 + 10^5.954) / 9) = 52.76 dB, 9 of 9 hours.
    start = datetime(2026, 10, 24, 20, tzinfo=UTC)
    levels = [50.0] * 8 + [59.54]
    plant_meter(
        engine, territory, [(start + timedelta(hours=i), lv) for i, lv in enumerate(levels)]
    )
    with engine.connect() as conn:
        result = noise_indicators(
            conn, scope=scope_of(engine, territory.versailles), query=one_day(date(2026, 10, 24))
        )
    ln = result.stations[0].days[0].ln
    assert ln.value == pytest.approx(52.76, abs=0.01)
    assert (ln.completeness.present, ln.completeness.expected) == (9, 9)
    assert result.stations[0].days[0].ld.value is None


def test_partial_hours_count_in_proportion(engine: Engine, territory: Territory) -> None:
    # Two of the four quarters of each night hour: 8 × 0.5 = 4 h covered of 8 -> 50 % < 75 %.
    asset = make_site(engine, territory, domain="noise", name="Sonomètre")
    start = local_wall_time(DAY, 22)
    points = [(start + timedelta(hours=h) + i * QUARTER, 55.0) for h in range(8) for i in range(2)]
    store(engine, asset_id=asset, member_id=territory.versailles.id, quantity="laeq", points=points)
    with engine.begin() as conn:
        set_site_settings(
            conn, scope=command_line_scope(), asset_id=asset, settings=NoiseSite(samples_per_hour=4)
        )
    with engine.connect() as conn:
        result = noise_indicators(
            conn, scope=scope_of(engine, territory.versailles), query=one_day(DAY)
        )
    ln = result.stations[0].days[0].ln
    assert ln.value == pytest.approx(55.0)
    assert ln.completeness.present == pytest.approx(4.0)
    assert not ln.publishable


def test_boulogne_never_gets_versailles_noise(engine: Engine, territory: Territory) -> None:
    plant_meter(engine, territory, day_profile())
    with engine.connect() as conn:
        result = noise_indicators(
            conn, scope=scope_of(engine, territory.boulogne), query=one_day(DAY)
        )
    assert result.stations == []


def test_the_comparison_reads_the_period_s_levels_only_and_finds_the_same_lden(
    engine: Engine, territory: Territory
) -> None:
    plant_meter(engine, territory, day_profile())
    two_days = IndicatorQuery(
        start=local_day_window(DAY).start_utc, end=local_day_window(DAY + timedelta(days=1)).end_utc
    )
    scope = scope_of(engine, territory.versailles)
    with engine.connect() as conn:
        whole = compute_noise(conn, scope=scope, query=two_days)
        periods = compute_noise_periods(conn, scope=scope, query=two_days)
    (station,) = periods
    assert (station.days, station.years) == ((), ())  # not computed
    assert len(whole[0].days) == 2
    assert station.period == whole[0].period
    assert loudest_lden(periods) == loudest_lden(whole)
    assert loudest_lden(periods).value is not None
