"""``convergence serve``: the web application and API."""

from __future__ import annotations

import typer
import uvicorn

from convergence.bootstrap import ensure_schema_current, prepare_database
from convergence.cli.context import console, handle_errors
from convergence.collector import tune_collector
from convergence.db.engine import make_engine
from convergence.settings import get_settings
from convergence.web.app import create_app


@handle_errors
def serve(
    host: str = typer.Option(None, help="Interface to listen on (default: CONVERGENCE_HOST)"),
    port: int = typer.Option(None, help="Port (default: CONVERGENCE_PORT, 8000)"),
) -> None:
    """Start the web server; the embedded database is created or upgraded first."""
    settings = get_settings()
    engine = make_engine(settings.resolved_database_url, audit_key=settings.resolved_audit_key)
    if settings.is_embedded_database:
        prepare_database(engine)
    else:
        ensure_schema_current(engine)
    host, port = host or settings.host, port or settings.port
    console.print(
        f"Convergence écoute sur [bold]http://{host}:{port}/[/] "
        f"(base : {engine.dialect.name}) — API : http://{host}:{port}/docs"
    )
    app = create_app(settings, engine=engine)
    if settings.tune_collector:
        tune_collector()
    uvicorn.run(app, host=host, port=port, log_level="info")
