"""A short-lived cache of computed indicators, per application, for the data pages.

Indicators are computed from hourly rollups; recomputing them at every visit of the landing
page costs seconds in a commune with hundreds of stations, while their inputs change once an
hour. Entries live a few minutes and are keyed by what the caller may read — the scope's
members — never by who asks: users with the same visibility share an entry, users with a
different one never do. Alerts and equipment health are not cached: they must be current.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request

from convergence.members.scope import MemberScope

T = TypeVar("T")
TTL_S = 300.0
MAX_ENTRIES = 256
_CREATION = threading.Lock()


class TimedCache:
    """Values computed once per key and kept ``ttl_s`` seconds (the oldest dropped when full)."""

    def __init__(self, *, ttl_s: float = TTL_S, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept for ``key`` if still fresh, else ``compute()`` (kept from now on)."""
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
        if found is not None and now - found[0] < self.ttl_s:
            value: T = found[1]
            return value
        value = compute()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                oldest = min(self._entries, key=lambda k: self._entries[k][0])
                del self._entries[oldest]
            self._entries[key] = (time.monotonic(), value)
        return value


def visibility(scope: MemberScope) -> Hashable:
    """What decides which rows a scope reads (``member_clause``), as a cache key."""
    return (
        scope.member_id,
        scope.sees_all_members,
        scope.can_read,
        tuple(sorted(scope.full_member_ids)),
        tuple(sorted(scope.aggregate_member_ids)),
    )


def page_cache(request: Request) -> TimedCache:
    """The application's cache, created on first use."""
    cache: TimedCache | None = getattr(request.app.state, "indicator_cache", None)
    if cache is None:
        with _CREATION:
            cache = getattr(request.app.state, "indicator_cache", None)
            if cache is None:
                cache = request.app.state.indicator_cache = TimedCache()
    return cache


CacheDep = Annotated[TimedCache, Depends(page_cache)]
