"""The maintenance reactor: after a committed batch, turn new alerts into tickets.

Maintenance subscribes to the alerts' history; alerts never call maintenance. The
composition root builds the reactor once per process and places it after the alerts'
stage, which tells it the alerts a transaction fired or resolved: it reads the history only
then (a batch that changed no alert costs no query), and the alert worker tells it of what
the scheduled evaluation (silences) changed, and of each of its periods: the assets flagged
faulty by their status or their data are looked at then (``maintenance.flagged``), and the
inspections coming due are reminded. It reads
the history from a cursor, so a run also catches alerts changed elsewhere (ended by hand,
another process); ``convergence maintenance sync --loop`` does the same on a period for
processes without ingestion.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.maintenance.faults import SyncOutcome
from convergence.maintenance.inspections import remind_due
from convergence.maintenance.service import sync_from_alerts, sync_from_flags
from convergence.paris_time import local_day
from convergence.timeseries.committed import Committed, Reactor

LOGGER = logging.getLogger("convergence.maintenance")


def run_sync(
    engine: Engine,
    *,
    reopen_window: timedelta,
    now: datetime | None = None,
    flagged: bool = False,
) -> SyncOutcome:
    """One pass over the alerts' history, in a transaction of its own; with ``flagged`` (a
    periodic pass), then over the assets flagged faulty by their status or their data, and
    the reminders of inspections coming due (each queued once)."""
    total = SyncOutcome()
    while True:  # a pass reads at most one batch of history lines: drain them all
        with engine.begin() as conn:
            outcome = sync_from_alerts(conn, reopen_window=reopen_window, now=now or utcnow())
        _add(total, outcome)
        if not outcome.read:
            break
    if flagged:
        moment = now or utcnow()
        with engine.begin() as conn:
            _add(total, sync_from_flags(conn, reopen_window=reopen_window, now=moment))
            total.reminders.extend(remind_due(conn, today=local_day(moment), now=moment))
    return total


def _add(total: SyncOutcome, outcome: SyncOutcome) -> None:
    for name in ("opened", "updated", "reopened", "restored", "deliveries"):
        getattr(total, name).extend(getattr(outcome, name))


def ticket_reactor(
    engine: Engine,
    *,
    reopen_window: timedelta,
    on_queued: Callable[[], None] | None = None,
    flagged_every: timedelta = timedelta(minutes=15),
) -> Reactor:
    """A reactor of the composition root, after the alerts' one: tickets from new alerts,
    and, on the alert worker's periodic runs (at most every ``flagged_every``: it scans a day
    of readings), from the assets flagged faulty.

    ``on_queued`` is told when contractor e-mails wait in the outbox (the alert worker's
    ``wake``), so they leave at once.
    """
    last_scan: list[float] = []

    def scan_due() -> bool:
        now = time.monotonic()
        if last_scan and now - last_scan[0] < flagged_every.total_seconds():
            return False
        last_scan[:] = [now]
        return True

    def react(committed: Committed) -> None:
        if not (committed.alerts_changed or committed.periodic):
            return  # no alert fired or resolved: nothing new in the history (no query)
        flagged = committed.periodic and scan_due()
        outcome = run_sync(engine, reopen_window=reopen_window, flagged=flagged)
        if outcome.opened or outcome.reopened:
            LOGGER.info("tickets opened %s, reopened %s", outcome.opened, outcome.reopened)
        if (outcome.deliveries or outcome.reminders) and on_queued is not None:
            on_queued()

    return react
