"""Use cases of maintenance: contractors, contracts, tickets by hand, clocks, exclusions.

Every use case takes the caller's member scope and checks it first; the ticket opener fed by
alerts (``faults.sync_tickets``) runs as the system, over every member, by design.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from convergence.db.inserts import insert_one
from convergence.errors import Conflict, InvalidInput, NotFound
from convergence.maintenance import notify, queries
from convergence.maintenance.access import require_member_writer, require_ticket_worker
from convergence.maintenance.faults import SyncOutcome, sync_tickets
from convergence.maintenance.flagged import sync_flagged
from convergence.maintenance.interventions import closure_proposed_at
from convergence.maintenance.kinds import (
    OPEN_STATUSES,
    Origin,
    PauseReason,
    TicketAction,
    TicketStatus,
)
from convergence.maintenance.schemas import (
    ContractCreate,
    ContractorCreate,
    ContractorOut,
    ContractOut,
    ExclusionCreate,
    TicketCreate,
    TicketOut,
)
from convergence.maintenance.tables import (
    clock_pauses,
    contract_assets,
    contractor_users,
    contractors,
    contracts,
    exclusions,
    tickets,
)
from convergence.maintenance.tickets import Fault, end_pauses, history, open_or_update, restore
from convergence.members import audit
from convergence.members.roles import Role
from convergence.members.scope import MemberScope, require_admin, require_operator, require_write
from convergence.members.tables import users
from convergence.registry.tables import assets


def create_contractor(
    conn: Connection, *, scope: MemberScope, data: ContractorCreate, now: datetime
) -> ContractorOut:
    """Register a maintenance company (operator administrators: contractors serve many members)."""
    require_operator(scope)
    if conn.execute(select(contractors.c.id).where(contractors.c.name == data.name)).first():
        raise Conflict(f"le prestataire « {data.name} » existe déjà / contractor already exists")
    contractor_id = insert_one(
        conn, contractors, name=data.name, email=str(data.email), phone=data.phone, created_at=now
    )
    audit.record(conn, actor=scope.actor, action="maintenance.contractor.create",
                 target=f"contractor:{contractor_id}", details={"name": data.name})  # fmt: skip
    return queries.get_contractor(conn, contractor_id=contractor_id)


def create_contract(
    conn: Connection, *, scope: MemberScope, data: ContractCreate, now: datetime
) -> ContractOut:
    """Tie a contractor to a member's assets with delays and penalties (administrators)."""
    require_admin(scope)
    member_id = data.member_id or scope.member_id
    require_write(scope, member_id)
    queries.get_contractor(conn, contractor_id=data.contractor_id)
    _check_assets(conn, member_id=member_id, asset_ids=data.asset_ids)
    contract_id = insert_one(
        conn,
        contracts,
        member_id=member_id,
        contractor_id=data.contractor_id,
        reference=data.reference,
        title=data.title,
        hours_basis=data.hours_basis.value,
        day_start_min=data.day_start.hour * 60 + data.day_start.minute,
        day_end_min=data.day_end.hour * 60 + data.day_end.minute,
        intervention_delay_min=data.intervention_delay_min,
        restoration_delay_min=data.restoration_delay_min,
        penalty_per_hour_cents=round(data.penalty_per_hour_eur * 100),
        penalty_cap_cents=None
        if data.penalty_cap_eur is None
        else round(data.penalty_cap_eur * 100),
        availability_target_pct=data.availability_target_pct,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_by=scope.actor,
        created_at=now,
    )
    for asset_id in sorted(set(data.asset_ids)):
        conn.execute(contract_assets.insert().values(
            contract_id=contract_id, asset_id=asset_id, member_id=member_id))  # fmt: skip
    audit.record(
        conn,
        actor=scope.actor,
        action="maintenance.contract.create",
        member_id=member_id,
        target=f"contract:{contract_id}",
        details={"reference": data.reference},
    )
    return queries.get_contract(conn, scope=scope, contract_id=contract_id)


def _check_assets(conn: Connection, *, member_id: int, asset_ids: list[int]) -> None:
    if not asset_ids:
        return
    found = set(
        conn.execute(
            select(assets.c.id).where(assets.c.id.in_(asset_ids), assets.c.member_id == member_id)
        ).scalars()
    )
    missing = sorted(set(asset_ids) - found)
    if missing:
        raise InvalidInput(
            f"équipements inconnus de cet adhérent : {missing} / assets not found for this "
            "member: a contract covers only its member's own equipment"
        )


def open_ticket(
    conn: Connection, *, scope: MemberScope, data: TicketCreate, now: datetime,
    reopen_window: timedelta, origin: Origin = Origin.manual,
) -> TicketOut:  # fmt: skip
    """Open (or add to) the ticket of an asset by hand; technicians and administrators."""
    member_id = _asset_member(conn, scope=scope, asset_id=data.asset_id)
    require_member_writer(scope, member_id)
    fault = Fault(
        asset_id=data.asset_id, member_id=member_id, problem=data.problem, ts=now,
        title=data.title, description=data.description or data.title, origin=origin,
        actor=scope.actor,
    )  # fmt: skip
    opened = open_or_update(conn, fault=fault, reopen_window=reopen_window)
    notify.queue_ticket_notice(conn, ticket_id=opened.ticket_id, action=opened.action, now=now)
    return queries.get_ticket(conn, scope=scope, ticket_id=opened.ticket_id, now=now)


def _asset_member(conn: Connection, *, scope: MemberScope, asset_id: int) -> int:
    member_id = conn.execute(
        select(assets.c.member_id).where(assets.c.id == asset_id, queries.readable_assets(scope))
    ).scalar_one_or_none()
    if member_id is None:
        raise NotFound(f"équipement {asset_id} introuvable / asset {asset_id} not found")
    return int(member_id)


def acknowledge_ticket(
    conn: Connection, *, scope: MemberScope, ticket_id: int, now: datetime, note: str = ""
) -> TicketOut:
    """Take a ticket in hand (its contractor, or the member): the intervention clock stops."""
    ticket = queries.ticket_row(conn, scope=scope, ticket_id=ticket_id)
    require_ticket_worker(scope, ticket.member_id)
    changed = conn.execute(
        update(tickets)
        .where(tickets.c.id == ticket_id, tickets.c.status == TicketStatus.open.value)
        .values(status=TicketStatus.acknowledged.value, acknowledged_at=now)
    ).rowcount
    if not changed:
        raise Conflict("ce ticket n'attend pas de prise en charge / ticket is not open")
    history(conn, ticket_id, ticket.member_id, now, TicketAction.acknowledged, scope.actor,
            note or "prise en charge")  # fmt: skip
    return queries.get_ticket(conn, scope=scope, ticket_id=ticket_id, now=now)


def pause_ticket(
    conn: Connection, *, scope: MemberScope, ticket_id: int, now: datetime, note: str
) -> TicketOut:
    """Stop the clocks while the member must act (site access, a decision, a part to order)."""
    ticket = _writable_ticket(conn, scope=scope, ticket_id=ticket_id)
    if TicketStatus(ticket.status) not in OPEN_STATUSES - {TicketStatus.waiting_member}:
        raise Conflict("ce ticket ne peut pas être mis en attente / ticket cannot be paused")
    conn.execute(clock_pauses.insert().values(
        ticket_id=ticket_id, member_id=ticket.member_id,
        reason=PauseReason.waiting_member.value, started_at=now))  # fmt: skip
    conn.execute(update(tickets).where(tickets.c.id == ticket_id)
                 .values(status=TicketStatus.waiting_member.value))  # fmt: skip
    history(conn, ticket_id, ticket.member_id, now, TicketAction.paused, scope.actor, note)
    return queries.get_ticket(conn, scope=scope, ticket_id=ticket_id, now=now)


def resume_ticket(
    conn: Connection, *, scope: MemberScope, ticket_id: int, now: datetime, note: str = ""
) -> TicketOut:
    """The member did its part: the clocks run again."""
    ticket = _writable_ticket(conn, scope=scope, ticket_id=ticket_id)
    if ticket.status != TicketStatus.waiting_member.value:
        raise Conflict("ce ticket n'est pas en attente / ticket is not waiting on the member")
    end_pauses(conn, ticket_id=ticket_id, ts=now)
    status = TicketStatus.acknowledged if ticket.acknowledged_at else TicketStatus.open
    conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(status=status.value))
    history(conn, ticket_id, ticket.member_id, now, TicketAction.resumed, scope.actor,
            note or "reprise")  # fmt: skip
    return queries.get_ticket(conn, scope=scope, ticket_id=ticket_id, now=now)


def record_exclusion(
    conn: Connection, *, scope: MemberScope, ticket_id: int, data: ExclusionCreate, now: datetime
) -> TicketOut:
    """Exclude a proven period (grid outage, vandalism, force majeure) from the delays."""
    ticket = _writable_ticket(conn, scope=scope, ticket_id=ticket_id)
    require_admin(scope)
    insert_one(
        conn, exclusions, ticket_id=ticket_id, member_id=ticket.member_id,
        reason=data.reason.value, started_at=data.started_at, ended_at=data.ended_at,
        evidence=data.evidence, recorded_by=scope.actor, recorded_at=now,
    )  # fmt: skip
    history(conn, ticket_id, ticket.member_id, now, TicketAction.excluded, scope.actor,
            f"{data.reason.value} : {data.evidence}")  # fmt: skip
    audit.record(conn, actor=scope.actor, action="maintenance.exclusion.create",
                 member_id=ticket.member_id, target=f"ticket:{ticket_id}",
                 details={"reason": data.reason.value})  # fmt: skip
    return queries.get_ticket(conn, scope=scope, ticket_id=ticket_id, now=now)


def restore_by_hand(
    conn: Connection, *, scope: MemberScope, ticket_id: int, now: datetime, note: str
) -> TicketOut:
    """Declare service restored without telemetry (equipment that reports nothing)."""
    ticket = _writable_ticket(conn, scope=scope, ticket_id=ticket_id)
    if not restore(conn, ticket_id=ticket.id, ts=now, verified=False, actor=scope.actor, note=note):
        raise Conflict("ce ticket n'est pas ouvert / ticket is not open")
    return queries.get_ticket(conn, scope=scope, ticket_id=ticket_id, now=now)


def close_ticket(
    conn: Connection, *, scope: MemberScope, ticket_id: int, now: datetime, note: str = ""
) -> TicketOut:
    """Close a restored ticket (the member accepts the work)."""
    ticket = _writable_ticket(conn, scope=scope, ticket_id=ticket_id)
    proposed = closure_proposed_at(conn, ticket_id=ticket_id)
    if TicketStatus(ticket.status) in OPEN_STATUSES and proposed is not None:
        # Equipment that reports nothing: the contractor's word, accepted by the member.
        note_restored = "rétablissement déclaré par le prestataire, accepté par l'adhérent"
        restore(conn, ticket_id=ticket_id, ts=proposed, verified=False, actor=scope.actor,
                note=note_restored)  # fmt: skip
    changed = conn.execute(
        update(tickets)
        .where(tickets.c.id == ticket_id, tickets.c.status == TicketStatus.resolved.value)
        .values(status=TicketStatus.closed.value, closed_at=now)
    ).rowcount
    if not changed:
        raise Conflict(
            "seul un ticket rétabli, ou dont le prestataire propose la clôture, se clôt / only "
            "a restored ticket, or one whose contractor proposed closure, can be closed"
        )
    history(conn, ticket_id, ticket.member_id, now, TicketAction.closed, scope.actor,
            note or "clôturé")  # fmt: skip
    return queries.get_ticket(conn, scope=scope, ticket_id=ticket_id, now=now)


def _writable_ticket(conn: Connection, *, scope: MemberScope, ticket_id: int) -> queries.TicketRow:
    ticket = queries.ticket_row(conn, scope=scope, ticket_id=ticket_id)
    require_member_writer(scope, ticket.member_id)
    return ticket


def sync_from_alerts(conn: Connection, *, reopen_window: timedelta, now: datetime) -> SyncOutcome:
    """Open, reopen and restore tickets from the alerts' history; queue the contractors' e-mails."""
    return _queue_notices(conn, sync_tickets(conn, reopen_window=reopen_window), now)


def sync_from_flags(conn: Connection, *, reopen_window: timedelta, now: datetime) -> SyncOutcome:
    """Tickets of the assets flagged faulty by their status or their data; the e-mails."""
    return _queue_notices(conn, sync_flagged(conn, now=now, reopen_window=reopen_window), now)


def _queue_notices(conn: Connection, outcome: SyncOutcome, now: datetime) -> SyncOutcome:
    notices = [(i, TicketAction.opened) for i in outcome.opened]
    notices += [(i, TicketAction.reopened) for i in outcome.reopened]
    notices += [(i, TicketAction.restored) for i in outcome.restored]
    for ticket_id, action in notices:
        queued = notify.queue_ticket_notice(conn, ticket_id=ticket_id, action=action, now=now)
        if queued is not None:
            outcome.deliveries.append(queued)
    return outcome


def link_contractor_user(
    conn: Connection, *, scope: MemberScope, contractor_id: int, user_id: int
) -> None:
    """Make a user with the ``contractor`` role an agent of a company (operator administrators)."""
    require_operator(scope)
    queries.get_contractor(conn, contractor_id=contractor_id)
    role = conn.execute(select(users.c.role).where(users.c.id == user_id)).scalar_one_or_none()
    if role is None:
        raise NotFound(f"utilisateur {user_id} introuvable / user not found")
    if role != Role.contractor.value:
        raise InvalidInput(
            "seul un compte au rôle « prestataire » se rattache à un prestataire / only a user "
            "with the contractor role can be tied to a contractor"
        )
    conn.execute(contractor_users.delete().where(contractor_users.c.user_id == user_id))
    conn.execute(contractor_users.insert().values(user_id=user_id, contractor_id=contractor_id))
    audit.record(conn, actor=scope.actor, action="maintenance.contractor.user",
                 target=f"user:{user_id}", details={"contractor_id": contractor_id})  # fmt: skip
