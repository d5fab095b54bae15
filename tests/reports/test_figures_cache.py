"""Key figures computed ahead by the warmer, and shared by readers of the same data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.indicators.timewindows import local_day_of
from convergence.members.binding import reader_scope
from convergence.members.roles import Role
from convergence.members.scope import MemberScope
from convergence.reports.figures_cache import (
    Warmed,
    cached_figures,
    readable_owners,
    warm_key_figures,
)
from convergence.reports.overview import CommuneIndicators, comparisons, visibility
from convergence.reports.schemas import KeyFigure
from convergence.timedcache import TimedCache
from convergence.timeseries.store import NewReading, store_readings
from tests.alerts.conftest import make_asset, user_scope
from tests.reports.planting import plant_commune
from tests.support import Territory


def never() -> list[KeyFigure]:
    raise AssertionError("computed again although the warmer kept it")


def figures_key(engine: Engine, scope: MemberScope, insee: str, today: date) -> tuple[object, ...]:
    with engine.connect() as conn:
        owners = readable_owners(conn, scope=scope, communes=[insee])
    return ("chiffres-cles", insee, owners[insee], today)


def test_the_warmer_computes_what_the_territory_pages_read(
    engine: Engine, territory: Territory
) -> None:
    asset_id = make_asset(engine, territory.versailles, name="Station", domain="air")
    reading = NewReading(asset_id, territory.versailles.id, "pm10", "µg/m³", utcnow(), 21.0)
    with engine.begin() as conn:
        store_readings(conn, [reading])
        epci = reader_scope(conn, member_id=territory.epci.id, actor="test")
        own = reader_scope(conn, member_id=territory.versailles.id, actor="test")
    cache = TimedCache()
    assert warm_key_figures(engine, cache) >= 1
    today = local_day_of(utcnow())
    key = figures_key(engine, epci, "78646", today)
    warmed = cache.get_or_compute(key, never)
    assert {f.domain for f in warmed} >= {"air", "noise"}
    # Versailles' own readers read the same equipment in full: another entry, also warmed.
    own_key = figures_key(engine, own, "78646", today)
    assert own_key != key
    cache.get_or_compute(own_key, never)
    with engine.connect() as conn:
        figures_of = cached_figures(conn, scope=epci, communes=["78646"], today=today, cache=cache)
        assert figures_of("78646") is warmed


def test_a_reader_scope_never_writes_nor_sees_every_member(
    engine: Engine, territory: Territory
) -> None:
    with engine.connect() as conn:
        scope = reader_scope(conn, member_id=territory.operator.id, actor="test")
    assert not scope.can_write
    assert not scope.sees_all_members


def test_what_the_warmer_puts_outlives_the_cache_s_own_lifetime() -> None:
    cache = TimedCache(ttl_s=0)
    warmed: list[KeyFigure] = []
    cache.put("warmed", warmed, ttl_s=60)
    cache.put("ordinary", [])
    assert cache.get_or_compute("warmed", never) is warmed
    assert cache.get_or_compute("ordinary", lambda: warmed) is warmed  # expired: computed


def test_the_warmer_computes_a_commune_s_landing_dashboard_for_its_users(
    engine: Engine, territory: Territory
) -> None:
    asset_id = make_asset(engine, territory.versailles, name="Station", domain="air")
    reading = NewReading(asset_id, territory.versailles.id, "pm10", "µg/m³", utcnow(), 21.0)
    with engine.begin() as conn:
        store_readings(conn, [reading])
    cache = TimedCache()
    warm_key_figures(engine, cache)
    today = local_day_of(utcnow())
    for role in (Role.elected, Role.technician):
        scope = user_scope(engine, territory.versailles, role)
        key = ("tableau-de-bord", visibility(scope), "78646", today)
        assert cache.get_or_compute(key, never_indicators).figures
    boulogne = user_scope(engine, territory.boulogne, Role.elected)
    with pytest.raises(AssertionError):  # another member's users never share it
        cache.get_or_compute(
            ("tableau-de-bord", visibility(boulogne), "78646", today), never_indicators
        )


def never_indicators() -> CommuneIndicators:
    raise AssertionError("computed again although the warmer kept it")


def test_the_warmer_computes_again_only_the_communes_whose_data_changed(
    engine: Engine, territory: Territory
) -> None:
    versailles = make_asset(engine, territory.versailles, name="Station", domain="air")
    boulogne = make_asset(engine, territory.boulogne, name="Station 92", domain="air")
    now = utcnow()
    with engine.begin() as conn:
        store_readings(
            conn,
            [
                NewReading(versailles, territory.versailles.id, "pm10", "µg/m³", now, 21.0),
                NewReading(boulogne, territory.boulogne.id, "pm10", "µg/m³", now, 30.0),
            ],
        )
        epci = reader_scope(conn, member_id=territory.epci.id, actor="test")
    cache, warmed = TimedCache(), Warmed()
    first = warm_key_figures(engine, cache, warmed)
    key = figures_key(engine, epci, "78646", local_day_of(now))
    kept = cache.get_or_compute(key, never)

    assert first >= 2
    assert warm_key_figures(engine, cache, warmed) == 0  # nothing changed: nothing computed
    assert cache.get_or_compute(key, never) is kept

    later = now - timedelta(minutes=10)
    with engine.begin() as conn:
        store_readings(
            conn, [NewReading(versailles, territory.versailles.id, "pm10", "µg/m³", later, 25.0)]
        )
    again = warm_key_figures(engine, cache, warmed)
    assert 1 <= again < first  # Versailles' figures (for each set of readers), not Boulogne's
    assert cache.get_or_compute(key, never) is not kept


def test_communes_compared_with_kept_stations_read_what_a_fresh_computation_gives(
    engine: Engine, territory: Territory
) -> None:
    now = utcnow()
    today = local_day_of(now)
    for member in (territory.versailles, territory.boulogne):
        plant_commune(engine, member, first=today - timedelta(days=2), days=3, until=now)
    cache = TimedCache()
    scope = user_scope(engine, territory.operator, Role.operator_admin)
    with engine.connect() as conn:
        for insee in ("78646", "92012"):  # Boulogne's comparisons read Versailles' stations
            kept = comparisons(conn, scope=scope, commune=insee, today=today, cache=cache)
            assert kept == comparisons(conn, scope=scope, commune=insee, today=today)
            assert any(row.value.value is not None for c in kept for row in c.rows)
