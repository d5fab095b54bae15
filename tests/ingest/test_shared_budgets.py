"""The workers of one server share a sender's budget through one mapped file."""

from __future__ import annotations

from pathlib import Path

from convergence.ingest.ratelimit import IntegrationLimits, RateLimiter, SharedBuckets


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_two_workers_draw_on_one_token_budget(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "rate-budgets"
    first = RateLimiter(60, clock=clock, buckets=SharedBuckets(path))
    second = RateLimiter(60, clock=clock, buckets=SharedBuckets(path))  # another process's map
    allowed = [
        limiter.wait_time("token:7") is None for _ in range(60) for limiter in (first, second)
    ]
    assert allowed.count(True) == 60  # the minute's burst, in total, not per worker
    assert second.wait_time("token:7") == 1.0  # one a second refills, shared too
    clock.now += 1.0
    assert first.wait_time("token:7") is None
    assert second.wait_time("token:7") is not None
    assert second.wait_time("token:8") is None  # another sender, its own budget


def test_two_workers_draw_on_one_integration_budget(tmp_path: Path) -> None:
    path = tmp_path / "rate-budgets"
    first = IntegrationLimits(buckets=SharedBuckets(path))
    second = IntegrationLimits(buckets=SharedBuckets(path))
    waits = [
        limits.wait_time(integration_id=3, uplinks_per_second=2)
        for _ in range(100)
        for limits in (first, second)
    ]
    assert sum(wait is None for wait in waits) in (120, 121)  # a minute at 2/s, one refill


def test_a_rate_below_one_a_minute_allows_one_request_then_waits_minutes() -> None:
    clock = Clock()
    limiter = RateLimiter(0.1, clock=clock)  # one request every ten minutes
    assert limiter.wait_time("token:7") is None
    assert limiter.wait_time("token:7") == 600.0
    clock.now += 599.0
    assert limiter.wait_time("token:7") is not None
    clock.now += 1.0
    assert limiter.wait_time("token:7") is None
