"""The life of a ticket: opened → acknowledged → restored → closed, one open per asset and problem.

A fault that comes back within the reopen window reopens the last ticket of that asset and
problem instead of opening another; the time between its restoration and its reopening was
service delivered, so it is written as a pause and does not count against the contractor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from convergence.maintenance.kinds import (
    Origin,
    PauseReason,
    Problem,
    TicketAction,
    TicketStatus,
)
from convergence.maintenance.tables import (
    OPEN_TICKET_CONDITION,
    clock_pauses,
    contract_assets,
    contracts,
    ticket_events,
    tickets,
)

UNSCOPED_REASON = (
    "the ticket lifecycle: called by the scoped use cases of service.py and by the system's "
    "opener of tickets from alerts, on rows those have already found"
)

SYSTEM_ACTOR = "system"


@dataclass(frozen=True, slots=True)
class Fault:
    """A fault seen on an asset: what, when, and the codes the equipment gave."""

    asset_id: int
    member_id: int
    problem: Problem
    ts: datetime
    title: str
    description: str
    origin: Origin = Origin.alert
    error_code: str | None = None
    vendor_error_code: str | None = None
    alert_id: int | None = None
    actor: str = SYSTEM_ACTOR


@dataclass(frozen=True, slots=True)
class Opened:
    """What ``open_or_update`` did to which ticket."""

    ticket_id: int
    action: TicketAction


def contract_for(conn: Connection, *, asset_id: int, on: datetime) -> int | None:
    """The contract covering ``asset_id`` on that day (the latest started), if any."""
    day = on.date()
    row = conn.execute(
        select(contracts.c.id)
        .join(contract_assets, contract_assets.c.contract_id == contracts.c.id)
        .where(
            contract_assets.c.asset_id == asset_id,
            contracts.c.starts_on <= day,
            (contracts.c.ends_on.is_(None)) | (contracts.c.ends_on >= day),
        )
        .order_by(contracts.c.starts_on.desc(), contracts.c.id.desc())
    ).first()
    return None if row is None else int(row.id)


def open_or_update(conn: Connection, *, fault: Fault, reopen_window: timedelta) -> Opened:
    """Update the open ticket of this asset and problem, reopen a recent one, or open one."""
    current = _find_open(conn, fault.asset_id, fault.problem)
    if current is not None:
        _update(conn, current, fault)
        return Opened(current, TicketAction.updated)
    recent = _recently_restored(conn, fault, reopen_window)
    if recent is not None:
        _reopen(conn, recent, fault)
        return Opened(recent, TicketAction.reopened)
    created = _insert(conn, fault)
    if created is None:  # a concurrent opener won the unique index: update its ticket
        return open_or_update(conn, fault=fault, reopen_window=reopen_window)
    return Opened(created, TicketAction.opened)


def restore(
    conn: Connection, *, ticket_id: int, ts: datetime, verified: bool, actor: str, note: str
) -> bool:
    """Mark an open ticket restored at ``ts`` (the time service came back); False if not open."""
    ticket = conn.execute(select(tickets).where(tickets.c.id == ticket_id)).one()
    changed = conn.execute(
        update(tickets)
        .where(tickets.c.id == ticket_id, OPEN_TICKET_CONDITION)
        .values(status=TicketStatus.resolved.value, restored_at=ts, restoration_verified=verified)
    ).rowcount
    if changed:
        end_pauses(conn, ticket_id=ticket_id, ts=ts)
        history(conn, ticket_id, ticket.member_id, ts, TicketAction.restored, actor, note)
    return bool(changed)


def end_pauses(conn: Connection, *, ticket_id: int, ts: datetime) -> None:
    """Close the ticket's running pauses at ``ts``."""
    conn.execute(
        update(clock_pauses)
        .where(clock_pauses.c.ticket_id == ticket_id, clock_pauses.c.ended_at.is_(None))
        .values(ended_at=ts)
    )


def history(
    conn: Connection,
    ticket_id: int,
    member_id: int,
    ts: datetime,
    action: TicketAction,
    actor: str,
    note: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one line to the ticket's history."""
    conn.execute(
        ticket_events.insert().values(
            ticket_id=ticket_id,
            member_id=member_id,
            ts=ts,
            action=action.value,
            actor=actor,
            note=note,
            details=details or {},
        )
    )


def _find_open(conn: Connection, asset_id: int, problem: Problem) -> int | None:
    found = conn.execute(
        select(tickets.c.id).where(
            tickets.c.asset_id == asset_id,
            tickets.c.problem == problem.value,
            OPEN_TICKET_CONDITION,
        )
    ).scalar_one_or_none()
    return None if found is None else int(found)


def _recently_restored(conn: Connection, fault: Fault, window: timedelta) -> int | None:
    row = conn.execute(
        select(tickets.c.id, tickets.c.restored_at)
        .where(
            tickets.c.asset_id == fault.asset_id,
            tickets.c.problem == fault.problem.value,
            tickets.c.restored_at.is_not(None),
        )
        .order_by(tickets.c.restored_at.desc())
        .limit(1)
    ).first()
    if row is None or fault.ts - row.restored_at > window:
        return None
    return int(row.id)


def _details(fault: Fault) -> dict[str, Any]:
    return {
        "error_code": fault.error_code,
        "vendor_error_code": fault.vendor_error_code,
        "alert_id": fault.alert_id,
    }


def _update(conn: Connection, ticket_id: int, fault: Fault) -> None:
    conn.execute(
        update(tickets)
        .where(tickets.c.id == ticket_id)
        .values(
            last_fault_at=fault.ts,
            error_code=fault.error_code or tickets.c.error_code,
            vendor_error_code=fault.vendor_error_code or tickets.c.vendor_error_code,
            alert_id=fault.alert_id or tickets.c.alert_id,
        )
    )
    history(
        conn, ticket_id, fault.member_id, fault.ts, TicketAction.updated, fault.actor,
        fault.description, _details(fault),
    )  # fmt: skip


def _reopen(conn: Connection, ticket_id: int, fault: Fault) -> None:
    restored_at = conn.execute(
        select(tickets.c.restored_at).where(tickets.c.id == ticket_id)
    ).scalar_one()
    conn.execute(
        clock_pauses.insert().values(
            ticket_id=ticket_id,
            member_id=fault.member_id,
            reason=PauseReason.restored.value,
            started_at=restored_at,
            ended_at=fault.ts,
        )
    )
    conn.execute(
        update(tickets)
        .where(tickets.c.id == ticket_id)
        .values(
            status=TicketStatus.open.value,
            restored_at=None,
            restoration_verified=False,
            closed_at=None,
            last_fault_at=fault.ts,
            reopen_count=tickets.c.reopen_count + 1,
            error_code=fault.error_code,
            vendor_error_code=fault.vendor_error_code,
            alert_id=fault.alert_id,
        )
    )
    history(
        conn, ticket_id, fault.member_id, fault.ts, TicketAction.reopened, fault.actor,
        fault.description, _details(fault),
    )  # fmt: skip


def _insert(conn: Connection, fault: Fault) -> int | None:
    insert = pg_insert(tickets) if conn.dialect.name == "postgresql" else sqlite_insert(tickets)
    statement = (
        insert.values(
            member_id=fault.member_id,
            asset_id=fault.asset_id,
            contract_id=contract_for(conn, asset_id=fault.asset_id, on=fault.ts),
            problem=fault.problem.value,
            origin=fault.origin.value,
            status=TicketStatus.open.value,
            title=fault.title[:200],
            description=fault.description,
            error_code=fault.error_code,
            vendor_error_code=fault.vendor_error_code,
            alert_id=fault.alert_id,
            opened_at=fault.ts,
            last_fault_at=fault.ts,
            restoration_verified=False,
            reopen_count=0,
            created_by=fault.actor,
        )
        .on_conflict_do_nothing(
            index_elements=["asset_id", "problem"], index_where=OPEN_TICKET_CONDITION
        )
        .returning(tickets.c.id)
    )
    ticket_id = conn.execute(statement).scalar_one_or_none()
    if ticket_id is None:
        return None
    history(
        conn, ticket_id, fault.member_id, fault.ts, TicketAction.opened, fault.actor,
        fault.description, _details(fault),
    )  # fmt: skip
    return int(ticket_id)
