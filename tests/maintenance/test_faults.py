"""Tickets opened, updated, reopened and restored by the faults themselves (through alerts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from convergence.alerts.tables import alert_deliveries
from convergence.maintenance.kinds import Problem, TicketAction, TicketStatus
from convergence.maintenance.queries import list_tickets, ticket_history
from convergence.maintenance.schemas import TicketOut
from convergence.members.scope import command_line_scope
from convergence.paris_time import PARIS
from tests.maintenance.planting import charge_point, contract, status
from tests.support import Territory


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


def tickets_of(engine: Engine, asset_id: int, now: datetime) -> list[TicketOut]:
    with engine.connect() as conn:
        return list_tickets(conn, scope=command_line_scope(), now=now, asset_id=asset_id)


def test_a_fault_opens_one_ticket_with_its_codes_and_availability_restores_it(
    engine: Engine, territory: Territory
) -> None:
    asset_id = charge_point(engine, territory.versailles, "CP-M1")
    contract(engine, territory.versailles, [asset_id])
    fault_at, back_at = paris(2026, 5, 7, 16, 30), paris(2026, 5, 11, 10, 15)
    status(engine, territory.versailles, asset_id, fault_at, "Faulted",
           error_code="GroundFailure", vendor_error_code="E-0042")  # fmt: skip
    [ticket] = tickets_of(engine, asset_id, fault_at)
    assert (ticket.problem, ticket.status) == (Problem.charge_point_fault, TicketStatus.open)
    assert (ticket.error_code, ticket.vendor_error_code) == ("GroundFailure", "E-0042")
    assert ticket.opened_at == fault_at
    assert ticket.contract_id is not None

    status(engine, territory.versailles, asset_id, back_at, "Available")
    [ticket] = tickets_of(engine, asset_id, back_at + timedelta(days=3))
    assert ticket.status is TicketStatus.resolved
    assert ticket.restoration_verified
    assert ticket.restored_at == back_at
    # Business hours 08:00-18:00: Thursday 90 min + Friday 8 May (holiday) 0 + weekend 0 +
    # Monday 135 min = 225 min, within the 480 min restoration delay.
    assert ticket.restoration is not None
    assert ticket.restoration.elapsed_min == 225
    assert ticket.restoration.stopped
    assert ticket.restoration.late_min == 0
    # Never acknowledged: the 4 h intervention delay ran out Monday 10:30, and the clock
    # still runs (3 more business days after Monday's 135 min).
    assert ticket.intervention is not None
    assert not ticket.intervention.stopped
    assert ticket.intervention.due_at == paris(2026, 5, 11, 10, 30)


def test_a_recurrence_within_the_window_reopens_instead_of_duplicating(
    engine: Engine, territory: Territory
) -> None:
    asset_id = charge_point(engine, territory.versailles, "CP-M2")
    contract(engine, territory.versailles, [asset_id])
    t = paris(2026, 6, 2, 9, 0)
    status(engine, territory.versailles, asset_id, t, "Faulted", error_code="GroundFailure")
    status(engine, territory.versailles, asset_id, t + timedelta(hours=1), "Available")
    status(engine, territory.versailles, asset_id, t + timedelta(hours=3), "Faulted",
           error_code="OverCurrentFailure")  # fmt: skip
    [ticket] = tickets_of(engine, asset_id, t + timedelta(hours=4))
    assert ticket.status is TicketStatus.open
    assert ticket.reopen_count == 1
    assert ticket.error_code == "OverCurrentFailure"
    assert ticket.restored_at is None
    status(engine, territory.versailles, asset_id, t + timedelta(hours=5), "Available")
    [ticket] = tickets_of(engine, asset_id, t + timedelta(hours=6))
    # The two hours in service between restoration and recurrence do not count: 1 h + 2 h.
    assert ticket.restoration is not None
    assert ticket.restoration.elapsed_min == 180
    with engine.connect() as conn:
        actions = [e.action for e in ticket_history(conn, scope=command_line_scope(),
                                                     ticket_id=ticket.id)]  # fmt: skip
    assert actions == [
        TicketAction.opened, TicketAction.restored, TicketAction.reopened, TicketAction.restored
    ]  # fmt: skip


def test_a_recurrence_after_the_window_opens_a_new_ticket(
    engine: Engine, territory: Territory
) -> None:
    asset_id = charge_point(engine, territory.versailles, "CP-M3")
    t = paris(2026, 6, 2, 9, 0)
    status(engine, territory.versailles, asset_id, t, "Faulted")
    status(engine, territory.versailles, asset_id, t + timedelta(hours=1), "Available")
    status(engine, territory.versailles, asset_id, t + timedelta(days=2), "Faulted")
    found = tickets_of(engine, asset_id, t + timedelta(days=3))
    assert [x.status for x in found] == [TicketStatus.open, TicketStatus.resolved]
    assert all(x.contract_id is None and x.intervention is None for x in found)


def test_the_contractor_is_told_by_e_mail_of_a_new_and_a_restored_ticket(
    engine: Engine, territory: Territory
) -> None:
    asset_id = charge_point(engine, territory.versailles, "CP-M4")
    contract(engine, territory.versailles, [asset_id], email="tech@reparebornes.example",
             contractor="Répare Bornes")  # fmt: skip
    t = paris(2026, 6, 3, 9, 0)
    status(engine, territory.versailles, asset_id, t, "Faulted", error_code="ConnectorLockFailure")
    status(engine, territory.versailles, asset_id, t + timedelta(hours=2), "Available")
    with engine.connect() as conn:
        rows = conn.execute(select(alert_deliveries).order_by(alert_deliveries.c.id)).all()
    mine = [r for r in rows if r.recipient == "tech@reparebornes.example"]
    assert len(mine) == 2
    assert "ConnectorLockFailure" in mine[0].body
    assert "Borne CP-M4" in mine[0].subject
    assert "Rétabli le : 03/06/2026 à 11:00" in mine[1].body


def test_the_opener_applies_each_alert_once(engine: Engine, territory: Territory) -> None:
    asset_id = charge_point(engine, territory.boulogne, "CP-M5")
    t = paris(2026, 6, 4, 9, 0)
    status(engine, territory.boulogne, asset_id, t, "Faulted", sync=False)
    status(engine, territory.boulogne, asset_id, t + timedelta(minutes=5), "Faulted")
    status(engine, territory.boulogne, asset_id, t + timedelta(minutes=6), "Faulted")
    [ticket] = tickets_of(engine, asset_id, t + timedelta(hours=1))
    with engine.connect() as conn:
        history = ticket_history(conn, scope=command_line_scope(), ticket_id=ticket.id)
    assert [e.action for e in history] == [TicketAction.opened]
