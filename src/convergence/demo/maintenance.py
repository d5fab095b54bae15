"""Demonstration data of the maintenance line: a contract, closed, open and late tickets.

Called for each demo member through the line's ``demo`` hook: the member's charge points get
a maintenance contract (business hours, 4 h to intervene, 8 h to restore, 50 € per started
hour late, 98 % availability promised) and three tickets: one closed on time, one restored
late (penalties), one still open.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, select, update

from convergence.db.types import utcnow
from convergence.demo.catalogue import CONTRACTOR_AGENT
from convergence.maintenance import queries, service
from convergence.maintenance.kinds import Origin, Problem, TicketAction, TicketStatus
from convergence.maintenance.schemas import ContractCreate, ContractorCreate
from convergence.maintenance.tables import contracts, tickets
from convergence.maintenance.tickets import Fault, history, open_or_update, restore
from convergence.members.scope import MemberScope, command_line_scope
from convergence.members.tables import users
from convergence.paris_time import PARIS
from convergence.registry.kinds import AssetKind
from convergence.registry.tables import assets

CONTRACTOR = "Bornes Services Île-de-France"
WINDOW = timedelta(hours=24)


def add_maintenance_demo(conn: Connection, *, scope: MemberScope) -> None:
    """A contract and three tickets for the member's charge points (once)."""
    member_id = scope.member_id
    points = list(conn.execute(
        select(assets.c.id).where(assets.c.member_id == member_id,
                                  assets.c.kind == AssetKind.charge_point.value)
        .order_by(assets.c.id)
    ).scalars())  # fmt: skip
    exists = conn.execute(select(contracts.c.id).where(contracts.c.member_id == member_id))
    if not points or exists.first() is not None:
        return
    system, now = command_line_scope("demo"), utcnow()
    _contract(conn, system, member_id, points, now)
    _tickets(conn, member_id, points, now)


def _contract(
    conn: Connection, system: MemberScope, member_id: int, points: list[int], now: datetime
) -> int:
    found = [c for c in queries.list_contractors(conn) if c.name == CONTRACTOR]
    company = found[0] if found else service.create_contractor(
        conn, scope=system, now=now,
        data=ContractorCreate(name=CONTRACTOR, email="astreinte@bornes-services.example"),
    )  # fmt: skip
    data = ContractCreate(
        member_id=member_id, contractor_id=company.id, reference=f"IRVE-MAINT-{member_id:03d}",
        title="Maintenance des bornes de recharge", intervention_delay_min=240,
        restoration_delay_min=480, penalty_per_hour_eur=50, availability_target_pct=98,
        starts_on=date(now.year - 1, 1, 1), asset_ids=points,
    )  # fmt: skip
    agent = conn.execute(
        select(users.c.id).where(users.c.email == CONTRACTOR_AGENT, users.c.role == "contractor")
    ).scalar_one_or_none()
    if agent is not None:
        service.link_contractor_user(conn, scope=system, contractor_id=company.id, user_id=agent)
    return service.create_contract(conn, scope=system, data=data, now=now).id


def _at(days_ago: int, hour: int, now: datetime) -> datetime:
    day = now.astimezone(PARIS).date() - timedelta(days=days_ago)
    while day.weekday() >= 5:  # the demo's faults happen on working days
        day -= timedelta(days=1)
    return datetime.combine(day, time(hour), PARIS).astimezone(UTC)


def _tickets(conn: Connection, member_id: int, points: list[int], now: datetime) -> None:
    first, second, third = (points * 3)[:3]
    on_time = _open(conn, member_id, first, Problem.charge_point_fault, _at(12, 9, now))
    _ack(conn, on_time, _at(12, 10, now))
    restore(conn, ticket_id=on_time, ts=_at(12, 14, now), verified=True, actor="system",
            note="la borne signale de nouveau « Available »")  # fmt: skip
    conn.execute(update(tickets).where(tickets.c.id == on_time)
                 .values(status=TicketStatus.closed.value, closed_at=_at(12, 16, now)))  # fmt: skip
    late = _open(conn, member_id, second, Problem.heartbeat_lost, _at(6, 9, now))
    _ack(conn, late, _at(6, 16, now))  # 7 h: 3 h late on the 4 h intervention delay
    restore(conn, ticket_id=late, ts=_at(5, 17, now), verified=True, actor="system",
            note="la borne est de nouveau joignable")  # fmt: skip
    _open(conn, member_id, third, Problem.sessions_failing, now - timedelta(hours=2))


def _open(conn: Connection, member_id: int, asset_id: int, problem: Problem, ts: datetime) -> int:
    fault = Fault(asset_id=asset_id, member_id=member_id, problem=problem, ts=ts,
                  title=f"Démonstration : {problem.value}", description="ticket de démonstration",
                  origin=Origin.alert, error_code="GroundFailure"
                  if problem is Problem.charge_point_fault else None)  # fmt: skip
    return open_or_update(conn, fault=fault, reopen_window=WINDOW).ticket_id


def _ack(conn: Connection, ticket_id: int, ts: datetime) -> None:
    member_id = conn.execute(
        select(tickets.c.member_id).where(tickets.c.id == ticket_id)
    ).scalar_one()
    conn.execute(update(tickets).where(tickets.c.id == ticket_id)
                 .values(status=TicketStatus.acknowledged.value, acknowledged_at=ts))  # fmt: skip
    history(conn, ticket_id, member_id, ts, TicketAction.acknowledged, "demo", "prise en charge")
