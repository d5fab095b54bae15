"""Over a live OCPP server: ``Unavailable`` opens a ticket as ``Faulted`` does, and the
restoration time of a fault over a public holiday weekend matches a hand computation.

A real ``ocpp`` 1.6 client (the simulator's) sends StatusNotifications carrying the times
the charge point gives, as the other maintenance tests fix them; the server's reactors (the
alert rules, then maintenance) open and restore the tickets — no ``maintenance sync``.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from ocpp.v16 import call
from sqlalchemy import Engine

from convergence.charging import service as charging_service
from convergence.charging.ocpp.timestamps import ocpp_time
from convergence.maintenance.kinds import Problem, TicketStatus
from convergence.members.scope import command_line_scope
from convergence.simulation.chargepoint import ChargePoint16Simulator
from convergence.simulation.chargepoint_config import OcppVersion
from convergence.simulation.chargepoint_runtime import ocpp_connection
from tests.charging.conftest import PASSWORD, LiveServer, eventually, profile, run
from tests.maintenance.planting import charge_point, contract
from tests.maintenance.test_faults import paris, tickets_of
from tests.support import Territory

ONE_US = timedelta(microseconds=1)
# (status, errorCode, vendorErrorCode, the charge point's time)
Status = tuple[str, str, str | None, datetime]


def _with_password(engine: Engine, asset_id: int) -> None:
    with engine.begin() as conn:
        charging_service.set_password(
            conn, scope=command_line_scope(), asset_id=asset_id, password=PASSWORD
        )


async def _send(live: LiveServer, ocpp_id: str, statuses: list[Status], check: object) -> None:
    """Boot, then each status of connector 1; after each, wait for ``check(index)``."""
    sim_profile = profile(ocpp_id)
    async with ocpp_connection(live.ocpp_url, sim_profile, OcppVersion.v16) as websocket:
        simulator = ChargePoint16Simulator(sim_profile, websocket)
        listener = asyncio.create_task(simulator.start())
        await simulator.send(simulator.boot_request(None))
        for index, (status, error_code, vendor_code, ts) in enumerate(statuses):
            optional = {"vendor_error_code": vendor_code} if vendor_code else {}
            await simulator.send(
                call.StatusNotification(
                    connector_id=1,
                    error_code=error_code,
                    status=status,
                    timestamp=ocpp_time(ts),
                    **optional,
                )
            )
            await eventually(lambda i=index: check(i), timeout=20)  # type: ignore[operator]
        listener.cancel()


def test_unavailable_opens_a_ticket_with_its_codes_and_available_restores_it(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = charge_point(engine, territory.versailles, "CP-UNAV")
    _with_password(engine, asset_id)
    contract(engine, territory.versailles, [asset_id])
    off, back = paris(2026, 6, 9, 10, 0), paris(2026, 6, 9, 12, 30)
    statuses: list[Status] = [
        ("Unavailable", "PowerSwitchFailure", "CB-17", off),
        ("Available", "NoError", None, back),
    ]
    wanted = [TicketStatus.open, TicketStatus.resolved]

    def check(index: int) -> bool:
        found = tickets_of(engine, asset_id, back)
        return bool(found) and found[0].status is wanted[index]

    run(_send(live, "CP-UNAV", statuses, check))
    [ticket] = tickets_of(engine, asset_id, back)
    assert ticket.problem is Problem.charge_point_fault
    assert ticket.title.startswith("Borne indisponible")
    assert (ticket.error_code, ticket.vendor_error_code) == ("PowerSwitchFailure", "CB-17")
    # The central system keeps connector n's events n microseconds apart (one per connector).
    assert (ticket.opened_at, ticket.restored_at) == (off + ONE_US, back + ONE_US)
    assert ticket.restoration_verified


def test_a_fault_over_easter_weekend_counts_business_minutes_as_by_hand(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = charge_point(engine, territory.boulogne, "CP-EASTER")
    _with_password(engine, asset_id)
    contract(engine, territory.boulogne, [asset_id])  # business hours 08:00-18:00
    # Friday 3 April 2026 15:47 (Paris) Faulted; Monday 6 April is Easter Monday (a public
    # holiday); Available on Tuesday 7 April at 09:05.
    fault_at, back_at = paris(2026, 4, 3, 15, 47), paris(2026, 4, 7, 9, 5)
    statuses: list[Status] = [
        ("Faulted", "GroundFailure", "GF-2", fault_at),
        ("Available", "NoError", None, back_at),
    ]
    wanted = [TicketStatus.open, TicketStatus.resolved]

    def check(index: int) -> bool:
        found = tickets_of(engine, asset_id, back_at)
        return bool(found) and found[0].status is wanted[index]

    run(_send(live, "CP-EASTER", statuses, check))
    [ticket] = tickets_of(engine, asset_id, back_at)
    assert (ticket.error_code, ticket.vendor_error_code) == ("GroundFailure", "GF-2")
    assert ticket.restored_at == back_at + ONE_US
    # By hand: Friday 15:47-18:00 = 133 min; Saturday, Sunday and Easter Monday 0;
    # Tuesday 08:00-09:05 = 65 min; 198 minutes, within the 480 of the contract.
    assert ticket.restoration is not None
    assert ticket.restoration.elapsed_min == 198
    assert ticket.restoration.stopped
    assert ticket.restoration.late_min == 0
    # The 4 h intervention delay (240 business minutes) ran out on Tuesday at 09:47.
    assert ticket.intervention is not None
    assert ticket.intervention.due_at == paris(2026, 4, 7, 9, 47) + ONE_US
