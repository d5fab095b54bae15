"""The ``convergence`` command.

Each subcommand's module is imported when that subcommand runs, not before: loading them
all (the web application, the OCPP central system, the PDF and camera libraries) took
three seconds, which every ``convergence db upgrade`` or ``convergence video purge`` paid.
``convergence --help`` still lists them all (and loads them all to say what each does).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

import typer

# Typer carries its own copy of click since 0.29: commands and contexts are of that copy.
from typer import _click as click
from typer.core import TyperGroup


@dataclass(frozen=True, slots=True)
class Entry:
    """Where a subcommand is defined: a ``typer.Typer`` (a group) or a function (one command)."""

    module: str
    attribute: str = "app"


COMMANDS: dict[str, Entry] = {
    "demo": Entry("convergence.cli.demo", "demo"),
    "serve": Entry("convergence.cli.serve", "serve"),
    "decode": Entry("convergence.cli.decode", "decode"),
    "backup": Entry("convergence.cli.backup", "backup"),
    "restore": Entry("convergence.cli.backup", "restore"),
    "report": Entry("convergence.cli.report", "report"),
    "db": Entry("convergence.cli.db"),
    "members": Entry("convergence.cli.members"),
    "users": Entry("convergence.cli.users"),
    "tokens": Entry("convergence.cli.tokens"),
    "assets": Entry("convergence.cli.assets"),
    "audit": Entry("convergence.cli.audit"),
    "ingest": Entry("convergence.cli.ingest"),
    "broker": Entry("convergence.cli.broker"),
    "deadletters": Entry("convergence.cli.deadletters"),
    "coordination": Entry("convergence.cli.coordination"),
    "alerts": Entry("convergence.cli.alerts"),
    "charging": Entry("convergence.cli.charging"),
    "maintenance": Entry("convergence.cli.maintenance"),
    "opendata": Entry("convergence.cli.opendata"),
    "archive": Entry("convergence.cli.archive"),
    "video": Entry("convergence.cli.video"),
}


@cache
def load(name: str) -> click.Command:
    """The click command of subcommand ``name`` (its module imported now)."""
    entry = COMMANDS[name]
    target = getattr(importlib.import_module(entry.module), entry.attribute)
    if isinstance(target, typer.Typer):
        command: click.Command = typer.main.get_group(target)
    else:
        single = typer.Typer()
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """The root command: subcommands from ``COMMANDS``, each loaded when asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load(cmd_name) if cmd_name in COMMANDS else None


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
