"""The maintenance reactor: after a committed batch, turn new alerts into tickets.

Maintenance subscribes to the alerts' history; alerts never call maintenance. The
composition root builds the reactor once per process and places it after the alerts'
reactor, so the alerts a batch fired are in the history when it runs. It reads the history
from a cursor, so it also catches alerts fired elsewhere (the OCPP central system, the
scheduled evaluation) at its next run, and ``convergence maintenance sync --loop`` does the
same on a period for processes without ingestion.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.maintenance.faults import SyncOutcome
from convergence.maintenance.service import sync_from_alerts
from convergence.timeseries.committed import Committed, Reactor

LOGGER = logging.getLogger("convergence.maintenance")


def run_sync(
    engine: Engine, *, reopen_window: timedelta, now: datetime | None = None
) -> SyncOutcome:
    """One pass over the alerts' history, in a transaction of its own."""
    total = SyncOutcome()
    while True:  # a pass reads at most one batch of history lines: drain them all
        with engine.begin() as conn:
            outcome = sync_from_alerts(conn, reopen_window=reopen_window, now=now or utcnow())
        for name in ("opened", "updated", "reopened", "restored", "deliveries"):
            getattr(total, name).extend(getattr(outcome, name))
        if not outcome.read:
            return total


def ticket_reactor(
    engine: Engine, *, reopen_window: timedelta, on_queued: Callable[[], None] | None = None
) -> Reactor:
    """A reactor of the composition root, after the alerts' one: tickets from new alerts.

    ``on_queued`` is told when contractor e-mails wait in the outbox (the alert worker's
    ``wake``), so they leave at once.
    """

    def react(_committed: Committed) -> None:
        outcome = run_sync(engine, reopen_window=reopen_window)
        if outcome.opened or outcome.reopened:
            LOGGER.info("tickets opened %s, reopened %s", outcome.opened, outcome.reopened)
        if outcome.deliveries and on_queued is not None:
            on_queued()

    return react
