"""Water indicators end to end: heights through the store, the site's thresholds, the service.

The case of test_water.py: a level crossing orange at 20 cm/h, rouge 2 h 15 min away.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from convergence.errors import InvalidInput, NotFound, PermissionDenied
from convergence.indicators.schemas import IndicatorQuery, NoiseSite, WaterSite
from convergence.indicators.services.sites import get_site_settings, set_site_settings
from convergence.indicators.services.water import water_indicators
from convergence.members.scope import command_line_scope
from tests.indicators.planting import make_site, scope_of, store
from tests.support import Territory

T0 = datetime(2026, 1, 20, 10, 0, tzinfo=UTC)
THRESHOLDS = WaterSite(jaune=1.0, orange=1.5, rouge=2.0)
MORNING = IndicatorQuery(start=datetime(2026, 1, 20, tzinfo=UTC), end=T0 + timedelta(minutes=80))


def plant_gauge(
    engine: Engine,
    territory: Territory,
    levels: list[float],
    settings: WaterSite | None = THRESHOLDS,
) -> int:
    asset = make_site(engine, territory, domain="water", name="Limnimètre du pont")
    points = [(T0 + i * timedelta(minutes=15), level) for i, level in enumerate(levels)]
    store(
        engine,
        asset_id=asset,
        member_id=territory.versailles.id,
        quantity="water_level",
        points=points,
    )
    if settings is not None:
        with engine.begin() as conn:
            set_site_settings(conn, scope=command_line_scope(), asset_id=asset, settings=settings)
    return asset


def test_a_level_crossing_orange_with_its_rate_and_time_to_rouge(
    engine: Engine, territory: Territory
) -> None:
    # 1.30, 1.35, …, 1.55 m every 15 min from 10:00: orange (≥ 1.50) at 11:15; rate over
    # [10:15, 11:15] +5 cm / 15 min = 20 cm/h; rouge 2.00 m is 45 cm above: 45 / 20 = 2.25 h,
    # reached at 13:30 UTC.
    plant_gauge(engine, territory, [1.30, 1.35, 1.40, 1.45, 1.50, 1.55])
    with engine.connect() as conn:
        result = water_indicators(conn, scope=scope_of(engine, territory.versailles), query=MORNING)
    (site,) = result.stations
    assert (site.level, site.level_code, site.stale) == ("orange", 3, False)
    assert site.height is not None
    assert (site.height.value, site.height.unit) == (1.55, "m")
    assert site.rate is not None
    assert site.rate.value == pytest.approx(20.0)
    assert site.rate.unit == "cm/h"
    assert site.next_threshold is not None
    assert site.next_threshold.level == "rouge"
    assert site.next_threshold.distance_cm == pytest.approx(45.0)
    assert site.next_threshold.eta_hours == pytest.approx(2.25)
    assert site.next_threshold.reached_at == datetime(2026, 1, 20, 13, 30, tzinfo=UTC)
    assert (site.highest_level, site.at) == ("orange", T0 + timedelta(minutes=75))
    assert "Vigicrues" in site.rule
    (commune,) = result.communes
    assert (commune.worst_level, commune.sites_by_level) == ("orange", {"orange": 1})


def test_hysteresis_keeps_orange_until_the_margin(engine: Engine, territory: Territory) -> None:
    # Hysteresis 10 cm: after 1.55 m (orange), 1.45 m stays orange (≥ 1.40), 1.35 m is jaune.
    settings = WaterSite(jaune=1.0, orange=1.5, rouge=2.0, hysteresis_m=0.1)
    plant_gauge(engine, territory, [1.40, 1.55, 1.45], settings)
    query = IndicatorQuery(start=MORNING.start, end=T0 + timedelta(minutes=40))
    with engine.connect() as conn:
        held = water_indicators(conn, scope=scope_of(engine, territory.versailles), query=query)
    assert held.stations[0].level == "orange"


def test_an_old_reading_is_stale_and_the_epci_reads_hourly_maxima(
    engine: Engine, territory: Territory
) -> None:
    plant_gauge(engine, territory, [1.30, 1.35, 1.40, 1.45, 1.50, 1.55])
    late = IndicatorQuery(start=MORNING.start, end=T0 + timedelta(hours=3))
    epci = scope_of(engine, territory.epci)
    with engine.connect() as conn:
        result = water_indicators(conn, scope=epci, query=late)
    (site,) = result.stations
    # The EPCI reads aggregates only: the 10:00 hour's maximum 1.45 m and the 11:00 hour's
    # 1.55 m, stamped at their hours; orange, stale at 13:00.
    assert (site.level, site.stale, site.station.name) == ("orange", True, None)
    assert site.height is not None
    assert site.height.value == 1.55


def test_a_site_without_thresholds_gives_height_and_rate_only(
    engine: Engine, territory: Territory
) -> None:
    plant_gauge(engine, territory, [1.30, 1.35, 1.40, 1.45, 1.50, 1.55], settings=None)
    with engine.connect() as conn:
        result = water_indicators(conn, scope=scope_of(engine, territory.versailles), query=MORNING)
    (site,) = result.stations
    assert (site.level, site.thresholds) == (None, None)
    assert site.rate is not None
    assert site.rate.value == pytest.approx(20.0)
    assert result.communes[0].sites_by_level == {"sans seuils": 1}


def test_settings_belong_to_writers_of_the_asset_and_match_its_domain(
    engine: Engine, territory: Territory
) -> None:
    asset = plant_gauge(engine, territory, [1.0], settings=None)
    boulogne = scope_of(engine, territory.boulogne, "admin")
    reader = scope_of(engine, territory.versailles, "read")
    epci = scope_of(engine, territory.epci, "admin")
    with engine.begin() as conn:
        with pytest.raises(NotFound):
            set_site_settings(conn, scope=boulogne, asset_id=asset, settings=THRESHOLDS)
        with pytest.raises((NotFound, PermissionDenied)):
            set_site_settings(conn, scope=epci, asset_id=asset, settings=THRESHOLDS)
        with pytest.raises(PermissionDenied):
            set_site_settings(conn, scope=reader, asset_id=asset, settings=THRESHOLDS)
        with pytest.raises(InvalidInput):
            set_site_settings(
                conn, scope=command_line_scope(), asset_id=asset, settings=NoiseSite()
            )
        stored = set_site_settings(
            conn, scope=command_line_scope(), asset_id=asset, settings=THRESHOLDS
        )
        assert stored.settings == THRESHOLDS
        changed = WaterSite(jaune=2.0, orange=2.5, rouge=3.0)
        set_site_settings(conn, scope=command_line_scope(), asset_id=asset, settings=changed)
        (found,) = get_site_settings(conn, scope=reader, asset_id=asset)
        assert found.settings == changed
        with pytest.raises(NotFound):
            get_site_settings(conn, scope=boulogne, asset_id=asset)


def test_thresholds_must_rise() -> None:
    with pytest.raises(ValueError, match="rise"):
        WaterSite(jaune=1.5, orange=1.0, rouge=2.0)
