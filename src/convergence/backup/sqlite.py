"""SQLite: copies through the online backup API, consistent while the platform keeps running.

``sqlite3.Connection.backup`` copies the database page by page under SQLite's own locking,
so a backup taken during ingestion is a consistent snapshot; the copy is switched to the
rollback journal so that it is one self-contained file.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url

from convergence.backup.progress import Progress

PAGES_PER_STEP = 1024


def database_path(url: str) -> Path:
    """The file of an SQLite URL."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError(f"{url} is not an SQLite database file")
    return Path(database)


def copy_database(source: Path, target: Path, progress: Progress) -> None:
    """Copy ``source`` into ``target`` (created or overwritten) with the online backup API."""

    def report(_status: int, remaining: int, total: int) -> None:
        progress.advance(total - remaining, total)

    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst, pages=PAGES_PER_STEP, progress=report)
        dst.execute("PRAGMA journal_mode=DELETE")


def read_only_engine(path: Path) -> Engine:
    """An engine that reads ``path`` without changing a byte of it (no WAL switch, no lock)."""
    return create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")


def is_empty(path: Path) -> bool:
    """True if the file does not exist or holds no table."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()
    return int(count) == 0


def restore_database(backup_file: Path, target: Path, progress: Progress) -> None:
    """Replace the content of ``target`` with the backup's, page by page."""
    copy_database(backup_file, target, progress)
