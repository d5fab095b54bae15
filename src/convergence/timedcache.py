"""Values computed once per key and kept a few minutes, shared by the threads of a process.

The data pages keep their indicators here: they are computed from hourly rollups, costly in
a commune with hundreds of stations, while their inputs change once an hour.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
TTL_S = 300.0
MAX_ENTRIES = 256


class TimedCache:
    """Values computed once per key and kept ``ttl_s`` seconds (the oldest dropped when full)."""

    def __init__(self, *, ttl_s: float = TTL_S, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, Any, float]] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value kept for ``key`` if still fresh, else ``compute()`` (kept from now on)."""
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
        if found is not None and now - found[0] < found[2]:
            value: T = found[1]
            return value
        value = compute()
        self.put(key, value)
        return value

    def put(self, key: Hashable, value: Any, *, ttl_s: float | None = None) -> None:
        """Keep ``value`` for ``key`` from now on, ``ttl_s`` seconds (the cache's by default):
        a value computed ahead of the requests, by whoever keeps it fresh."""
        with self._lock:
            if key not in self._entries and len(self._entries) >= self.max_entries:
                oldest = min(self._entries, key=lambda k: self._entries[k][0])
                del self._entries[oldest]
            self._entries[key] = (time.monotonic(), value, ttl_s or self.ttl_s)

    def free_entries(self) -> int:
        """How many more values it keeps before it drops any (expired ones count as free)."""
        now = time.monotonic()
        with self._lock:
            live = sum(1 for kept, _, ttl in self._entries.values() if now - kept < ttl)
        return self.max_entries - live

    def keep(self, key: Hashable, *, ttl_s: float | None = None) -> bool:
        """Keep the value of ``key`` ``ttl_s`` seconds more from now (it is still right, says
        whoever keeps it fresh); False when there is none."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return False
            self._entries[key] = (time.monotonic(), found[1], ttl_s or self.ttl_s)
            return True
