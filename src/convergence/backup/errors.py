"""Why a backup or a restore stops: each says what happened and what to do."""

from __future__ import annotations

from convergence.errors import Conflict, IntegrityBroken, InvalidInput


class BackupCorrupted(IntegrityBroken):
    """The backup file does not match its manifest; the target was not touched."""

    code = "backup_corrupted"


class RestoreRefused(Conflict):
    """The target database already holds data (restore into an empty one, or pass --force)."""

    code = "restore_refused"


class BackupBackendMismatch(InvalidInput):
    """A SQLite backup restores into SQLite, a PostgreSQL backup into PostgreSQL."""

    code = "backup_backend_mismatch"


class RestoreMismatch(IntegrityBroken):
    """After a restore, some table's count or checksum differs from the manifest."""

    code = "restore_mismatch"


class BackupToolFailed(IntegrityBroken):
    """pg_dump or pg_restore failed; its message is included."""

    code = "backup_tool_failed"
