"""Pauses and exclusions stop the clocks; the contractor may not take the member's decisions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from convergence.errors import Conflict, InvalidInput
from convergence.maintenance import service
from convergence.maintenance.kinds import ExclusionReason, TicketStatus
from convergence.maintenance.schemas import (
    ContractCreate,
    ContractorCreate,
    ExclusionCreate,
    TicketCreate,
)
from convergence.members.scope import command_line_scope
from convergence.paris_time import PARIS
from tests.maintenance.planting import WINDOW, charge_point, contract
from tests.support import Territory


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


def test_waiting_on_the_member_and_a_proven_grid_outage_do_not_count(
    engine: Engine, territory: Territory
) -> None:
    asset_id = charge_point(engine, territory.versailles, "CP-PAUSE")
    contract(engine, territory.versailles, [asset_id])
    scope = command_line_scope()
    with engine.begin() as conn:
        ticket = service.open_ticket(
            conn, scope=scope, now=paris(2026, 6, 2, 9, 0), reopen_window=WINDOW,
            data=TicketCreate(asset_id=asset_id, title="écran noir"),
        )  # fmt: skip
        service.pause_ticket(conn, scope=scope, ticket_id=ticket.id,
                             now=paris(2026, 6, 2, 10, 0), note="accès au parking")  # fmt: skip
        with pytest.raises(Conflict):
            service.pause_ticket(conn, scope=scope, ticket_id=ticket.id,
                                 now=paris(2026, 6, 2, 10, 30), note="")  # fmt: skip
        service.resume_ticket(conn, scope=scope, ticket_id=ticket.id, now=paris(2026, 6, 2, 13, 0))
        grid = ExclusionCreate(
            reason=ExclusionReason.grid_outage, started_at=paris(2026, 6, 2, 14, 0),
            ended_at=paris(2026, 6, 2, 15, 0), evidence="avis Enedis n° 2026-0612",
        )  # fmt: skip
        service.record_exclusion(conn, scope=scope, ticket_id=ticket.id, data=grid,
                                 now=paris(2026, 6, 2, 15, 0))  # fmt: skip
        done = service.restore_by_hand(conn, scope=scope, ticket_id=ticket.id,
                                       now=paris(2026, 6, 2, 17, 0), note="réparé")  # fmt: skip
    # 09:00-17:00 is 8 h; 3 h waiting on the member and 1 h of grid outage do not count: 4 h.
    assert done.restoration is not None
    assert done.restoration.elapsed_min == 240
    assert done.status is TicketStatus.resolved
    assert done.restoration_verified is False


def test_an_exclusion_needs_evidence_and_a_contract_its_own_assets(
    engine: Engine, territory: Territory
) -> None:
    with pytest.raises(ValueError, match="evidence"):
        ExclusionCreate(reason=ExclusionReason.vandalism, started_at=paris(2026, 6, 1, 9),
                        ended_at=paris(2026, 6, 1, 10), evidence="")  # fmt: skip
    boulogne_point = charge_point(engine, territory.boulogne, "CP-BOUL")
    company = _any_contractor(engine)
    with engine.begin() as conn, pytest.raises(InvalidInput, match="equipment"):
        service.create_contract(
            conn, scope=command_line_scope(), now=paris(2026, 6, 1, 9),
            data=ContractCreate(
                member_id=territory.versailles.id, contractor_id=company,
                reference="X", title="intrus", intervention_delay_min=60,
                restoration_delay_min=60, starts_on=paris(2026, 1, 1, 12).date(),
                asset_ids=[boulogne_point],
            ),
        )  # fmt: skip


def _any_contractor(engine: Engine) -> int:
    with engine.begin() as conn:
        return service.create_contractor(
            conn, scope=command_line_scope(), now=paris(2026, 1, 1, 9),
            data=ContractorCreate(name="Quelconque", email="q@example.fr"),
        ).id  # fmt: skip
