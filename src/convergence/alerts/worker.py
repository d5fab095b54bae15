"""The alert work of a long-running process, in a background thread of its own.

Notifications are sent here, never in the react stage: a slow SMTP server must not delay
the acknowledgement of data. The react stage wakes the worker when it has queued some, so
an e-mail leaves within a second; every evaluation period the worker also sends the
retries that became due and, in the process that runs the schedule (``serve``, ``demo``),
evaluates the silence and indicator rules. Deliveries are claimed row by row
(``alerts/delivery.py``), so several processes sending at once send each notification once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from convergence.alerts.config import AlertsConfig
from convergence.alerts.delivery import send_pending
from convergence.alerts.schedule import evaluate_schedule
from convergence.db.types import utcnow
from convergence.timeseries.committed import Committed, Reactor, notify

logger = logging.getLogger(__name__)
JOIN_TIMEOUT_S = 10.0


class AlertWorker:
    """Sends due notifications when woken or every period; evaluates the schedule if asked."""

    def __init__(
        self,
        engine: Engine,
        *,
        config: AlertsConfig,
        schedule: bool,
        leads: Callable[[], bool] | None = None,
    ) -> None:
        self.engine, self.config, self.schedule = engine, config, schedule
        # Where several workers serve (``serve --workers``), only the lease holder evaluates
        # the schedule; every worker still sends what its own requests queued.
        self.leads = leads or (lambda: True)
        self._wake = threading.Event()
        self._schedule_due = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="alerts", daemon=True)
        # Told of each scheduled run and the alerts it fired or resolved (the lines' reactors).
        self.followers: tuple[Reactor, ...] = ()

    def wake(self) -> None:
        """Notifications are waiting: send them now rather than at the next period."""
        self._wake.set()

    def schedule_now(self) -> None:
        """Evaluate the schedule at the next run (this process has just taken the lead)."""
        self._schedule_due.set()
        self._wake.set()

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop after the run in progress, if any."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=JOIN_TIMEOUT_S)

    def run_once(self, *, now: datetime | None = None, scheduled: bool = True) -> None:
        """One run: the schedule's rules (when due and asked for), then every due delivery."""
        now = now or utcnow()
        if self.schedule and scheduled and self.leads():
            with self.engine.begin() as conn:
                outcome = evaluate_schedule(conn, now=now)
            changed = [*outcome.fired, *outcome.resolved]
            notify(self.followers, Committed(alerts_changed=changed, periodic=True))
        send_pending(self.engine, config=self.config, now=now)

    def _run(self) -> None:
        period = float(self.config.alert_evaluation_period_s)
        next_schedule = time.monotonic()
        while not self._stopping.is_set():
            scheduled = time.monotonic() >= next_schedule or self._schedule_due.is_set()
            if scheduled:
                self._schedule_due.clear()
                next_schedule = time.monotonic() + period
            try:
                self.run_once(scheduled=scheduled)
            except Exception:
                logger.exception("alert run failed; trying again next period")
            self._wake.wait(max(0.0, next_schedule - time.monotonic()))
            self._wake.clear()
