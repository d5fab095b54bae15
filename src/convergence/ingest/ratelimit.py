"""A token bucket per sender: a burst up to the per-minute limit, then a steady refill."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Allows ``per_minute`` requests a minute per key (in this process)."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(max(per_minute, 1))
        self.refill_per_s = self.capacity / 60.0
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def wait_time(self, key: str) -> float | None:
        """Take one request from ``key``'s bucket: None if allowed, else seconds to wait."""
        with self._lock:
            bucket = self._refilled(key)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return None
            return (1 - bucket.tokens) / self.refill_per_s

    def take_spare(self, key: str, *, reserve: float) -> bool:
        """Take one request only if ``reserve`` more are left for live traffic (a replay)."""
        with self._lock:
            bucket = self._refilled(key)
            if bucket.tokens >= 1 + min(reserve, self.capacity - 1):
                bucket.tokens -= 1
                return True
            return False

    def _refilled(self, key: str) -> _Bucket:
        now = self._clock()
        bucket = self._buckets.setdefault(key, _Bucket(self.capacity, now))
        bucket.tokens = min(
            self.capacity, bucket.tokens + (now - bucket.updated) * self.refill_per_s
        )
        bucket.updated = now
        return bucket


class IntegrationLimits:
    """One bucket per network-server integration, sized by its ``max_uplinks_per_second``
    (rebuilt when that setting changes)."""

    def __init__(self) -> None:
        self._limiters: dict[int, RateLimiter] = {}
        self._lock = threading.Lock()

    def wait_time(self, *, integration_id: int, uplinks_per_second: float) -> float | None:
        """Take one uplink from the integration's budget: None if within it, else seconds."""
        limiter = self._limiter(integration_id, uplinks_per_second)
        return limiter.wait_time(f"integration:{integration_id}")

    def take_spare(self, *, integration_id: int, uplinks_per_second: float) -> bool:
        """Take one uplink for a replay, if a second of live traffic stays in the budget."""
        limiter = self._limiter(integration_id, uplinks_per_second)
        return limiter.take_spare(f"integration:{integration_id}", reserve=uplinks_per_second)

    def _limiter(self, integration_id: int, uplinks_per_second: float) -> RateLimiter:
        per_minute = int(uplinks_per_second * 60)
        with self._lock:
            limiter = self._limiters.get(integration_id)
            if limiter is None or limiter.capacity != float(max(per_minute, 1)):
                limiter = RateLimiter(per_minute)
                self._limiters[integration_id] = limiter
            return limiter
