"""``convergence serve``: the web application and API."""

from __future__ import annotations

import typer
import uvicorn

from convergence.cli.context import console, handle_errors, open_runtime
from convergence.collector import tune_collector
from convergence.web.app import create_app


@handle_errors
def serve(
    host: str = typer.Option(None, help="Interface to listen on (default: CONVERGENCE_HOST)"),
    port: int = typer.Option(None, help="Port (default: CONVERGENCE_PORT, 8000)"),
) -> None:
    """Start the web server; the embedded database is created or upgraded first."""
    with open_runtime(schedule_alerts=True, background=True) as runtime:
        settings = runtime.settings
        host, port = host or settings.host, port or settings.port
        console.print(
            f"Convergence écoute sur [bold]http://{host}:{port}/[/] "
            f"(base : {runtime.engine.dialect.name}) — API : http://{host}:{port}/docs"
        )
        app = create_app(runtime=runtime)
        if settings.tune_collector:
            tune_collector()
        uvicorn.run(app, host=host, port=port, log_level="info")
