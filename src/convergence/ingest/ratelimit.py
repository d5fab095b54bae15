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
        now = self._clock()
        with self._lock:
            bucket = self._buckets.setdefault(key, _Bucket(self.capacity, now))
            bucket.tokens = min(
                self.capacity, bucket.tokens + (now - bucket.updated) * self.refill_per_s
            )
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return None
            return (1 - bucket.tokens) / self.refill_per_s


class IntegrationLimits:
    """One bucket per network-server integration, sized by its ``max_uplinks_per_second``
    (rebuilt when that setting changes)."""

    def __init__(self) -> None:
        self._limiters: dict[int, RateLimiter] = {}
        self._lock = threading.Lock()

    def wait_time(self, *, integration_id: int, uplinks_per_second: float) -> float | None:
        """Take one uplink from the integration's budget: None if within it, else seconds."""
        per_minute = int(uplinks_per_second * 60)
        with self._lock:
            limiter = self._limiters.get(integration_id)
            if limiter is None or limiter.capacity != float(max(per_minute, 1)):
                limiter = RateLimiter(per_minute)
                self._limiters[integration_id] = limiter
        return limiter.wait_time(f"integration:{integration_id}")
