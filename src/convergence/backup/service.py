"""Backing up and restoring the whole database, the same way on SQLite and PostgreSQL.

A backup is one file plus its manifest. A restore first checks the file against the manifest
and refuses a corrupted one before touching anything; it restores into an empty database
(``force`` replaces a non-empty one), then recomputes every table's count and checksum and
compares them with the manifest. The person restoring after an attack sees each step and ends
with one summary: tables, rows, and whether everything matched.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from convergence import __version__
from convergence.backup import postgres, sqlite
from convergence.backup.checksums import database_digests
from convergence.backup.errors import BackupBackendMismatch, RestoreMismatch, RestoreRefused
from convergence.backup.manifest import (
    BackupManifest,
    TableDigest,
    checked_manifest,
    file_sha256,
    write_manifest,
)
from convergence.backup.progress import Progress, Silent
from convergence.db import migrate
from convergence.db.engine import make_engine
from convergence.db.types import utcnow
from convergence.members import audit, audit_checkpoint

SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}


@dataclass(frozen=True, slots=True)
class BackupResult:
    file: Path
    manifest_file: Path
    manifest: BackupManifest


@dataclass(frozen=True, slots=True)
class RestoreSummary:
    manifest: BackupManifest
    tables: int
    rows: int
    seconds: float
    schema_revision: str | None
    latest_revision: str | None


def _backend(url: str) -> str:
    return "sqlite" if make_url(url).get_backend_name() == "sqlite" else "postgresql"


def backup_name(backend: str, now: datetime) -> str:
    """``convergence-<backend>-<UTC timestamp>.<suffix>``."""
    return f"convergence-{backend}-{now.strftime('%Y%m%dT%H%M%SZ')}{SUFFIXES[backend]}"


def create_backup(
    *, engine: Engine, output_dir: Path, progress: Progress | None = None
) -> BackupResult:
    """Back the database up into ``output_dir``: one file and its manifest."""
    progress = progress or Silent()
    backend, now = engine.dialect.name, utcnow()
    with engine.connect() as conn:
        anchor = audit_checkpoint.take(conn, key=audit.key_of(conn))
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = output_dir / backup_name(backend, now)
    partial = private_file(target.with_name(target.name + ".partial"))
    if backend == "sqlite":
        digests = _sqlite_backup(engine, partial, progress)
    else:
        digests = postgres.dump(engine, partial, progress)
    partial.replace(target)
    progress.step("empreinte SHA-256 du fichier / file checksum…")
    manifest = BackupManifest(
        backend="sqlite" if backend == "sqlite" else "postgresql",
        created_at=now,
        file=target.name,
        size=target.stat().st_size,
        sha256=file_sha256(target),
        schema_revision=migrate.current_revision(engine),
        convergence_version=__version__,
        tables=digests,
        audit_checkpoint=anchor.model_dump() if anchor else None,
    )
    manifest_file = write_manifest(target, manifest)
    manifest_file.chmod(PRIVATE)
    return BackupResult(target, manifest_file, manifest)


PRIVATE = 0o600


def private_file(path: Path) -> Path:
    """An empty file only its owner may read, created before anything is written to it.

    A backup holds every member's data, password hashes included: it is created 0600 (not
    with the umask's 0644, then narrowed), so no other account reads it even mid-copy.
    """
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE)
    os.close(fd)
    path.chmod(PRIVATE)  # an older file of that name keeps its mode through O_CREAT
    return path


def _sqlite_backup(engine: Engine, target: Path, progress: Progress) -> list[TableDigest]:
    source = sqlite.database_path(engine.url.render_as_string(hide_password=False))
    progress.step(f"copie en ligne / online copy of {source}…")
    sqlite.copy_database(source, target, progress)
    progress.step("empreintes des tables / table checksums…")
    return _digests_of_file(target, progress)


def _digests_of_file(path: Path, progress: Progress) -> list[TableDigest]:
    reader = sqlite.read_only_engine(path)
    try:
        with reader.connect() as conn:
            return database_digests(conn, on_table=lambda name: progress.step(f"  {name}"))
    finally:
        reader.dispose()


def restore_backup(
    *, backup_file: Path, target_url: str, force: bool = False, progress: Progress | None = None
) -> RestoreSummary:
    """Restore ``backup_file`` into the database at ``target_url`` and verify it table by table."""
    progress = progress or Silent()
    started = time.monotonic()
    progress.step(f"vérification de la sauvegarde / checking {backup_file.name}…")
    manifest = checked_manifest(backup_file)
    target_backend = _backend(target_url)
    if manifest.backend != target_backend:
        raise BackupBackendMismatch(
            f"sauvegarde {manifest.backend}, base cible {target_backend} / a {manifest.backend} "
            f"backup restores into {manifest.backend} only (see CONVERGENCE_DATABASE_URL)"
        )
    progress.step(
        f"sauvegarde intacte / backup intact: {manifest.created_at:%Y-%m-%d %H:%M} UTC, "
        f"{len(manifest.tables)} tables, {manifest.total_rows} lignes / rows"
    )
    if target_backend == "sqlite":
        digests = _restore_sqlite(backup_file, target_url, force, progress)
    else:
        digests = _restore_postgres(backup_file, target_url, force, progress)
    _compare(manifest.tables, digests)
    return RestoreSummary(
        manifest=manifest,
        tables=len(digests),
        rows=sum(d.rows for d in digests),
        seconds=time.monotonic() - started,
        schema_revision=manifest.schema_revision,
        latest_revision=migrate.head_revision(),
    )


def _refuse_non_empty(target: str) -> RestoreRefused:
    return RestoreRefused(
        f"la base cible contient déjà des données / the target database already holds data "
        f"({target}); nothing was changed. Restore into an empty database, or pass --force "
        "to replace its whole content."
    )


def _restore_sqlite(
    backup_file: Path, target_url: str, force: bool, progress: Progress
) -> list[TableDigest]:
    target = sqlite.database_path(target_url)
    if not force and not sqlite.is_empty(target):
        raise _refuse_non_empty(str(target))
    progress.step(f"restauration / restoring into {target}…")
    sqlite.restore_database(backup_file, target, progress)
    progress.step("contrôle des tables restaurées / checking the restored tables…")
    return _digests_of_file(target, progress)


def _restore_postgres(
    backup_file: Path, target_url: str, force: bool, progress: Progress
) -> list[TableDigest]:
    if postgres.ensure_database(target_url):
        progress.step(f"base créée / database created: {make_url(target_url).database}")
    engine = make_engine(target_url)
    try:
        if not postgres.is_empty(engine):
            if not force:
                raise _refuse_non_empty(str(make_url(target_url).database))
            progress.step("--force : contenu existant supprimé / existing content dropped")
            postgres.wipe(engine)
        progress.step("pg_restore (une seule transaction / single transaction)…")
        postgres.restore(backup_file, target_url, progress)
        progress.step("contrôle des tables restaurées / checking the restored tables…")
        with engine.connect() as conn:
            return database_digests(conn, on_table=lambda name: progress.step(f"  {name}"))
    finally:
        engine.dispose()


def _difference(expected: TableDigest, actual: TableDigest | None) -> str | None:
    if actual is None:
        return f"{expected.name}: absente / missing"
    if actual.rows != expected.rows:
        return f"{expected.name}: {actual.rows} lignes / rows instead of {expected.rows}"
    if actual.sha256 != expected.sha256:
        return f"{expected.name}: contenu différent / content differs (checksum)"
    return None


def _compare(expected: list[TableDigest], actual: list[TableDigest]) -> None:
    """RestoreMismatch naming every table whose count or checksum differs."""
    found = {d.name: d for d in actual}
    problems = [p for d in expected if (p := _difference(d, found.get(d.name))) is not None]
    if problems:
        raise RestoreMismatch(
            "la base restaurée diffère de la sauvegarde / the restored database differs from "
            "the backup: " + "; ".join(problems)
        )
