"""What a receiving process keeps for its lifetime: the pipeline, its codecs, rate limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from convergence.ingest.decoding import Codecs
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.ratelimit import RateLimiter
from convergence.ingest.service import Reactor
from convergence.settings import Settings


@dataclass(slots=True)
class IngestRuntime:
    pipeline: Pipeline
    limiter: RateLimiter
    reactors: Sequence[Reactor] = field(default_factory=tuple)

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
