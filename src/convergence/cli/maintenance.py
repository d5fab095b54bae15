"""``convergence maintenance``: turn new alerts into tickets and tell the contractors."""

from __future__ import annotations

import time
from datetime import timedelta

import typer
from sqlalchemy import Engine

from convergence import french_format as fr
from convergence.alerts.config import AlertsConfig, config_from_settings
from convergence.alerts.delivery import send_pending
from convergence.cli.context import console, handle_errors, open_engine
from convergence.db.types import utcnow
from convergence.maintenance.react import run_sync
from convergence.settings import get_settings

app = typer.Typer(help="Maintenance : tickets, contrats, délais.", no_args_is_help=True)


def sync_once(engine: Engine, config: AlertsConfig, reopen_window: timedelta) -> str:
    """One pass: tickets from the alerts written since the last and from the assets flagged
    faulty (status, quality), then every due e-mail (the
    reactors of serve and ingest mqtt may have opened tickets and queued theirs)."""
    now = utcnow()
    outcome = run_sync(engine, reopen_window=reopen_window, now=now, flagged=True)
    report = send_pending(engine, config=config, now=now)
    return (
        f"{fr.when(now)} : {len(outcome.opened)} ticket(s) ouvert(s), "
        f"{len(outcome.reopened)} rouvert(s), {len(outcome.restored)} rétabli(s), "
        f"{len(outcome.reminders)} rappel(s) de contrôle ; "
        f"{len(report.sent)} courriel(s) envoyé(s)"
    )


@app.command("sync")
@handle_errors
def sync(
    loop: bool = typer.Option(False, "--loop", help="Run again every period until interrupted"),
    period: int | None = typer.Option(None, min=1, help="Seconds between runs (loop mode)"),
) -> None:
    """Open, reopen and restore tickets from new alerts; e-mail the contractors."""
    settings = get_settings()
    config = config_from_settings(settings)
    window = timedelta(seconds=settings.maintenance_reopen_window_s)
    seconds = period or settings.maintenance_sync_period_s
    with open_engine() as engine:
        while True:
            started = time.monotonic()
            console.print(sync_once(engine, config, window), highlight=False)
            if not loop:
                return
            try:
                time.sleep(max(0.0, seconds - (time.monotonic() - started)))
            except KeyboardInterrupt:
                return
