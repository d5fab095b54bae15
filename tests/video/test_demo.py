"""The video line's demo data: systems, cameras (one outside its perimeter), a requisition."""

from __future__ import annotations

from sqlalchemy import Engine

from convergence.members.roles import Role
from convergence.members.scope import MemberScope, command_line_scope
from convergence.servicelines import service_lines
from convergence.video import queries, requisitions
from tests.support import Territory


def test_the_demo_hook_adds_systems_cameras_and_a_requisition_once(
    engine: Engine, territory: Territory
) -> None:
    """Called as the demo calls every line's hook: member by member, each with its scope."""
    hook = next(line.demo for line in service_lines() if line.name == "video")
    assert hook is not None
    for _ in range(2):  # a second run changes nothing
        with engine.begin() as conn:
            for member in territory.all:
                own = MemberScope(member_id=member.id, actor="demo", role=Role.member_admin)
                hook(conn, scope=own)
    scope = command_line_scope()
    with engine.connect() as conn:
        systems = queries.list_systems(conn, scope=scope)
        cameras = queries.list_cameras(conn, scope=scope)
        flagged = queries.list_cameras(conn, scope=scope, flagged=True)
        open_requisitions = requisitions.list_requisitions(conn, scope=scope, open_only=True)
    assert sorted(s.member_id for s in systems) == sorted(
        [territory.versailles.id, territory.boulogne.id]
    )
    assert len(cameras) == 8
    assert [c.flags for c in flagged] == [["outside_perimeter"]] * 2
    assert [r.procedure_number for r in open_requisitions] == ["DEMO-2026-000123"]
    assert sum(c.vv_authorised for c in cameras) == 2
