"""The public API's gate: a rate limit per client address, and the proxies believed."""

from __future__ import annotations

from dataclasses import dataclass

from convergence.ingest.ratelimit import Buckets, RateLimiter
from convergence.opendata.config import OpenDataConfig


@dataclass(slots=True)
class PublicGate:
    """The public API's rate limiter and the proxies whose X-Forwarded-For is believed."""

    limiter: RateLimiter
    config: OpenDataConfig

    @classmethod
    def from_config(cls, config: OpenDataConfig, *, buckets: Buckets | None = None) -> PublicGate:
        """A fresh gate: every client starts with a full bucket (in ``buckets``: shared by
        the workers of one server)."""
        limiter = RateLimiter(config.public_rate_per_minute, buckets=buckets, namespace="public")
        return cls(limiter, config)
