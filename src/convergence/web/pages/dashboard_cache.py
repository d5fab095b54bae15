"""The data pages' cache of computed indicators, and the key that keeps it member-safe.

Indicators are computed from hourly rollups; recomputing them at every visit of the landing
page costs seconds in a commune with hundreds of stations, while their inputs change once an
hour. Entries live a few minutes and are keyed by what the caller may read — the scope's
members — never by who asks: users with the same visibility share an entry, users with a
different one never do. Alerts and equipment health are not cached: they must be current.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from convergence.reports.overview import visibility
from convergence.timedcache import TimedCache
from convergence.web.deps import RuntimeDep


def page_cache(runtime: RuntimeDep) -> TimedCache:
    """The process's cache of indicators (built by the composition root)."""
    return runtime.page_cache


CacheDep = Annotated[TimedCache, Depends(page_cache)]
__all__ = ["CacheDep", "page_cache", "visibility"]
