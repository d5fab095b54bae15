"""``convergence db``: schema migrations."""

from __future__ import annotations

import typer

from convergence.bootstrap import prepare_database
from convergence.cli.context import console, handle_errors
from convergence.db import migrate
from convergence.db.engine import make_engine
from convergence.settings import get_settings

app = typer.Typer(help="Base de données : migrations du schéma.", no_args_is_help=True)


@app.command("upgrade")
@handle_errors
def upgrade() -> None:
    """Migrate the database to the latest schema and load the territory reference data."""
    engine = make_engine(get_settings().resolved_database_url)
    prepare_database(engine)
    console.print(
        f"Schéma à jour : révision {migrate.current_revision(engine)} ({engine.dialect.name})."
    )


@app.command("current")
@handle_errors
def current() -> None:
    """Print the schema revision of the database and the latest one."""
    engine = make_engine(get_settings().resolved_database_url)
    console.print(
        f"base : {migrate.current_revision(engine) or 'vide'} ; "
        f"dernière : {migrate.head_revision()}"
    )
