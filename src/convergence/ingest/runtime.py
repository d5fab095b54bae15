"""What a receiving process keeps for its lifetime: the pipeline, its codecs, rate limits."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from convergence.ingest.decoding import Codecs
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.ratelimit import RateLimiter
from convergence.ingest.schemas import IntegrationOut
from convergence.ingest.service import Reactor
from convergence.settings import Settings


@dataclass(slots=True)
class IngestRuntime:
    pipeline: Pipeline
    limiter: RateLimiter
    reactors: Sequence[Reactor] = field(default_factory=tuple)
    # One bucket per integration, sized by its settings (rebuilt when they change).
    _integration_limiters: dict[int, RateLimiter] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def integration_wait(self, integration: IntegrationOut) -> float | None:
        """Take one uplink from an integration's budget: None if within it, else seconds."""
        per_minute = integration.config.max_uplinks_per_second * 60
        with self._lock:
            limiter = self._integration_limiters.get(integration.id)
            if limiter is None or limiter.capacity != per_minute:
                limiter = RateLimiter(per_minute)
                self._integration_limiters[integration.id] = limiter
        return limiter.wait_time(f"integration:{integration.id}")

    @classmethod
    def from_settings(cls, settings: Settings, reactors: Sequence[Reactor] = ()) -> IngestRuntime:
        """A runtime configured by the ingest settings (limits, JS codec directory).

        ``reactors`` run after each commit with what was stored (alerts, live updates).
        """
        pipeline = Pipeline(
            codecs=Codecs.from_settings(settings), max_items=settings.ingest_max_batch
        )
        limiter = RateLimiter(settings.ingest_rate_per_minute)
        return cls(pipeline=pipeline, limiter=limiter, reactors=tuple(reactors))

    def close(self) -> None:
        """Stop the JavaScript codec workers."""
        self.pipeline.codecs.close()
