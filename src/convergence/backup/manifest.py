"""The manifest beside every backup file: what it holds and how to check it before restoring.

``<backup file>.manifest.json`` records the file's size and SHA-256, the schema revision and,
per table, the row count and a checksum of the rows (see ``checksums``). The restore checks
the file against the manifest before touching the target, and the target against the
manifest afterwards.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from convergence.backup.errors import BackupCorrupted

MANIFEST_SUFFIX = ".manifest.json"


class TableDigest(BaseModel):
    name: str
    rows: int
    sha256: str


class BackupManifest(BaseModel):
    format: Literal["convergence-backup-1"] = "convergence-backup-1"
    backend: Literal["sqlite", "postgresql"]
    created_at: datetime
    file: str
    size: int
    sha256: str
    schema_revision: str | None
    convergence_version: str
    tables: list[TableDigest]
    # The audit chain's head when the backup began, signed with the audit key: a second
    # anchor outside the database (members/audit_checkpoint.py).
    audit_checkpoint: dict[str, Any] | None = None

    @property
    def total_rows(self) -> int:
        return sum(table.rows for table in self.tables)


def manifest_path(backup_file: Path) -> Path:
    """Where the manifest of ``backup_file`` lives."""
    return backup_file.with_name(backup_file.name + MANIFEST_SUFFIX)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(backup_file: Path, manifest: BackupManifest) -> Path:
    """Write the manifest beside the backup file; return its path."""
    path = manifest_path(backup_file)
    path.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def checked_manifest(backup_file: Path) -> BackupManifest:
    """The manifest, once the backup file's size and SHA-256 match it; BackupCorrupted otherwise."""
    untouched = "la base cible n'a pas été modifiée / the target database was not touched"
    path = manifest_path(backup_file)
    if not backup_file.is_file():
        raise BackupCorrupted(
            f"fichier de sauvegarde introuvable / backup file not found: {backup_file}"
        )
    try:
        manifest = BackupManifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupCorrupted(
            f"manifeste absent ou illisible / missing or unreadable manifest {path} ({error}); "
            f"{untouched}. Keep the manifest next to the backup file."
        ) from None
    actual_size, actual = backup_file.stat().st_size, file_sha256(backup_file)
    if actual_size != manifest.size or actual != manifest.sha256:
        raise BackupCorrupted(
            f"SAUVEGARDE ALTÉRÉE, restauration refusée / CORRUPTED BACKUP, restore refused: "
            f"{backup_file} has {actual_size} bytes and SHA-256 {actual[:16]}…, its manifest "
            f"says {manifest.size} bytes and {manifest.sha256[:16]}…; {untouched}. "
            "Use another copy of this backup.",
            path=str(backup_file),
        )
    return manifest
