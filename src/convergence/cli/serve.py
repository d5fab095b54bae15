"""``convergence serve``: the web application and API, in one or several worker processes."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
import uvicorn
from fastapi import FastAPI

from convergence.cli.context import console, handle_errors, open_engine
from convergence.collector import freeze_long_lived, tune_collector
from convergence.ingest.ratelimit import SharedBuckets
from convergence.runtime import Runtime
from convergence.settings import Settings, get_settings
from convergence.web.app import create_app

# Read by each worker's settings (``Settings.rate_budgets_file``).
RATE_BUDGETS_VARIABLE = "CONVERGENCE_RATE_BUDGETS_FILE"
WORKER_HEALTHCHECK_S = 60


@handle_errors
def serve(
    host: str = typer.Option(None, help="Interface to listen on (default: CONVERGENCE_HOST)"),
    port: int = typer.Option(None, help="Port (default: CONVERGENCE_PORT, 8000)"),
    workers: int = typer.Option(
        None, min=1, help="Worker processes (default: CONVERGENCE_WORKERS, one per core)"
    ),
) -> None:
    """Start the web server; the embedded database is created or upgraded first."""
    settings = get_settings()
    with open_engine() as engine:  # migrated once, before any worker opens it
        dialect = engine.dialect.name
    host, port = host or settings.host, port or settings.port
    count = workers or worker_count(settings)
    console.print(
        f"Convergence écoute sur [bold]http://{host}:{port}/[/] "
        f"(base : {dialect}, {count} processus) — API : http://{host}:{port}/docs"
    )
    with shared_rate_budgets(count):
        uvicorn.run(
            f"{__name__}:worker_app",
            factory=True,
            host=host,
            port=port,
            workers=count,
            log_level="info",
            # A worker answers the supervisor's pings only once it has imported the
            # application: on a busy machine that takes longer than uvicorn's 5 s.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
        )


def worker_count(settings: Settings) -> int:
    """``CONVERGENCE_WORKERS``, else one worker per core this process may run on."""
    if settings.workers:
        return settings.workers
    if hasattr(os, "sched_getaffinity"):  # Linux: the cores this process may run on
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


@contextmanager
def shared_rate_budgets(count: int) -> Iterator[None]:
    """For several workers, a file where they share the ingest rate budgets, removed after."""
    if count == 1:
        yield
        return
    directory = Path(tempfile.mkdtemp(prefix="convergence-serve-"))
    path = directory / "rate-budgets"
    SharedBuckets(path).close()  # sized before any worker maps it
    os.environ[RATE_BUDGETS_VARIABLE] = str(path)  # the workers inherit the environment
    try:
        yield
    finally:
        os.environ.pop(RATE_BUDGETS_VARIABLE, None)
        shutil.rmtree(directory, ignore_errors=True)


def worker_app() -> FastAPI:
    """One worker's application, on a runtime of its own; its periodic work runs while it
    holds the platform's lease (``db/leases.py``)."""
    settings = get_settings()
    runtime = Runtime.build(settings, schedule_alerts=True, leased=True)
    if settings.tune_collector:
        # What the warmer's first round computes lives as long as what is loaded at start.
        runtime.figure_warmer.after_first_round = freeze_long_lived
    app = create_app(runtime=runtime, background=True)
    if settings.tune_collector:
        tune_collector()
    return app
