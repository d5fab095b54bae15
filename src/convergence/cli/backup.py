"""``convergence backup`` and ``convergence restore``: the whole database, checked both ways."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn

from convergence.backup import service
from convergence.cli.context import console, handle_errors
from convergence.db.engine import make_engine
from convergence.settings import get_settings


class ConsoleProgress:
    """Steps as lines, the current step's advance as a bar."""

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def step(self, message: str) -> None:
        self.close()
        console.print(message, highlight=False)

    def advance(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = Progress(
                TextColumn("  "), BarColumn(), TaskProgressColumn(), console=console, transient=True
            )
            self._bar.start()
            self._task = self._bar.add_task("", total=total)
        assert self._task is not None
        self._bar.update(self._task, completed=done, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar, self._task = None, None


@handle_errors
def backup(
    output: Path | None = typer.Option(
        None, "--output", help="Folder of the backup (default: <data dir>/backups)"
    ),
) -> None:
    """Back up the whole database: one file and its manifest of counts and checksums."""
    settings = get_settings()
    engine = make_engine(settings.resolved_database_url, audit_key=settings.resolved_audit_key)
    progress = ConsoleProgress()
    try:
        result = service.create_backup(
            engine=engine, output_dir=output or settings.data_dir / "backups", progress=progress
        )
    finally:
        progress.close()
        engine.dispose()
    manifest = result.manifest
    console.print(
        f"Sauvegarde terminée : {result.file}\n"
        f"  manifeste : {result.manifest_file}\n"
        f"  {len(manifest.tables)} tables, {manifest.total_rows} lignes, {manifest.size} octets, "
        f"SHA-256 {manifest.sha256}\n"
        "  Gardez les deux fichiers ensemble, et une copie hors de ce serveur.",
        highlight=False,
    )


@handle_errors
def restore(
    file: Path = typer.Argument(..., help="The backup file (its .manifest.json beside it)"),
    force: bool = typer.Option(
        False, "--force", help="Replace the content of a database that is not empty"
    ),
) -> None:
    """Restore a backup into the configured (empty) database and verify every table."""
    progress = ConsoleProgress()
    try:
        summary = service.restore_backup(
            backup_file=file,
            target_url=get_settings().resolved_database_url,
            force=force,
            progress=progress,
        )
    finally:
        progress.close()
    console.print(
        f"Restauration terminée et vérifiée en {summary.seconds:.1f} s : {summary.tables} "
        f"tables, {summary.rows} lignes, identiques à la sauvegarde du "
        f"{summary.manifest.created_at:%d/%m/%Y à %H:%M} UTC.",
        highlight=False,
    )
    if summary.schema_revision != summary.latest_revision:
        console.print(
            f"Le schéma restauré est à la révision {summary.schema_revision} ; cette version "
            f"attend {summary.latest_revision} : lancez `convergence db upgrade`.",
            highlight=False,
        )
