"""A charger's Faulted status fires an event alert; its next status clears it."""

from __future__ import annotations

from sqlalchemy import Engine

from convergence.alerts.kinds import AlertStatus, RuleKind
from convergence.alerts.queries import list_alerts
from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from tests.alerts.conftest import MINUTE, T0, make_asset, user_scope
from tests.alerts.flow import ingest_event, rule
from tests.support import Territory


def test_a_faulted_status_event_fires_and_the_next_status_resolves(
    engine: Engine, territory: Territory
) -> None:
    charger = make_asset(engine, territory.versailles, name="Borne parking Saint-Louis",
                         domain="charging")  # fmt: skip
    operator = command_line_scope()  # an operator rule, targeting Versailles' chargers
    rule(
        engine,
        operator,
        name="Borne en défaut",
        member_id=territory.versailles.id,
        target_kind="domain",
        domain="charging",
        cooldown_s=0,
        params={"kind": "event", "event_kind": "ocpp.status", "match": {"status": "Faulted"}},
    )
    member = territory.versailles.id

    def status(minutes: int, value: str) -> tuple[list[int], list[int]]:
        outcome = ingest_event(
            engine, asset_id=charger, member_id=member, ts=T0 + minutes * MINUTE,
            kind="ocpp.status", payload={"connector_id": 1, "status": value},
        )  # fmt: skip
        return outcome.fired, outcome.resolved

    assert status(0, "Available") == ([], [])
    fired, _ = status(5, "Faulted")
    assert fired
    assert status(6, "Faulted") == ([], [])  # still faulted: no second alert
    _, resolved = status(30, "Available")
    assert resolved == fired
    technician = user_scope(engine, territory.versailles, Role.technician)
    with engine.connect() as conn:
        [alert] = list_alerts(conn, scope=technician)
    assert alert.kind is RuleKind.event
    assert alert.status is AlertStatus.resolved
    assert "status = Faulted" in alert.message
