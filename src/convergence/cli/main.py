"""The ``convergence`` command.

Each subcommand's module is imported when that subcommand runs, not before: loading them
all (the web application, the OCPP central system, the PDF and camera libraries) took
three seconds, which every ``convergence db upgrade`` paid. The core's commands are listed
below; a service line adds its own under the ``convergence.commands`` entry points (as it
declares itself under ``convergence.service_lines``). ``convergence --help`` lists them all
(and loads them all to say what each does).
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

import typer

# Typer carries its own copy of click since 0.29: commands and contexts are of that copy.
from typer import _click as click
from typer.core import TyperGroup

ENTRY_POINT_GROUP = "convergence.commands"


def _core(module: str, attribute: str = "app") -> EntryPoint:
    return EntryPoint(name="", value=f"convergence.cli.{module}:{attribute}", group="")


CORE: dict[str, EntryPoint] = {
    "demo": _core("demo", "demo"),
    "serve": _core("serve", "serve"),
    "decode": _core("decode", "decode"),
    "backup": _core("backup", "backup"),
    "restore": _core("backup", "restore"),
    "report": _core("report", "report"),
    "db": _core("db"),
    "members": _core("members"),
    "users": _core("users"),
    "tokens": _core("tokens"),
    "assets": _core("assets"),
    "audit": _core("audit"),
    "ingest": _core("ingest"),
    "broker": _core("broker"),
    "deadletters": _core("deadletters"),
    "coordination": _core("coordination"),
    "alerts": _core("alerts"),
    "opendata": _core("opendata"),
    "archive": _core("archive"),
}


@cache
def commands() -> dict[str, EntryPoint]:
    """Every subcommand: the core's, then the installed lines' (by name)."""
    added = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda found: found.name)
    return CORE | {found.name: found for found in added if found.name not in CORE}


@cache
def load(name: str) -> click.Command:
    """The click command of subcommand ``name``, its module imported now: a ``typer.Typer``
    is a group of commands, a function one command."""
    entry = commands()[name]
    try:
        target = entry.load()
    except (ImportError, AttributeError) as error:  # a package installed broken, or half
        raise click.ClickException(
            f"la commande « {name} » ne peut pas être chargée / the command {name!r} cannot "
            f"be loaded from {entry.value} ({error}): reinstall the package that provides it "
            f"(pip install -e . for Convergence itself)"
        ) from error
    if isinstance(target, typer.Typer):
        command: click.Command = typer.main.get_group(target)
    else:
        single = typer.Typer()
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """The root command: its subcommands loaded when asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(commands())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load(cmd_name) if cmd_name in commands() else None


app = typer.Typer(
    name="convergence",
    cls=LazyGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Convergence — plateforme territoriale de données (territorial data platform)."""


def run() -> None:
    """Entry point of the console script."""
    app()
