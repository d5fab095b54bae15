"""The maintenance reactor reads the alerts' history only when the alert rules changed one.

The reactors are those of a platform process (``Runtime``), told what a transaction stored
as the ingestion and the OCPP central system tell them; every SQL statement the reactors
send is counted at the engine.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event

from convergence.maintenance.kinds import Problem
from convergence.runtime import Runtime
from convergence.settings import Environment, Settings
from convergence.timeseries.committed import Committed, notify
from convergence.timeseries.store import NewEvent, insert_events
from tests.maintenance.planting import charge_point
from tests.maintenance.test_faults import paris, tickets_of
from tests.support import Territory


@pytest.fixture
def runtime(engine: Engine) -> Iterator[Runtime]:
    settings = Settings(environment=Environment.test, secret_key=secrets.token_urlsafe(48))
    built = Runtime.build(settings, engine=engine)
    yield built
    built.close()


def _store_and_react(runtime: Runtime, member_id: int, asset_id: int, ts: datetime,
                     status: str) -> list[str]:  # fmt: skip
    """Store a status event as the central system does, tell the reactors; their statements."""
    faulted = "true" if status == "Faulted" else "false"
    payload = {"connector_id": 1, "status": status, "error_code": "NoError",
               "charge_point_faulted": faulted, "charge_point_unavailable": "false"}  # fmt: skip
    new = NewEvent(asset_id, member_id, ts, "ocpp.status", payload)
    with runtime.engine.begin() as conn:
        insert_events(conn, [new])
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(runtime.engine, "before_cursor_execute", seen)
    try:
        notify(runtime.reactors, Committed(events=[new]))
    finally:
        event.remove(runtime.engine, "before_cursor_execute", seen)
    return statements


def test_a_batch_that_changes_no_alert_costs_maintenance_no_query(
    runtime: Runtime, engine: Engine, territory: Territory
) -> None:
    member = territory.versailles
    asset_id = charge_point(engine, member, "CP-R1")
    quiet = _store_and_react(runtime, member.id, asset_id, paris(2026, 6, 8, 9, 0), "Available")
    assert quiet  # the alert rules did read the batch, maintenance did not:
    assert not [s for s in quiet if "maintenance_" in s or "alert_events" in s]

    fault = _store_and_react(runtime, member.id, asset_id, paris(2026, 6, 8, 9, 5), "Faulted")
    assert [s for s in fault if "maintenance_cursors" in s]  # an alert fired: the history is read
    [ticket] = tickets_of(engine, asset_id, paris(2026, 6, 8, 9, 6))
    assert ticket.problem is Problem.charge_point_fault

    again = _store_and_react(runtime, member.id, asset_id, paris(2026, 6, 8, 9, 7), "Faulted")
    assert not [s for s in again if "maintenance_" in s]  # still firing: no change, no query
    _store_and_react(runtime, member.id, asset_id, paris(2026, 6, 8, 10, 0), "Available")
    [restored] = tickets_of(engine, asset_id, paris(2026, 6, 8, 10, 1))
    assert restored.restored_at == paris(2026, 6, 8, 10, 0)
