"""What every command needs: the settings, a ready database, and one way to fail."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy import Engine

from convergence.bootstrap import ensure_schema_current, prepare_database
from convergence.db.engine import make_engine
from convergence.errors import ConvergenceError
from convergence.runtime import Runtime
from convergence.settings import get_settings

P = ParamSpec("P")
R = TypeVar("R")
CLI_ACTOR = "cli"
console = Console()
err_console = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    """Print a one-line reason and return the exit to raise (code 2)."""
    err_console.print(f"[bold red]Erreur :[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def handle_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn domain errors into a one-line reason and exit code 2."""

    @wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ConvergenceError as error:
            raise fail(error.message) from None

    return wrapper


@contextmanager
def open_engine() -> Iterator[Engine]:
    """The configured database, migrated if embedded, checked as current otherwise."""
    settings = get_settings()
    engine = make_engine(settings.resolved_database_url)
    try:
        if settings.is_embedded_database:
            prepare_database(engine)
        else:
            ensure_schema_current(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def open_runtime(*, schedule_alerts: bool = False, background: bool = False) -> Iterator[Runtime]:
    """The composition root's runtime on the configured database, closed at the end.

    ``background`` starts its alert worker (for a process that keeps running);
    ``schedule_alerts`` lets that worker evaluate the silence and indicator rules too.
    """
    with open_engine() as engine:
        runtime = Runtime.build(get_settings(), engine=engine, schedule_alerts=schedule_alerts)
        if background:
            runtime.start_background()
        try:
            yield runtime
        finally:
            runtime.close()
