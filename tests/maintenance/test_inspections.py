"""Annual inspections: due dates, inspector and marking, the next one, reminders before due."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine, select

from convergence.alerts.tables import alert_deliveries
from convergence.maintenance.inspections import (
    InspectionCreate,
    InspectionDone,
    add_months,
    list_inspections,
    record_done,
    remind_due,
    schedule,
)
from convergence.members.scope import command_line_scope
from tests.maintenance.planting import charge_point, contract
from tests.support import Territory


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2026, 3, 15), 12) == date(2027, 3, 15)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_an_inspection_done_schedules_the_next_and_reminders_go_once(
    engine: Engine, territory: Territory
) -> None:
    asset_id = charge_point(engine, territory.versailles, "CP-INSP")
    contract(engine, territory.versailles, [asset_id], email="controle@bornes.example",
             contractor="Contrôles IRVE")  # fmt: skip
    scope = command_line_scope()
    now = datetime(2026, 6, 10, 8, tzinfo=UTC)
    with engine.begin() as conn:
        planned = schedule(conn, scope=scope, data=InspectionCreate(
            asset_id=asset_id, due_on=date(2026, 7, 1)))  # fmt: skip
        # Due in 21 days: within the 30-day notice, reminded once only.
        assert len(remind_due(conn, today=now.date(), now=now)) == 1
        assert remind_due(conn, today=now.date(), now=now) == []
        report = InspectionDone(
            done_on=date(2026, 6, 20), inspector="Bureau Véritas", marking="étiquette 06/2026"
        )
        done = record_done(conn, scope=scope, inspection_id=planned.id, data=report)
        [following] = list_inspections(conn, scope=scope)
        mails = conn.execute(select(alert_deliveries.c.recipient, alert_deliveries.c.body)).all()
    assert (done.inspector, done.marking) == ("Bureau Véritas", "étiquette 06/2026")
    assert following.due_on == date(2027, 6, 20)
    assert [m.recipient for m in mails] == ["controle@bornes.example"]
    assert "01/07/2026" in mails[0].body
