"""The maintenance line's demo hook: a contract, open and closed tickets, and a late one."""

from __future__ import annotations

from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.maintenance.queries import list_contracts, list_tickets
from convergence.members.roles import Role
from convergence.members.scope import MemberScope, command_line_scope
from convergence.servicelines import service_lines
from tests.maintenance.planting import charge_point
from tests.support import Territory


def test_the_demo_hook_gives_contracts_open_closed_and_late_tickets(
    engine: Engine, territory: Territory
) -> None:
    for ocpp_id in ("CP-D1", "CP-D2", "CP-D3"):
        charge_point(engine, territory.versailles, ocpp_id)
    hook = service_lines().get("maintenance").demo
    assert hook is not None
    scope = MemberScope(member_id=territory.versailles.id, actor="demo", role=Role.member_admin)
    with engine.begin() as conn:
        hook(conn, scope=scope)
        hook(conn, scope=scope)  # once only
    with engine.connect() as conn:
        [contract] = list_contracts(conn, scope=command_line_scope())
        found = list_tickets(conn, scope=command_line_scope(), now=utcnow())
    assert contract.availability_target_pct == 98
    assert sorted(t.status.value for t in found) == ["closed", "open", "resolved"]
    late = [t for t in found if t.intervention is not None and t.intervention.late_min > 0]
    assert len(late) == 1
    assert late[0].penalty_cents > 0
