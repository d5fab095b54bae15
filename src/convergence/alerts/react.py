"""The ingestion's react stage for alerts: evaluate a committed batch, then (optionally) send.

The ingestion commits a batch, then calls its reactors with what it inserted. ``react``
evaluates the batch's threshold, rate and event rules in a transaction of its own, so the
alerts that the batch fires are committed with their pending deliveries. With a
configuration it also sends those deliveries at once; without one, the scheduled run
(``convergence alerts evaluate --loop``) sends them within one evaluation period, which
keeps a slow SMTP server from delaying the acknowledgement of data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Engine

from convergence.alerts.config import AlertsConfig
from convergence.alerts.delivery import send_pending
from convergence.alerts.evaluation import ReadingRow, StoredEvent, any_rule, evaluate_batch
from convergence.alerts.lifecycle import Outcome
from convergence.timeseries.committed import Committed, Stage


def react(
    engine: Engine,
    *,
    stored: Sequence[ReadingRow],
    events: Sequence[StoredEvent] = (),
    config: AlertsConfig | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Evaluate one committed batch; send the notifications it queued when ``config`` is given."""
    if not (stored or events):
        return Outcome()
    with engine.connect() as conn:
        if not any_rule(conn):  # without rules, no write transaction (nor its lock) is taken
            return Outcome()
    with engine.begin() as conn:
        outcome = evaluate_batch(conn, stored=stored, events=events, now=now)
    if config is not None and outcome.deliveries:
        send_pending(engine, config=config, now=now, only=outcome.deliveries)
    return outcome


def alert_stage(engine: Engine, *, on_queued: Callable[[], None] | None = None) -> Stage:
    """The react stage of alert rules, saying which alerts it fired or resolved;
    ``on_queued`` is told when notifications wait to go."""

    def stage(committed: Committed) -> list[int]:
        outcome = react(engine, stored=committed.readings, events=committed.events)
        if outcome.deliveries and on_queued is not None:
            on_queued()
        return [*outcome.fired, *outcome.resolved]

    return stage
