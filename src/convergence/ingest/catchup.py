"""Catching up on a burst: ``rate_limited`` dead letters replayed once their sender is calm.

A network server's uplinks beyond its integration's expected rate are kept as dead letters
(``web/api/ingest.py``). This replays them in the background of the process that runs the
platform's periodic work (``convergence serve``): every period, at most ``batch`` letters,
oldest first, each taking one uplink from the same budget as live traffic and only while that
budget keeps a second of live traffic in reserve. A replay is idempotent (readings are
inserted once; a letter replayed is marked so), so a run cut short or run twice loses and
doubles nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select

from convergence.db.engine import writing
from convergence.ingest.envelope import RATE_LIMITED, Status
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.ratelimit import IntegrationLimits, RateLimiter
from convergence.ingest.replay import prepare_replay, store_replay
from convergence.ingest.schemas import IntegrationConfig, ReplayReport
from convergence.ingest.tables import dead_letters, integrations
from convergence.timeseries.committed import Reactor, notify, take_deferred

# Replays letters whoever sent them: a platform job (it reads ids, the pipeline scopes data).
UNSCOPED_REASON = "the platform's own catch-up of what a burst left waiting, for every member"

logger = logging.getLogger(__name__)
BATCH = 200  # letters replayed per period at most: bounded work beside live requests
PERIOD_S = 1.0
JOIN_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class _Waiting:
    id: int
    integration_id: int | None
    actor: str | None


class CatchUp:
    """Replays ``rate_limited`` dead letters within their sender's budget, in a thread."""

    def __init__(
        self,
        engine: Engine,
        *,
        pipeline: Pipeline,
        integration_limits: IntegrationLimits,
        token_limiter: RateLimiter,
        reactors: Sequence[Reactor] = (),
        batch: int = BATCH,
        period_s: float = PERIOD_S,
        leads: Callable[[], bool] | None = None,
    ) -> None:
        self.engine, self.pipeline, self.reactors = engine, pipeline, tuple(reactors)
        self.integration_limits, self.token_limiter = integration_limits, token_limiter
        self.batch, self.period_s = batch, period_s
        # Where several workers serve, only the lease holder catches up (db/leases.py).
        self.leads = leads or (lambda: True)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="catch-up", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop after the run in progress, if any."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=JOIN_TIMEOUT_S)

    def run_once(self) -> ReplayReport:
        """Replay what the budgets allow now (at most ``batch`` letters), in one transaction."""
        with self.engine.connect() as conn:  # beside the writers, every second
            waiting = _waiting(conn, limit=self.batch * 4)
            if not waiting:
                return ReplayReport()
            ids = self._allowed(conn, waiting)
        if not ids:
            return ReplayReport()
        # Decoded first, with no transaction open: only the store takes the write lock.
        prepared = prepare_replay(self.engine, self.pipeline, ids)
        with self.engine.connect() as conn:
            try:
                with writing(conn).begin():
                    report = store_replay(conn, pipeline=self.pipeline, prepared=prepared)
                committed = take_deferred(conn)
            finally:
                take_deferred(conn)  # nothing of a rolled-back transaction is told
        notify(self.reactors, committed)
        if report.replayed or report.still_refused:
            logger.info(
                "caught up on %d rate-limited uplinks (%d refused again)",
                len(report.replayed),
                len(report.still_refused),
            )
        return report

    def _allowed(self, conn: Connection, waiting: list[_Waiting]) -> list[int]:
        rates = _rates(conn, {w.integration_id for w in waiting if w.integration_id})
        allowed: list[int] = []
        exhausted: set[object] = set()
        for letter in waiting:
            sender = letter.integration_id or letter.actor
            if sender in exhausted:
                continue
            if self._spare(letter, rates):
                allowed.append(letter.id)
                if len(allowed) >= self.batch:
                    break
            else:
                exhausted.add(sender)
        return allowed

    def _spare(self, letter: _Waiting, rates: dict[int, int]) -> bool:
        if letter.integration_id is not None:
            rate = rates.get(letter.integration_id)
            if rate is None:  # the integration is gone: its token's budget speaks
                return False
            return self.integration_limits.take_spare(
                integration_id=letter.integration_id, uplinks_per_second=rate
            )
        if letter.actor is None:
            return False
        reserve = self.token_limiter.refill_per_s
        return self.token_limiter.take_spare(letter.actor, reserve=reserve)

    def _run(self) -> None:
        while not self._stopping.is_set():
            if not self.leads():
                self._stopping.wait(self.period_s)
                continue
            try:
                report = self.run_once()
            except Exception:
                logger.exception("catch-up of rate-limited uplinks failed; trying again")
                report = ReplayReport()
            # A full batch means more is waiting and allowed: go on without waiting.
            if len(report.replayed) + len(report.still_refused) < self.batch:
                self._stopping.wait(self.period_s)


def _waiting(conn: Connection, *, limit: int) -> list[_Waiting]:
    rows = conn.execute(
        select(dead_letters.c.id, dead_letters.c.metadata)
        .where(
            dead_letters.c.status == Status.pending.value,
            dead_letters.c.reason_code == RATE_LIMITED,
        )
        .order_by(dead_letters.c.id)
        .limit(limit)
    ).all()
    return [_waiting_of(row.id, row.metadata or {}) for row in rows]


def _waiting_of(letter_id: int, metadata: dict[str, Any]) -> _Waiting:
    integration_id = metadata.get("integration_id")
    actor = metadata.get("actor")
    return _Waiting(
        id=letter_id,
        integration_id=integration_id if isinstance(integration_id, int) else None,
        actor=actor if isinstance(actor, str) else None,
    )


def _rates(conn: Connection, ids: set[int | None]) -> dict[int, int]:
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    rows = conn.execute(
        select(integrations.c.id, integrations.c.config).where(integrations.c.id.in_(wanted))
    )
    return {
        row.id: IntegrationConfig.model_validate(row.config or {}).max_uplinks_per_second
        for row in rows
    }
