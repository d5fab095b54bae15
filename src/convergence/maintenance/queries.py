"""Read side of maintenance: contracts, tickets with their clocks, histories. Always scoped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, select

from convergence.errors import NotFound
from convergence.maintenance.access import contract_clause, ticket_clause
from convergence.maintenance.clocks import Interval
from convergence.maintenance.kinds import TicketStatus
from convergence.maintenance.schemas import (
    ClockOut,
    ContractorOut,
    ContractOut,
    ExclusionOut,
    TicketEventOut,
    TicketOut,
)
from convergence.maintenance.sla import Clock, Terms, ticket_sla
from convergence.maintenance.tables import (
    clock_pauses,
    contract_assets,
    contractors,
    contracts,
    exclusions,
    ticket_events,
    tickets,
)
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets

UNSCOPED = {
    "holes": "the pauses and exclusions of a ticket read through the caller's scope",
    "ticket_out": "the contract of a ticket row read through the caller's scope",
}

TicketRow = Row[Any]
LIST_LIMIT = 500


def readable_assets(scope: MemberScope) -> ColumnElement[bool]:
    """Assets the caller may read."""
    return member_clause(scope, assets.c.member_id)


def get_contractor(conn: Connection, *, contractor_id: int) -> ContractorOut:
    """A contractor (companies are not member data: their name and contact are shared)."""
    row = conn.execute(select(contractors).where(contractors.c.id == contractor_id)).first()
    if row is None:
        raise NotFound(f"prestataire {contractor_id} introuvable / contractor not found")
    return ContractorOut.model_validate(row._asdict())


def list_contractors(conn: Connection) -> list[ContractorOut]:
    rows = conn.execute(select(contractors).order_by(contractors.c.name))
    return [ContractorOut.model_validate(r._asdict()) for r in rows]


def _contracts_query(conn: Connection, scope: MemberScope) -> Select[Any]:
    return (
        select(contracts, contractors.c.name.label("contractor_name"))
        .join(contractors, contractors.c.id == contracts.c.contractor_id)
        .where(contract_clause(conn, scope))
    )


def _contract_out(conn: Connection, row: Row[Any]) -> ContractOut:
    asset_ids = conn.execute(
        select(contract_assets.c.asset_id)
        .where(contract_assets.c.contract_id == row.id)
        .order_by(contract_assets.c.asset_id)
    ).scalars()
    return ContractOut.model_validate(row._asdict() | {"asset_ids": list(asset_ids)})


def get_contract(conn: Connection, *, scope: MemberScope, contract_id: int) -> ContractOut:
    row = conn.execute(_contracts_query(conn, scope).where(contracts.c.id == contract_id)).first()
    if row is None:
        raise NotFound(f"contrat {contract_id} introuvable / contract {contract_id} not found")
    return _contract_out(conn, row)


def list_contracts(conn: Connection, *, scope: MemberScope) -> list[ContractOut]:
    rows = conn.execute(_contracts_query(conn, scope).order_by(contracts.c.id)).all()
    return [_contract_out(conn, r) for r in rows]


def ticket_row(conn: Connection, *, scope: MemberScope, ticket_id: int) -> TicketRow:
    """The ticket's row if the caller may read it; NotFound otherwise (no existence leak)."""
    row = conn.execute(
        select(tickets).where(tickets.c.id == ticket_id, ticket_clause(conn, scope))
    ).first()
    if row is None:
        raise NotFound(f"ticket {ticket_id} introuvable / ticket {ticket_id} not found")
    return row


def holes(conn: Connection, *, ticket_id: int, now: datetime) -> list[Interval]:
    """The pauses (a running one up to ``now``) and agreed exclusions of a ticket."""
    pauses = conn.execute(
        select(clock_pauses.c.started_at, clock_pauses.c.ended_at).where(
            clock_pauses.c.ticket_id == ticket_id
        )
    ).all()
    excluded = conn.execute(
        select(exclusions.c.started_at, exclusions.c.ended_at).where(
            exclusions.c.ticket_id == ticket_id
        )
    ).all()
    found = [(p.started_at, p.ended_at or now) for p in pauses]
    return found + [(e.started_at, e.ended_at) for e in excluded]


def _tickets_query(conn: Connection, scope: MemberScope) -> Select[Any]:
    return (
        select(tickets, assets.c.name.label("asset_name"))
        .join(assets, assets.c.id == tickets.c.asset_id)
        .where(ticket_clause(conn, scope))
    )


def _clock_out(clock: Clock) -> ClockOut:
    return ClockOut(
        elapsed_min=round(clock.elapsed_s / 60, 2),
        delay_min=clock.delay_s / 60,
        due_at=clock.due_at,
        late_min=round(clock.late_s / 60, 2),
        stopped=clock.stopped,
    )


def ticket_out(conn: Connection, row: Row[Any], *, now: datetime) -> TicketOut:
    """A ticket with its clocks under its contract (none without a contract)."""
    out = TicketOut.model_validate(row._asdict())
    if row.contract_id is None:
        return out
    contract = conn.execute(select(contracts).where(contracts.c.id == row.contract_id)).one()
    sla = ticket_sla(
        terms=Terms.from_row(contract),
        opened_at=row.opened_at,
        acknowledged_at=row.acknowledged_at,
        restored_at=row.restored_at,
        holes=holes(conn, ticket_id=row.id, now=now),
        now=now,
    )
    return out.model_copy(
        update={
            "intervention": _clock_out(sla.intervention),
            "restoration": _clock_out(sla.restoration),
            "penalty_cents": sla.penalty_cents,
        }
    )


def get_ticket(conn: Connection, *, scope: MemberScope, ticket_id: int, now: datetime) -> TicketOut:
    row = conn.execute(_tickets_query(conn, scope).where(tickets.c.id == ticket_id)).first()
    if row is None:
        raise NotFound(f"ticket {ticket_id} introuvable / ticket {ticket_id} not found")
    return ticket_out(conn, row, now=now)


def select_tickets(
    conn: Connection,
    *,
    scope: MemberScope,
    status: TicketStatus | None = None,
    asset_id: int | None = None,
) -> Select[Any]:
    """The statement of the tickets the caller may read, by status and asset."""
    query = _tickets_query(conn, scope)
    if status is not None:
        query = query.where(tickets.c.status == status.value)
    if asset_id is not None:
        query = query.where(tickets.c.asset_id == asset_id)
    return query


def select_ticket_history(conn: Connection, *, scope: MemberScope, ticket_id: int) -> Select[Any]:
    """The statement of a ticket's events; NotFound when the caller does not read the ticket."""
    ticket_row(conn, scope=scope, ticket_id=ticket_id)
    return select(ticket_events).where(ticket_events.c.ticket_id == ticket_id)


def ticket_event_out(row: Row[Any]) -> TicketEventOut:
    return TicketEventOut.model_validate(row._asdict())


def list_tickets(
    conn: Connection,
    *,
    scope: MemberScope,
    now: datetime,
    status: TicketStatus | None = None,
    asset_id: int | None = None,
) -> list[TicketOut]:
    """Tickets the caller may read, newest first."""
    query = _tickets_query(conn, scope).order_by(tickets.c.opened_at.desc()).limit(LIST_LIMIT)
    if status is not None:
        query = query.where(tickets.c.status == status.value)
    if asset_id is not None:
        query = query.where(tickets.c.asset_id == asset_id)
    return [ticket_out(conn, r, now=now) for r in conn.execute(query).all()]


def ticket_history(conn: Connection, *, scope: MemberScope, ticket_id: int) -> list[TicketEventOut]:
    ticket_row(conn, scope=scope, ticket_id=ticket_id)
    rows = conn.execute(
        select(ticket_events)
        .where(ticket_events.c.ticket_id == ticket_id)
        .order_by(ticket_events.c.id)
    )
    return [TicketEventOut.model_validate(r._asdict()) for r in rows]


def list_exclusions(conn: Connection, *, scope: MemberScope, ticket_id: int) -> list[ExclusionOut]:
    """The agreed exclusions of a ticket the caller reads, with their evidence, oldest first."""
    found = conn.execute(
        select(tickets.c.id).where(tickets.c.id == ticket_id, ticket_clause(conn, scope))
    ).first()
    if found is None:
        raise NotFound(f"ticket {ticket_id} introuvable / ticket {ticket_id} not found")
    rows = conn.execute(
        select(exclusions).where(exclusions.c.ticket_id == ticket_id).order_by(exclusions.c.id)
    )
    return [ExclusionOut.model_validate(row._asdict()) for row in rows]
