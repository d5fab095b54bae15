"""The indicators of the domain pages, kept under a key that readers of the same data share,
and computed ahead of the first visit of each commune member's landing pages.

A domain page shows one commune: its indicators depend only on which members' equipment in
it the reader reads, and how (``readable_owners``), as the key figures do. The commune's own
users, the operator and its département read the same rows of a commune that owns all its
equipment: one computation serves them all. Its users land on each line's page of their
commune over the default period; the warmer computes those pages (seconds each on a commune
with hundreds of stations) before anyone asks.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy import Engine

from convergence.indicators.schemas import IndicatorQuery
from convergence.members.binding import reader_scope
from convergence.reports.figures_cache import ACTOR, WARMED_TTL_S, Warmed, readable_owners
from convergence.reports.overview import days_query
from convergence.servicelines import ServiceLine, service_lines
from convergence.timedcache import TimedCache

DEFAULT_DAYS = 30  # a domain page's default period: the 30 local days ending today
# The warmer leaves this share of the cache to what the requests compute.
REQUESTS_SHARE = 4

# Public functions reading members' rows without a scope, and why.
UNSCOPED = {
    "warm_domain_pages": "builds the member's reader scope (reader_scope) and reads with it",
}


def domain_page_key(line: str, owners: Hashable, query: IndicatorQuery) -> Hashable:
    """The cache key of a line's indicators for ``query`` (one commune, or one of its
    stations), read by a reader of the commune's ``owners`` (``readable_owners``)."""
    return ("domaine", line, owners, query.model_dump_json())


def default_query(today: date, *, commune: str) -> IndicatorQuery:
    """The query of a commune's domain page opened without a period."""
    return days_query(today - timedelta(days=DEFAULT_DAYS - 1), today, commune=commune)


def paged_lines() -> list[ServiceLine]:
    """The service lines whose page shows indicators."""
    return [line for line in service_lines() if line.page is not None and line.indicators]


def warm_domain_pages(
    engine: Engine,
    cache: TimedCache,
    *,
    member_id: int,
    commune: str,
    today: date,
    warmed: Warmed | None = None,
    fingerprint: Hashable = None,
) -> int:
    """The indicators of each line's page of ``commune`` over the default period, as the
    member's users read them (unless ``warmed`` holds them from the same data); the number
    computed. None when the cache has no room left for them beside the requests' entries."""
    warmed = warmed if warmed is not None else Warmed()
    lines = paged_lines()
    if cache.free_entries() < len(lines) + cache.max_entries // REQUESTS_SHARE:
        return 0
    done = 0
    query = default_query(today, commune=commune)
    with engine.connect() as conn:
        scope = reader_scope(conn, member_id=member_id, actor=ACTOR)
        owners = readable_owners(conn, scope=scope, communes=[commune]).get(commune)
    for line in lines:
        key = domain_page_key(line.name, owners, query)
        if line.indicators is None or warmed.still_right(cache, key, fingerprint):
            continue
        # One short connection per page: on SQLite a connection holds the write lock.
        with engine.connect() as conn:
            result: BaseModel = line.indicators(conn, scope=scope, query=query)
        cache.put(key, result, ttl_s=WARMED_TTL_S)
        warmed.computed(key, fingerprint)
        done += 1
    return done
