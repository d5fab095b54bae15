"""The demo's set-up on both backends: members, equipment, projects, rules, proposals.

Users are left out here (their argon2 hashes are what takes time; the module's demo covers
them on SQLite); everything else goes through the same services on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, Table, func, select

from convergence.alerts.tables import alert_rules
from convergence.demo import people
from convergence.demo.build import demo_plan, setup_equipment, setup_rules
from convergence.demo.progress import Silent
from convergence.registry.tables import assets
from convergence.settings import Settings
from convergence.simulation.fleet_writer import RegisteredFleet

ANCHOR = datetime(2026, 11, 28, 9, tzinfo=UTC)


def _set_up(engine: Engine) -> tuple[RegisteredFleet, int]:
    plan, _ = demo_plan(ANCHOR)
    with engine.begin() as conn:
        member_ids = people.ensure_members(conn)
    fleet = setup_equipment(engine, plan, member_ids, ANCHOR, Silent())
    return fleet, setup_rules(engine, fleet, member_ids, Settings())


def _count(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_set_up_on_both_backends_and_again_without_duplicates(engine: Engine) -> None:
    fleet, proposals = _set_up(engine)
    assets_before, rules_before = _count(engine, assets), _count(engine, alert_rules)
    # The service lines add their own demo equipment (video cameras) beside the fleet.
    assert assets_before >= len(fleet.asset_ids) >= 550
    assert len(fleet.series) == fleet.plan.series_count
    assert proposals >= 1
    again, _ = _set_up(engine)
    assert again.asset_ids.items() >= fleet.asset_ids.items()  # plus the lines' own
    assert [s.series_id for s in again.series] == [s.series_id for s in fleet.series]
    assert (_count(engine, assets), _count(engine, alert_rules)) == (assets_before, rules_before)
