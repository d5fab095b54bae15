"""Read side of ingestion: dead letters, discovered devices; every query takes a member scope.

Dead letters without a member (an MQTT feed not tied to an integration) are the operator's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, Select, func, select

from convergence.errors import NotFound
from convergence.ingest.deadletters import device_key
from convergence.ingest.envelope import UNKNOWN_DEVICE, Status
from convergence.ingest.schemas import (
    DeadLetterFilters,
    DeadLetterOut,
    DeadLetterSelection,
    DiscoveredDevice,
    raw_views,
)
from convergence.ingest.tables import dead_letters
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.schemas import OffsetWindow


def dead_letter_out(row: Row[Any]) -> DeadLetterOut:
    values = {k: v for k, v in row._asdict().items() if k not in {"raw", "digest"}}
    return DeadLetterOut.model_validate(values | raw_views(row.raw))


def get_dead_letter(conn: Connection, *, scope: MemberScope, dead_letter_id: int) -> DeadLetterOut:
    """One dead letter the scope may read; NotFound otherwise."""
    row = conn.execute(
        select(dead_letters).where(
            dead_letters.c.id == dead_letter_id, member_clause(scope, dead_letters.c.member_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"message {dead_letter_id} introuvable / dead letter not found")
    return dead_letter_out(row)


def list_dead_letters(
    conn: Connection, *, scope: MemberScope, filters: DeadLetterFilters
) -> OffsetWindow[DeadLetterOut]:
    """A page of dead letters, newest first."""
    query = _filtered(scope, filters)
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(
        query.order_by(dead_letters.c.id.desc()).limit(filters.limit).offset(filters.offset)
    )
    return OffsetWindow[DeadLetterOut](
        items=[dead_letter_out(r) for r in rows],
        total=total,
        limit=filters.limit,
        offset=filters.offset,
    )


def pending_with_reason(conn: Connection, *, scope: MemberScope, reason_code: str) -> list[int]:
    """Ids of the pending dead letters refused for ``reason_code``, oldest first."""
    query = select(dead_letters.c.id).where(
        member_clause(scope, dead_letters.c.member_id),
        dead_letters.c.status == Status.pending.value,
        dead_letters.c.reason_code == reason_code,
    )
    return list(conn.execute(query.order_by(dead_letters.c.id)).scalars())


def select_dead_letters(*, scope: MemberScope, filters: DeadLetterSelection) -> Select[Any]:
    """The statement of the dead letters the scope may read, filtered."""
    return _filtered(scope, filters)


def _filtered(scope: MemberScope, filters: DeadLetterSelection) -> Select[Any]:
    query = select(dead_letters).where(member_clause(scope, dead_letters.c.member_id))
    equalities: dict[Any, Any] = {
        dead_letters.c.status: filters.status.value if filters.status else None,
        dead_letters.c.reason_code: filters.reason_code,
        dead_letters.c.source: filters.source.value if filters.source else None,
        dead_letters.c.device_ref: device_key(filters.device),
        dead_letters.c.member_id: filters.member_id,
    }
    for column, value in equalities.items():
        if value is not None:
            query = query.where(column == value)
    return query


def list_discovered_devices(conn: Connection, *, scope: MemberScope) -> list[DiscoveredDevice]:
    """Devices that sent data before being registered, most recently heard first."""
    groups = conn.execute(_discovered(scope)).all()
    samples = _samples(conn, [g.sample_id for g in groups])
    found = [
        DiscoveredDevice(
            member_id=g.member_id,
            device_ref=g.device_ref,
            first_seen=g.first_seen,
            last_seen=g.last_seen,
            messages=int(g.messages),
            sample=samples[g.sample_id],
        )
        for g in groups
    ]
    return sorted(found, key=lambda d: d.last_seen, reverse=True)


def _discovered(scope: MemberScope) -> Select[Any]:
    """Pending "unknown device" dead letters, one row per (member, device)."""
    return (
        select(
            dead_letters.c.member_id,
            dead_letters.c.device_ref,
            func.min(dead_letters.c.received_at).label("first_seen"),
            func.max(dead_letters.c.last_received_at).label("last_seen"),
            func.sum(dead_letters.c.times_received).label("messages"),
            func.max(dead_letters.c.id).label("sample_id"),
        )
        .where(
            dead_letters.c.status == Status.pending.value,
            dead_letters.c.reason_code == UNKNOWN_DEVICE,
            dead_letters.c.device_ref.is_not(None),
            member_clause(scope, dead_letters.c.member_id),
        )
        .group_by(dead_letters.c.member_id, dead_letters.c.device_ref)
    )


def _samples(conn: Connection, ids: list[int]) -> dict[int, DeadLetterOut]:
    samples: dict[int, DeadLetterOut] = {}
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            select(dead_letters).where(dead_letters.c.id.in_(ids[start : start + 500]))
        )
        samples.update({row.id: dead_letter_out(row) for row in rows})
    return samples
