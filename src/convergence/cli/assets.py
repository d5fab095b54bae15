"""``convergence assets``: import and export equipment as CSV."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from convergence.cli.context import (
    console,
    err_console,
    fail,
    handle_errors,
    open_engine,
    open_runtime,
)
from convergence.members.queries import find_member
from convergence.members.scope import command_line_scope
from convergence.registry import csv_io, queries
from convergence.registry.schemas import AssetFilters

app = typer.Typer(help="Équipements : import et export CSV.", no_args_is_help=True)


@app.command("import")
@handle_errors
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV file (, or ;)"),
    member: str = typer.Option(..., help="Member id, SIREN, INSEE code or name"),
) -> None:
    """Import equipment: every row is checked first; one bad row and nothing is written.

    The rows are then written in batches of CONVERGENCE_IMPORT_BATCH_ROWS, each its own short
    transaction; a file over CONVERGENCE_IMPORT_MAX_BYTES or _MAX_ROWS is refused.
    """
    data = file.read_bytes()
    scope = command_line_scope()
    with open_runtime() as runtime, _progress() as progress:
        with runtime.engine.connect() as conn:
            target = find_member(conn, ref=member)
        task = progress.add_task("Import", total=None)
        report = csv_io.import_in_batches(
            runtime.engine,
            begin=runtime.begin,
            scope=scope,
            data=data,
            member_id=target.id,
            limits=csv_io.ImportLimits.from_settings(runtime.settings),
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            listeners=runtime.registry_listeners,
        )
    if not report.ok:
        for error in report.errors:
            err_console.print(f"ligne {error.line} : {error.reason}", highlight=False)
        raise fail(
            f"{len(report.errors)} ligne(s) refusée(s) sur {report.rows} ; "
            "rien n'a été importé. Corrigez le fichier et relancez."
        )
    console.print(f"{report.imported} équipements importés pour {target.name}.")


@app.command("export")
@handle_errors
def export(
    member: str = typer.Option(..., help="Member id, SIREN, INSEE code or name"),
    output: Path = typer.Option(Path("-"), "--output", "-o", help="File, or - for stdout"),
) -> None:
    """Export a member's equipment as CSV (the import format)."""
    with open_engine() as engine, engine.connect() as conn:
        target = find_member(conn, ref=member)
        items = queries.iter_assets(
            conn, scope=command_line_scope(), filters=AssetFilters(member_id=target.id)
        )
    text = csv_io.export_assets(items)
    if str(output) == "-":
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"{len(items)} équipements écrits dans {output}.")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
