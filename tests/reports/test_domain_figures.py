"""The domain pages' indicators, computed ahead by the warmer for each commune member's users
and shared by every reader of the same data."""

from __future__ import annotations

import threading
from collections.abc import Hashable
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.indicators.timewindows import local_day_of
from convergence.members.roles import Role
from convergence.members.scope import MemberScope
from convergence.reports.domain_figures import (
    DEFAULT_DAYS,
    default_query,
    domain_page_key,
    paged_lines,
    warm_domain_pages,
)
from convergence.reports.figures_cache import Warmed, readable_owners
from convergence.reports.warmer import FigureWarmer, warm_pages
from convergence.runtime import Runtime
from convergence.settings import Settings
from convergence.timedcache import TimedCache
from tests.alerts.conftest import user_scope
from tests.reports.planting import plant_commune
from tests.support import Territory

DAYS = 3


def never() -> BaseModel:
    raise AssertionError("computed again although the warmer kept it")


def page_key(engine: Engine, scope: MemberScope, line: str, today: date) -> Hashable:
    """The key of the Versailles page of ``line`` that ``scope`` opens without a period."""
    with engine.connect() as conn:
        owners = readable_owners(conn, scope=scope, communes=["78646"]).get("78646")
    return domain_page_key(line, owners, default_query(today, commune="78646"))


def plant_versailles(engine: Engine, territory: Territory) -> date:
    now = utcnow()
    today = local_day_of(now)
    first = today - timedelta(days=DAYS - 1)
    plant_commune(engine, territory.versailles, first=first, days=DAYS, until=now)
    return today


def test_the_warmer_computes_each_line_s_page_of_a_commune_for_its_users(
    engine: Engine, territory: Territory
) -> None:
    today = plant_versailles(engine, territory)
    cache = TimedCache()
    warm_pages(engine, cache)
    own = user_scope(engine, territory.versailles, Role.viewer)
    names = {line.name for line in paged_lines()}
    assert {"air", "noise", "traffic", "lighting"} <= names
    for line in names:
        assert cache.get_or_compute(page_key(engine, own, line, today), never) is not None
    # The operator reads the same rows of Versailles: the same entries serve it.
    operator = user_scope(engine, territory.operator, Role.operator_admin)
    assert page_key(engine, operator, "air", today) == page_key(engine, own, "air", today)


def test_readers_of_other_data_never_share_a_page(engine: Engine, territory: Territory) -> None:
    today = plant_versailles(engine, territory)
    own = user_scope(engine, territory.versailles, Role.viewer)
    aggregates = user_scope(engine, territory.epci, Role.viewer)  # Versailles shares these
    stranger = user_scope(engine, territory.boulogne, Role.viewer)
    keys = {page_key(engine, scope, "air", today) for scope in (own, aggregates, stranger)}
    assert len(keys) == 3


def test_the_default_period_is_the_pages_one(engine: Engine, territory: Territory) -> None:
    query = default_query(date(2026, 3, 31), commune="78646")
    assert DEFAULT_DAYS == 30
    # Summer time starts on 29 March: the period runs from local midnight to local midnight.
    assert query.start.isoformat() == "2026-03-01T23:00:00+00:00"
    assert query.end.isoformat() == "2026-03-31T22:00:00+00:00"


def test_the_warmer_computes_a_page_again_only_when_its_commune_s_data_changed(
    engine: Engine, territory: Territory
) -> None:
    today = plant_versailles(engine, territory)
    cache, warmed = TimedCache(), Warmed()
    assert warm_pages(engine, cache, warmed) > len(paged_lines())
    own = user_scope(engine, territory.versailles, Role.viewer)
    kept = cache.get_or_compute(page_key(engine, own, "air", today), never)

    assert warm_pages(engine, cache, warmed) == 0
    assert cache.get_or_compute(page_key(engine, own, "air", today), never) is kept


def test_the_warmer_leaves_the_cache_to_the_requests_when_it_is_full(
    engine: Engine, territory: Territory
) -> None:
    today = plant_versailles(engine, territory)
    lines = len(paged_lines())
    cache = TimedCache(max_entries=4 * lines)
    for number in range(2 * lines + 1):  # the territory's key figures, the requests' pages
        cache.put(("chiffres-cles", number), [])
    free = cache.free_entries()
    done = warm_domain_pages(
        engine, cache, member_id=territory.versailles.id, commune="78646", today=today
    )
    assert done == 0
    assert cache.free_entries() == free  # nothing pushed out, the quarter left to requests


def test_the_warmer_tells_once_when_its_first_round_is_done(engine: Engine) -> None:
    calls: list[str] = []
    done = threading.Event()

    def first_round_done() -> None:
        calls.append(threading.current_thread().name)
        done.set()

    warmer = FigureWarmer(engine, TimedCache(), every_s=0.01, after_first_round=first_round_done)
    warmer.start()
    assert done.wait(timeout=60)
    warmer.close()
    assert calls == ["figure-warmer"]


def test_the_page_cache_of_a_worker_is_sized_by_its_setting(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, page_cache_entries=2_400)
    with closing(Runtime.build(settings, engine=engine)) as runtime:
        assert runtime.page_cache.max_entries == 2_400
        assert runtime.figure_warmer.cache is runtime.page_cache
