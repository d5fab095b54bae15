"""PostgreSQL: ``pg_dump -Fc`` of an exported snapshot, ``pg_restore`` in one transaction.

The backup's checksums are computed in the very snapshot pg_dump reads (``pg_export_snapshot``
in a REPEATABLE READ transaction), so the manifest describes exactly the dump even while
readings keep arriving. The restore runs in a single transaction: it completes or leaves the
target as it was.
"""

from __future__ import annotations

import os
import subprocess
from collections import deque
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from convergence.backup.checksums import database_digests
from convergence.backup.errors import BackupToolFailed
from convergence.backup.manifest import TableDigest
from convergence.backup.progress import Progress

MAINTENANCE_DATABASE = "postgres"


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and an environment that carries it."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    bare = parsed.set(drivername="postgresql", password=None)
    return bare.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], on_line: Callable[[str], None]) -> None:
    """Run a client tool, passing each line it writes on stderr; BackupToolFailed on failure."""
    tail: deque[str] = deque(maxlen=8)
    with subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            tail.append(line.rstrip())
            on_line(line.rstrip())
    if process.returncode != 0:
        details = "\n".join(tail)
        raise BackupToolFailed(
            f"{command[0]} a échoué / failed (code {process.returncode}):\n{details}"
        )


def dump(engine: Engine, target_file: Path, progress: Progress) -> list[TableDigest]:
    """Dump the database to ``target_file`` and return the digests of that same snapshot."""
    uri, env = libpq_target(engine.url.render_as_string(hide_password=False))
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        progress.step("pg_dump (format custom)…")
        command = [
            "pg_dump",
            "--format=custom",
            "--verbose",
            "--no-password",
            f"--snapshot={snapshot}",
            f"--file={target_file}",
            f"--dbname={uri}",
        ]
        _run(command, env, lambda line: _report_dump(line, progress))
        progress.step("empreintes des tables / table checksums…")
        digests = database_digests(conn, on_table=lambda name: progress.step(f"  {name}"))
        conn.rollback()
    return digests


def _report_dump(line: str, progress: Progress) -> None:
    if "dumping contents of table" in line:
        progress.step("  " + line.split("table", 1)[1].strip().strip('"'))


def ensure_database(url: str) -> bool:
    """Create the target database when it does not exist; True if it was created."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database=MAINTENANCE_DATABASE), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            ).first()
            if exists is None:
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()
    return exists is None


def is_empty(engine: Engine) -> bool:
    """True if the public schema holds no table."""
    with engine.connect() as conn:
        count = conn.execute(
            text(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
            )
        ).scalar_one()
    return int(count) == 0


def wipe(engine: Engine) -> None:
    """Drop everything in the public schema (restore with --force)."""
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def _toc_entries(backup_file: Path, env: dict[str, str]) -> int:
    listed = subprocess.run(
        ["pg_restore", "--list", str(backup_file)], env=env, capture_output=True, text=True
    )
    if listed.returncode != 0:
        raise BackupToolFailed(f"pg_restore --list a échoué / failed: {listed.stderr.strip()}")
    return sum(1 for line in listed.stdout.splitlines() if line and not line.startswith(";"))


def restore(backup_file: Path, url: str, progress: Progress) -> None:
    """Restore the dump into the (empty) database at ``url``, in a single transaction."""
    uri, env = libpq_target(url)
    total = _toc_entries(backup_file, env)
    done = 0

    def on_line(line: str) -> None:
        nonlocal done
        if line.startswith(
            ("pg_restore: creating", "pg_restore: processing", "pg_restore: executing")
        ):
            done += 1
            progress.advance(min(done, total), total)

    command = [
        "pg_restore",
        "--verbose",
        "--no-owner",
        "--no-acl",
        "--no-password",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={uri}",
        str(backup_file),
    ]
    _run(command, env, on_line)
    progress.advance(total, total)
