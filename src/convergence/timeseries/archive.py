"""Parquet archive of raw readings: one file per member and UTC month, with a SHA-256 manifest.

``<data_dir>/archive/<siren>/<YYYY-MM>.parquet`` holds (series_id, ts, value) sorted by series
and time; ``<YYYY-MM>.json`` beside it holds the file's SHA-256, its row count, first and last
timestamps and a checksum of the rows themselves (independent of Parquet's encoding), so an
archive is checked against the database it came from and against tampering. A file that does
not match its manifest is refused with ArchiveCorrupted, never read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from convergence.db.types import utcnow
from convergence.errors import IntegrityBroken, NotFound
from convergence.timeseries.partitions import Month

ARCHIVE_DIR = "archive"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
ROW_LAYOUT = np.dtype([("series_id", "<i8"), ("ts_us", "<i8"), ("value", "<f8")])
SCHEMA = pa.schema(
    [
        ("series_id", pa.int64()),
        ("ts", pa.timestamp("us", tz="UTC")),
        ("value", pa.float64()),
    ]
)
Int64s = npt.NDArray[np.int64]
Float64s = npt.NDArray[np.float64]


class ArchiveCorrupted(IntegrityBroken):
    """An archive file does not match its manifest (altered, truncated or replaced)."""

    code = "archive_corrupted"


class ArchiveManifest(BaseModel):
    """What an archive file holds and how to check it."""

    format: Literal[1] = 1
    member_id: int
    member_siren: str
    month: str
    file: str
    sha256: str
    size: int
    rows: int
    series: int
    min_ts: datetime | None
    max_ts: datetime | None
    rows_sha256: str
    written_at: datetime


@dataclass(frozen=True, slots=True)
class ArchivedRows:
    """Readings in columns, sorted by (series_id, ts), without duplicates."""

    series_id: Int64s
    ts_us: Int64s
    value: Float64s

    @classmethod
    def of(cls, rows: Iterable[tuple[int, datetime, float]]) -> ArchivedRows:
        """Columns of ``(series_id, ts, value)`` rows, sorted and deduplicated."""
        listed = list(rows)
        return cls(
            np.fromiter((r[0] for r in listed), dtype=np.int64, count=len(listed)),
            np.fromiter((_micros(r[1]) for r in listed), dtype=np.int64, count=len(listed)),
            np.fromiter((r[2] for r in listed), dtype=np.float64, count=len(listed)),
        ).normalised()

    def __len__(self) -> int:
        return len(self.series_id)

    def normalised(self) -> ArchivedRows:
        """Sorted by (series, time); the first of two rows with the same key is kept."""
        order = np.lexsort((self.ts_us, self.series_id))
        sid, ts, value = self.series_id[order], self.ts_us[order], self.value[order]
        keep = np.ones(len(sid), dtype=bool)
        keep[1:] = (sid[1:] != sid[:-1]) | (ts[1:] != ts[:-1])
        return ArchivedRows(sid[keep], ts[keep], value[keep])

    def merged(self, other: ArchivedRows) -> ArchivedRows:
        """These rows and ``other``'s; on a duplicate key, this side's row wins."""
        return ArchivedRows(
            np.concatenate([self.series_id, other.series_id]),
            np.concatenate([self.ts_us, other.ts_us]),
            np.concatenate([self.value, other.value]),
        ).normalised()

    def checksum(self) -> str:
        """SHA-256 of the rows as little-endian (int64, int64 µs, float64) records."""
        packed = np.empty(len(self), dtype=ROW_LAYOUT)
        packed["series_id"], packed["ts_us"], packed["value"] = (
            self.series_id,
            self.ts_us,
            self.value,
        )
        return hashlib.sha256(packed.tobytes()).hexdigest()

    def rows(self) -> list[tuple[int, datetime, float]]:
        """The rows as Python tuples with aware UTC datetimes."""
        return [
            (int(s), EPOCH + int(t) * MICROSECOND, float(v))
            for s, t, v in zip(self.series_id, self.ts_us, self.value, strict=True)
        ]

    def to_arrow(self) -> pa.Table:
        return pa.Table.from_arrays(
            [
                pa.array(self.series_id, type=pa.int64()),
                pa.array(self.ts_us, type=pa.int64()).cast(pa.timestamp("us", tz="UTC")),
                pa.array(self.value, type=pa.float64()),
            ],
            schema=SCHEMA,
        )

    @classmethod
    def from_arrow(cls, table: pa.Table) -> ArchivedRows:
        return cls(
            table.column("series_id").to_numpy().astype(np.int64),
            table.column("ts").cast(pa.int64()).to_numpy().astype(np.int64),
            table.column("value").to_numpy().astype(np.float64),
        )


def _micros(ts: datetime) -> int:
    return (ts.astimezone(UTC) - EPOCH) // MICROSECOND


def rows_checksum(rows: Iterable[tuple[int, datetime, float]]) -> str:
    """The rows checksum of an archive, computed from any rows (e.g. read from the database)."""
    return ArchivedRows.of(rows).checksum()


def archive_paths(data_dir: Path, siren: str, month: Month) -> tuple[Path, Path]:
    """The Parquet file and the manifest of one member's month."""
    folder = data_dir / ARCHIVE_DIR / siren
    return folder / f"{month}.parquet", folder / f"{month}.json"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def write_archive(
    *, data_dir: Path, member_id: int, siren: str, month: Month, rows: ArchivedRows
) -> ArchiveManifest:
    """Add ``rows`` to the member's archive of ``month`` (merged with what it already holds)."""
    data_path, manifest_path = archive_paths(data_dir, siren, month)
    if manifest_path.exists():
        rows = read_archive(data_dir=data_dir, siren=siren, month=month)[1].merged(rows)
    data_path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(
        data_path, lambda tmp: pq.write_table(rows.to_arrow(), tmp, compression="zstd")
    )
    manifest = ArchiveManifest(
        member_id=member_id,
        member_siren=siren,
        month=str(month),
        file=data_path.name,
        sha256=file_sha256(data_path),
        size=data_path.stat().st_size,
        rows=len(rows),
        series=len(np.unique(rows.series_id)),
        min_ts=EPOCH + int(rows.ts_us.min()) * MICROSECOND if len(rows) else None,
        max_ts=EPOCH + int(rows.ts_us.max()) * MICROSECOND if len(rows) else None,
        rows_sha256=rows.checksum(),
        written_at=utcnow(),
    )
    body = manifest.model_dump_json(indent=2) + "\n"
    _write_atomically(manifest_path, lambda tmp: tmp.write_text(body, encoding="utf-8"))
    return manifest


def _write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, flushed, then renamed over ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    with tmp.open("rb") as stream:
        os.fsync(stream.fileno())
    tmp.replace(path)


def read_manifest(path: Path) -> ArchiveManifest:
    """The manifest at ``path``; ArchiveCorrupted if it cannot be read."""
    try:
        return ArchiveManifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ArchiveCorrupted(
            f"manifeste illisible / unreadable archive manifest {path}: {error}"
        ) from None


def verify_archive(*, data_dir: Path, siren: str, month: Month) -> ArchiveManifest:
    """The manifest, once the file's size and SHA-256 match it; ArchiveCorrupted otherwise."""
    data_path, manifest_path = archive_paths(data_dir, siren, month)
    if not manifest_path.exists():
        raise NotFound(f"aucune archive / no archive for member {siren} and month {month}")
    manifest = read_manifest(manifest_path)
    actual = file_sha256(data_path) if data_path.exists() else "missing"
    if actual != manifest.sha256:
        raise ArchiveCorrupted(
            f"ARCHIVE ALTÉRÉE, refusée / CORRUPTED ARCHIVE, refused: {data_path} has SHA-256 "
            f"{actual}, its manifest says {manifest.sha256}. Restore this file from a copy; "
            "nothing was read from it.",
            path=str(data_path),
        )
    return manifest


def read_archive(
    *, data_dir: Path, siren: str, month: Month
) -> tuple[ArchiveManifest, ArchivedRows]:
    """The manifest and rows of an archive, checked; ArchiveCorrupted on any mismatch."""
    manifest = verify_archive(data_dir=data_dir, siren=siren, month=month)
    data_path, _ = archive_paths(data_dir, siren, month)
    rows = ArchivedRows.from_arrow(pq.read_table(data_path))
    if len(rows) != manifest.rows or rows.checksum() != manifest.rows_sha256:
        raise ArchiveCorrupted(
            f"ARCHIVE INCOHÉRENTE, refusée / INCONSISTENT ARCHIVE, refused: {data_path} holds "
            f"{len(rows)} rows whose checksum differs from its manifest ({manifest.rows} rows)",
            path=str(data_path),
        )
    return manifest, rows


def list_archives(data_dir: Path, *, siren: str | None = None) -> list[ArchiveManifest]:
    """Every archive manifest under ``data_dir`` (one member's with ``siren``), by member, month."""
    root = data_dir / ARCHIVE_DIR
    pattern = f"{siren}/*.json" if siren else "*/*.json"
    return [read_manifest(path) for path in sorted(root.glob(pattern))]
