"""A token bucket per sender: a burst up to the per-minute limit, then a steady refill.

The buckets live in this process (``LocalBuckets``) or, when ``convergence serve --workers N``
runs several processes, in a small file every worker maps (``SharedBuckets``): a sender whose
connections land on different workers draws on one budget, not one per worker.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class Buckets(Protocol):
    """Where the buckets live: ``take`` refills a bucket and takes one from it if it can."""

    def take(
        self, key: str, *, capacity: float, refill_per_s: float, now: float, at_least: float
    ) -> tuple[bool, float]:
        """Refill ``key``'s bucket to ``now``; take one if ``at_least`` are left; say whether,
        and how many were left before."""
        ...


def _refill(tokens: float, updated: float, *, capacity: float, rate: float, now: float) -> float:
    return min(capacity, tokens + max(0.0, now - updated) * rate)


@dataclass(slots=True)
class _Bucket:
    capacity: float
    tokens: float
    updated: float


class LocalBuckets:
    """The buckets of one process."""

    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(
        self, key: str, *, capacity: float, refill_per_s: float, now: float, at_least: float
    ) -> tuple[bool, float]:
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None or bucket.capacity != capacity:  # new, or its limit changed
                bucket = self._buckets[key] = _Bucket(capacity, capacity, now)
            tokens = _refill(
                bucket.tokens, bucket.updated, capacity=capacity, rate=refill_per_s, now=now
            )
            bucket.updated = now
            taken = tokens >= at_least
            bucket.tokens = tokens - 1 if taken else tokens
            return taken, tokens


_SLOT = struct.Struct("<Qddd")  # key digest (0: free), capacity, tokens, updated
SLOTS = 8192
PROBES = 32


class SharedBuckets:
    """Buckets in a file mapped by every worker of one server, behind a file lock.

    A slot per sender, found by the digest of its key (open addressing over ``PROBES``
    slots). When every probed slot is taken, the least recently used one is given to the new
    sender: at worst a sender recently quiet gets a fresh budget. The clock is the system's
    monotonic clock, the same in every process of the machine.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        size = SLOTS * _SLOT.size
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if os.fstat(self._fd).st_size < size:
            os.ftruncate(self._fd, size)
        self._map = mmap.mmap(self._fd, size, mmap.MAP_SHARED)
        self._lock = threading.Lock()  # the file lock does not exclude this process's threads

    def take(
        self, key: str, *, capacity: float, refill_per_s: float, now: float, at_least: float
    ) -> tuple[bool, float]:
        digest = _digest(key)
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                offset, found = self._find(digest, capacity=capacity)
                tokens = capacity
                if found is not None:
                    tokens = _refill(*found, capacity=capacity, rate=refill_per_s, now=now)
                taken = tokens >= at_least
                left = tokens - 1 if taken else tokens
                _SLOT.pack_into(self._map, offset, digest, capacity, left, now)
                return taken, tokens
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _find(self, digest: int, *, capacity: float) -> tuple[int, tuple[float, float] | None]:
        """The slot of ``digest``, its tokens and their time (None: a fresh bucket goes there)."""
        oldest, oldest_at = -1, float("inf")
        for probe in range(PROBES):
            offset = ((digest + probe) % SLOTS) * _SLOT.size
            found, slot_capacity, tokens, updated = _SLOT.unpack_from(self._map, offset)
            if found == digest:
                return offset, (tokens, updated) if slot_capacity == capacity else None
            if found == 0:
                return offset, None
            if updated < oldest_at:
                oldest, oldest_at = offset, updated
        return oldest, None

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)


def _digest(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little") or 1


class RateLimiter:
    """Allows ``per_minute`` requests a minute per key (in this process, or in every worker
    sharing ``buckets``): a minute's worth at once, at least one."""

    def __init__(
        self,
        per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        buckets: Buckets | None = None,
        namespace: str = "token",
    ) -> None:
        self.capacity = max(float(per_minute), 1.0)
        self.refill_per_s = per_minute / 60.0
        self._clock = clock
        self._buckets: Buckets = buckets if buckets is not None else LocalBuckets()
        self._namespace = namespace

    def wait_time(self, key: str) -> float | None:
        """Take one request from ``key``'s bucket: None if allowed, else seconds to wait."""
        taken, tokens = self._take(key, at_least=1.0)
        return None if taken else (1 - tokens) / self.refill_per_s

    def take_spare(self, key: str, *, reserve: float) -> bool:
        """Take one request only if ``reserve`` more are left for live traffic (a replay)."""
        return self._take(key, at_least=1 + min(reserve, self.capacity - 1))[0]

    def _take(self, key: str, *, at_least: float) -> tuple[bool, float]:
        return self._buckets.take(
            f"{self._namespace}:{key}",
            capacity=self.capacity,
            refill_per_s=self.refill_per_s,
            now=self._clock(),
            at_least=at_least,
        )


class IntegrationLimits:
    """One bucket per network-server integration, sized by its ``max_uplinks_per_second``
    (rebuilt when that setting changes)."""

    def __init__(self, *, buckets: Buckets | None = None) -> None:
        self._buckets = buckets if buckets is not None else LocalBuckets()
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
                limiter = RateLimiter(
                    per_minute, buckets=self._buckets, namespace="integration-budget"
                )
                self._limiters[integration_id] = limiter
            return limiter
