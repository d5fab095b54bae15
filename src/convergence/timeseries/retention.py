"""Retention per member: raw readings past the member's horizon are archived, then removed.

For each UTC month with expired rows, every member's expired rows are first written to its
Parquet archive (merged with what the archive holds), then removed: on PostgreSQL a month
beyond every member's horizon loses its whole partition, once the partition's row count
equals what was just archived; otherwise rows are deleted per member, and the count deleted
must equal the count archived or nothing is deleted. Rollups are never touched, so charts
keep the period. ``restore_month`` brings an archived month back, idempotently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, delete, func, select, type_coerce
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convergence.db.types import utcnow
from convergence.errors import ConvergenceError
from convergence.members.tables import members
from convergence.timeseries import partitions
from convergence.timeseries.archive import (
    ArchiveCorrupted,
    ArchivedRows,
    ArchiveManifest,
    read_archive,
    write_archive,
)
from convergence.timeseries.partitions import Month, months_between
from convergence.timeseries.tables import readings, series

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "archiving is a platform job over every member, each by its own setting"

Progress = Callable[[str], None]


class RetentionConflict(ConvergenceError):
    """Rows changed while they were archived; nothing was deleted. Run again."""

    code = "retention_conflict"
    http_status = 409


@dataclass(frozen=True, slots=True)
class MemberRetention:
    member_id: int
    siren: str
    days: int
    cutoff: datetime  # raw readings strictly before this instant are expired


@dataclass(slots=True)
class RetentionReport:
    archived: list[ArchiveManifest] = field(default_factory=list)
    archived_rows: int = 0
    deleted_rows: int = 0
    dropped_partitions: list[str] = field(default_factory=list)
    created_partitions: list[str] = field(default_factory=list)


def member_retentions(
    conn: Connection, *, default_days: int, now: datetime
) -> list[MemberRetention]:
    """The horizon of every member that has series (its own setting, else the default)."""
    owners = select(series.c.member_id).distinct()
    rows = conn.execute(
        select(members.c.id, members.c.siren, members.c.retention_days)
        .where(members.c.id.in_(owners))
        .order_by(members.c.id)
    )
    return [
        MemberRetention(r.id, r.siren, days, now - timedelta(days=days))
        for r in rows
        for days in [r.retention_days or default_days]
    ]


def oldest_reading(conn: Connection, *, member_id: int) -> datetime | None:
    """The oldest raw reading of a member, found series by series through the primary key."""
    per_series = (
        select(func.min(readings.c.ts)).where(readings.c.series_id == series.c.id).scalar_subquery()
    )
    oldest = select(func.min(per_series)).where(series.c.member_id == member_id)
    return conn.execute(select(type_coerce(oldest.scalar_subquery(), readings.c.ts.type))).scalar()


def expired_months(conn: Connection, policy: MemberRetention) -> list[Month]:
    """The months in which the member has (or may have) expired raw readings."""
    oldest = oldest_reading(conn, member_id=policy.member_id)
    if oldest is None or oldest >= policy.cutoff:
        return []
    return months_between(Month.of(oldest), Month.of(policy.cutoff - timedelta(microseconds=1)))


def _member_rows(conn: Connection, member_id: int, start: datetime, end: datetime) -> ArchivedRows:
    owned = select(series.c.id).where(series.c.member_id == member_id)
    rows = conn.execute(
        select(readings.c.series_id, readings.c.ts, readings.c.value).where(
            readings.c.series_id.in_(owned), readings.c.ts >= start, readings.c.ts < end
        )
    )
    return ArchivedRows.of((r[0], r[1], r[2]) for r in rows)


def _delete_member_rows(
    conn: Connection, member_id: int, start: datetime, end: datetime, expected: int
) -> int:
    owned = select(series.c.id).where(series.c.member_id == member_id)
    deleted = conn.execute(
        delete(readings).where(
            readings.c.series_id.in_(owned), readings.c.ts >= start, readings.c.ts < end
        )
    ).rowcount
    if deleted != expected:
        raise RetentionConflict(
            f"{deleted} lignes à supprimer au lieu des {expected} archivées : rien n'est supprimé, "
            f"relancez / {deleted} rows to delete instead of the {expected} archived (data "
            "arrived meanwhile): nothing was deleted; run again"
        )
    return deleted


def run_retention(
    engine: Engine,
    *,
    data_dir: Path,
    default_days: int,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> RetentionReport:
    """Archive then remove every member's expired raw readings; tidy and create partitions."""
    say = progress or (lambda _message: None)
    now = now or utcnow()
    report = RetentionReport()
    with engine.connect() as conn:
        policies = member_retentions(conn, default_days=default_days, now=now)
        months = {p.member_id: expired_months(conn, p) for p in policies}
    for month in sorted({m for found in months.values() for m in found}):
        concerned = [p for p in policies if month in months[p.member_id]]
        _retire_month(engine, data_dir, month, concerned, policies, report, say)
    horizon = min([p.cutoff for p in policies] + [now - timedelta(days=default_days)])
    with engine.begin() as conn:
        report.dropped_partitions += partitions.drop_empty_partitions_before(conn, horizon)
        report.created_partitions = partitions.ensure_partitions(conn, now=now)
    return report


def _retire_month(
    engine: Engine,
    data_dir: Path,
    month: Month,
    concerned: list[MemberRetention],
    policies: list[MemberRetention],
    report: RetentionReport,
    say: Progress,
) -> None:
    archived: dict[int, tuple[MemberRetention, int]] = {}
    for policy in concerned:
        end = min(month.end, policy.cutoff)
        with engine.connect() as conn:
            rows = _member_rows(conn, policy.member_id, month.start, end)
        if len(rows):
            manifest = write_archive(
                data_dir=data_dir,
                member_id=policy.member_id,
                siren=policy.siren,
                month=month,
                rows=rows,
            )
            report.archived.append(manifest)
            report.archived_rows += len(rows)
            archived[policy.member_id] = (policy, len(rows))
            say(f"{policy.siren} {month}: {len(rows)} mesures archivées / readings archived")
    with engine.begin() as conn:
        if _drop_whole_partition(conn, month, policies, sum(n for _, n in archived.values())):
            report.dropped_partitions.append(month.partition)
            report.deleted_rows += sum(n for _, n in archived.values())
            say(f"{month}: partition {month.partition} supprimée / dropped")
            return
        for policy, count in archived.values():
            end = min(month.end, policy.cutoff)
            report.deleted_rows += _delete_member_rows(
                conn, policy.member_id, month.start, end, count
            )


def _drop_whole_partition(
    conn: Connection, month: Month, policies: list[MemberRetention], archived: int
) -> bool:
    """Drop the month's partition if beyond every horizon and holding just what was archived."""
    if not partitions.is_partitioned(conn) or month not in partitions.partition_months(conn):
        return False
    if any(month.end > policy.cutoff for policy in policies):
        return False
    if partitions.partition_row_count(conn, month) != archived:
        return False
    partitions.drop_partition(conn, month)
    return True


@dataclass(frozen=True, slots=True)
class RestoreReport:
    manifest: ArchiveManifest
    inserted: int
    already_present: int
    skipped_unknown_series: int


RESTORE_CHUNK = 10_000


def restore_month(
    engine: Engine, *, data_dir: Path, member_id: int, siren: str, month: Month
) -> RestoreReport:
    """Put a member's archived month back into ``readings`` (rollups untouched); idempotent."""
    manifest, rows = read_archive(data_dir=data_dir, siren=siren, month=month)
    with engine.begin() as conn:
        known = _check_owner(conn, manifest, rows, member_id)
        wanted = [row for row in rows.rows() if row[0] in known]
        partitions.ensure_partitions_for(conn, [month.start])
        before = _count_in_month(conn, member_id, month)
        insert = dialect_insert(conn, readings).on_conflict_do_nothing()
        for start in range(0, len(wanted), RESTORE_CHUNK):
            chunk = wanted[start : start + RESTORE_CHUNK]
            conn.execute(insert, [{"series_id": s, "ts": t, "value": v} for s, t, v in chunk])
        inserted = _count_in_month(conn, member_id, month) - before
    return RestoreReport(manifest, inserted, len(wanted) - inserted, len(rows) - len(wanted))


def _check_owner(
    conn: Connection, manifest: ArchiveManifest, rows: ArchivedRows, member_id: int
) -> set[int]:
    """The archive's series that still exist; ArchiveCorrupted if one is another member's."""
    ids = sorted({int(sid) for sid in rows.series_id})
    found = conn.execute(select(series.c.id, series.c.member_id).where(series.c.id.in_(ids)))
    owners: dict[int, int] = {row.id: row.member_id for row in found}
    foreign = sorted(sid for sid, owner in owners.items() if owner != member_id)
    if foreign or manifest.member_id != member_id:
        raise ArchiveCorrupted(
            f"l'archive {manifest.member_siren}/{manifest.month} contient des séries d'un autre "
            f"adhérent / the archive holds series of another member ({foreign[:5]}); refused"
        )
    return set(owners)


def _count_in_month(conn: Connection, member_id: int, month: Month) -> int:
    owned = select(series.c.id).where(series.c.member_id == member_id)
    count: int = conn.execute(
        select(func.count()).where(
            readings.c.series_id.in_(owned),
            readings.c.ts >= month.start,
            readings.c.ts < month.end,
        )
    ).scalar_one()
    return count


def dialect_insert(conn: Connection, table: Table) -> Any:
    """INSERT of the connection's dialect, which knows ON CONFLICT DO NOTHING."""
    return pg_insert(table) if conn.dialect.name == "postgresql" else sqlite_insert(table)
