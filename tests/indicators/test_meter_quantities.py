"""Energy from a meter index read every 6 hours, and burning hours from on/off states.

The figures are computed by hand in the comments: the index interpolated linearly at each
local day's bounds, the time between an « on » reading and the following « off » one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from convergence.indicators.instants import Instant, index_difference, time_on
from convergence.indicators.schemas import IndicatorQuery
from convergence.indicators.services.lighting import (
    compute_lighting,
    compute_lighting_totals,
    lighting_indicators,
    zone_energy,
)
from convergence.indicators.timewindows import TimeWindow, local_day_window, local_days_window
from tests.indicators.planting import make_site, scope_of, store
from tests.support import Territory


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# A cabinet's index read every 6 hours (UTC) around the end of January 2026 (CET, UTC+1).
INDEX = [
    (utc(1, 30, 21), 5000.0),
    (utc(1, 31, 3), 5030.0),
    (utc(1, 31, 9), 5042.0),
    (utc(1, 31, 15), 5042.0),
    (utc(1, 31, 21), 5060.0),
    (utc(2, 1, 3), 5090.0),
    (utc(2, 1, 9), 5105.0),
    (utc(2, 1, 15), 5105.0),
    (utc(2, 1, 21), 5123.0),
    (utc(2, 2, 3), 5155.0),
]
# Local day 31 January = [30 Jan 23:00, 31 Jan 23:00) UTC.
#   I(30 Jan 23:00) = 5000 + 30 × 2/6 = 5010.0; I(31 Jan 23:00) = 5060 + 30 × 2/6 = 5070.0
#   -> 60.0 kWh.
# Local day 1 February = [31 Jan 23:00, 1 Feb 23:00) UTC.
#   I(1 Feb 23:00) = 5123 + 32 × 2/6 = 5133.667 -> 5133.667 − 5070.0 = 63.7 kWh.
# The two days, across the month boundary: 5133.667 − 5010.0 = 123.7 kWh.
JANUARY_31, FEBRUARY_1, BOTH = 60.0, 63.667, 123.667

# Power (W) read at irregular instants; above the 50 W switch threshold is « on ».
POWER = [
    (utc(1, 30, 22), 4000.0),
    (utc(1, 31, 2), 4000.0),
    (utc(1, 31, 7, 20), 0.0),
    (utc(1, 31, 12), 0.0),
    (utc(1, 31, 16, 40), 3800.0),
    (utc(1, 31, 22), 2000.0),
    (utc(2, 1, 1), 4000.0),
]
# 31 January: on from the day's start (the 22:00 reading was « on ») to the « off » reading at
# 07:20 -> 8 h 20; off until 16:40; on from 16:40 to the day's end at 23:00 -> 6 h 20.
# Total 14 h 40 = 14.667 h, every hour's state known.
BURNING_JANUARY_31 = 14 + 40 / 60


def instants(points: list[tuple[datetime, float]]) -> list[Instant]:
    return [Instant(at, value) for at, value in points]


def test_the_index_difference_is_interpolated_at_the_day_bounds() -> None:
    index = instants(INDEX)
    day = index_difference(index, local_day_window(date(2026, 1, 31)))
    assert day.value == pytest.approx(JANUARY_31, abs=0.1)
    assert (day.covered_hours, day.window_hours) == (24, 24)
    february = index_difference(index, local_day_window(date(2026, 2, 1)))
    assert february.value == pytest.approx(FEBRUARY_1, abs=0.1)


def test_a_reset_meter_leaves_its_interval_unknown() -> None:
    # The meter is replaced between 03:00 and 09:00: that interval's 6 hours are unknown.
    window = TimeWindow(utc(1, 31, 0), utc(1, 31, 12))
    reset = instants(
        [
            (utc(1, 30, 21), 100.0),
            (utc(1, 31, 3), 130.0),
            (utc(1, 31, 9), 2.0),
            (utc(1, 31, 15), 14.0),
        ]
    )
    found = index_difference(reset, window)
    # 00:00–03:00: 30 × 3/6 = 15; 09:00–12:00: 12 × 3/6 = 6 -> 21 kWh over 6 of 12 hours.
    assert found.value == pytest.approx(21.0)
    assert found.covered_hours == pytest.approx(6.0)


def test_a_spike_of_the_index_adds_nothing() -> None:
    # 15:00 reads 9 042 instead of 5 042 (a glitch); 31 January is still 60.0 kWh, and a lone
    # reading below its neighbours (09:00 at 42) is skipped the same way.
    spiked = [(at, 9042.0 if at == utc(1, 31, 15) else v) for at, v in INDEX]
    day = local_day_window(date(2026, 1, 31))
    found = index_difference(instants(spiked), day)
    assert found.value == pytest.approx(JANUARY_31, abs=0.1)
    assert found.covered_hours == 24
    dipped = [(at, 42.0 if at == utc(1, 31, 9) else v) for at, v in INDEX]
    assert index_difference(instants(dipped), day).value == pytest.approx(JANUARY_31, abs=0.1)


def test_a_state_is_not_held_past_a_day() -> None:
    window = TimeWindow(utc(1, 31, 0), utc(2, 2, 0))
    found = time_on(instants([(utc(1, 31, 18), 1.0)]), window)
    # On from 18:00, held 24 hours at most: 24 h on, 24 of 48 hours known.
    assert (found.value, found.covered_hours) == (24.0, 24.0)


def test_burning_hours_from_on_and_off_readings() -> None:
    power = [Instant(at, float(w > 50)) for at, w in POWER]
    found = time_on(power, local_day_window(date(2026, 1, 31)))
    assert found.value is not None
    assert abs(found.value - BURNING_JANUARY_31) < 1.0
    assert found.value == pytest.approx(BURNING_JANUARY_31)
    assert found.covered_hours == 24


def test_a_cabinet_read_every_six_hours_through_the_store(
    engine: Engine, territory: Territory
) -> None:
    asset = make_site(engine, territory, domain="lighting", name="Armoire A3")
    member = territory.versailles.id
    store(engine, asset_id=asset, member_id=member, quantity="energy", points=INDEX)
    store(engine, asset_id=asset, member_id=member, quantity="power", points=POWER)
    window = local_days_window(date(2026, 1, 31), date(2026, 2, 1))
    query = IndicatorQuery(start=window.start_utc, end=window.end_utc)
    with engine.connect() as conn:
        result = lighting_indicators(
            conn, scope=scope_of(engine, territory.versailles), query=query
        )
    (site,) = result.stations
    assert site.energy_source == "index"
    january, february = site.days
    assert january.energy.value == pytest.approx(JANUARY_31, abs=0.1)
    assert january.energy.publishable
    assert february.energy.value == pytest.approx(FEBRUARY_1, abs=0.1)
    assert site.energy.value == pytest.approx(BOTH, abs=0.1)
    assert result.communes[0].energy.value == pytest.approx(BOTH, abs=0.1)
    assert january.burning_hours.value is not None
    assert abs(january.burning_hours.value - BURNING_JANUARY_31) < 1.0
    # The power stops at 1 Feb 01:00 (UTC): its « on » is held 24 hours, to the day's end.
    assert february.burning_hours.completeness.complete


def test_comparisons_read_the_index_at_the_bounds_only_and_agree(
    engine: Engine, territory: Territory
) -> None:
    # February 2026, an index read every 6 hours rising by 3 kWh each time: the period's energy
    # from the readings around its two bounds is the one from every reading (672 / 6 × 3).
    asset = make_site(engine, territory, domain="lighting", name="Armoire A4")
    start = utc(1, 29, 3)
    points = [(start + timedelta(hours=6 * i), 100.0 + 3 * i) for i in range(4 * 34)]
    store(engine, asset_id=asset, member_id=territory.versailles.id, quantity="energy",
          points=points)  # fmt: skip
    window = local_days_window(date(2026, 2, 1), date(2026, 2, 28))
    query = IndicatorQuery(start=window.start_utc, end=window.end_utc)
    scope = scope_of(engine, territory.versailles)
    with engine.connect() as conn:
        (every,) = compute_lighting(conn, scope=scope, query=query)
        (bounds,) = compute_lighting_totals(conn, scope=scope, query=query)
    assert len(bounds.index) < len(every.index) / 3
    assert zone_energy([bounds]).value == pytest.approx(336.0)
    assert zone_energy([every]).value == pytest.approx(336.0)
    assert zone_energy([bounds]).completeness.complete
