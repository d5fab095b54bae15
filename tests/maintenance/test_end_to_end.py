"""Done means: a simulated charge point faults over OCPP, and maintenance follows by itself.

The real OCPP endpoint of a live server stores the StatusNotification and fires the alert;
``convergence maintenance sync --loop`` (a process of its own, as in production) opens the
ticket and e-mails the contractor (a real SMTP server); the contractor acknowledges in its
portal (the real page form over HTTP); ``Available`` restores the ticket; a second fault
within the window reopens it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from convergence.charging import service as charging_service
from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from convergence.simulation.chargepoint_config import Fault
from convergence.simulation.chargepoint_fleet import run_simulator
from tests.alerts.servers import Mailbox, smtp_server
from tests.charging.conftest import PASSWORD, LiveServer, eventually, profile, run, wait_until
from tests.maintenance.planting import charge_point, contract
from tests.maintenance.test_faults import tickets_of
from tests.support import Territory
from tests.web.session import CSRF_META, log_in

CONTRACTOR_EMAIL = "astreinte@bornes-idf.example"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as found:
        yield found


def _sync_process(engine: Engine, smtp_port: int, log: Path) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "CONVERGENCE_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "CONVERGENCE_SMTP_HOST": "127.0.0.1",
        "CONVERGENCE_SMTP_PORT": str(smtp_port),
    }
    command = [sys.executable, "-c", "from convergence.cli.main import run; run()",
               "maintenance", "sync", "--loop", "--period", "1"]  # fmt: skip
    with log.open("ab") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=output)


def _portal(live: LiveServer, email: str) -> httpx.Client:
    client = httpx.Client(
        base_url=live.http_url, timeout=30, trust_env=False, follow_redirects=True
    )
    log_in(client, email)  # type: ignore[arg-type]
    return client


def _acknowledge_in_portal(portal: httpx.Client, ticket_id: int) -> int:
    page = portal.get(f"/maintenance/tickets/{ticket_id}")
    assert "Prendre en charge" in page.text
    match = CSRF_META.search(page.text)
    assert match
    response = portal.post(
        f"/maintenance/tickets/{ticket_id}/prise-en-charge",
        data={"csrf_token": match.group(1), "note": "technicien en route"},
        follow_redirects=False,
    )
    return response.status_code


def _agent(engine: Engine, territory: Territory, contractor_id: int) -> str:
    from convergence.maintenance import service
    from convergence.members.queries import list_users

    email = territory.versailles.user(Role.contractor)
    with engine.begin() as conn:
        users = list_users(conn, scope=command_line_scope())
        user_id = next(u.id for u in users if u.email == email)
        service.link_contractor_user(
            conn, scope=command_line_scope(), contractor_id=contractor_id, user_id=user_id
        )
    return email


def test_a_fault_over_ocpp_opens_a_ticket_the_contractor_acknowledges_and_availability_closes(
    live: LiveServer,
    engine: Engine,
    territory: Territory,
    mailbox: tuple[Mailbox, int],
    tmp_path: Path,
) -> None:
    inbox, smtp_port = mailbox
    asset_id = charge_point(engine, territory.versailles, "CP-E2E")
    with engine.begin() as conn:
        charging_service.set_password(
            conn, scope=command_line_scope(), asset_id=asset_id, password=PASSWORD
        )
    contract(engine, territory.versailles, [asset_id], contractor="Bornes IDF",
             email=CONTRACTOR_EMAIL, hours_basis="calendar")  # fmt: skip
    from convergence.maintenance.queries import list_contractors

    with engine.connect() as conn:
        [company] = list_contractors(conn)
    portal = _portal(live, _agent(engine, territory, company.id))
    log = tmp_path / "sync.log"
    process = _sync_process(engine, smtp_port, log)
    try:
        # Started once it has made its first pass (a Python process takes seconds to start).
        wait_until(lambda: "ticket(s) ouvert(s)" in log.read_text(), timeout=60)
        _scenario(live, engine, asset_id, inbox, portal)
    finally:
        process.terminate()
        process.wait(timeout=30)
        portal.close()


def _scenario(
    live: LiveServer, engine: Engine, asset_id: int, inbox: Mailbox, portal: httpx.Client
) -> None:
    # 600 simulated seconds a second: the fault lasts about 15 real seconds.
    long_fault = [Fault(connector_id=1, error_code="GroundFailure", duration_s=9000)]

    async def fault_then_back() -> Any:
        task = asyncio.create_task(run_simulator(live.ocpp_url, profile("CP-E2E"), long_fault))
        found = await eventually(lambda: tickets_of(engine, asset_id, _now()), timeout=20)
        status = await asyncio.to_thread(_acknowledge_in_portal, portal, found[0].id)
        await task
        return found[0], status

    opened, acknowledged = run(fault_then_back())
    assert opened.error_code == "GroundFailure"
    assert opened.contract_id is not None
    assert opened.intervention is not None
    assert not opened.intervention.stopped  # the clock started with the fault
    assert acknowledged == 303
    mail = wait_until(lambda: [m for m in inbox.messages if "ticket n°" in str(m["Subject"])])
    assert str(mail[0]["To"]) == CONTRACTOR_EMAIL
    assert "GroundFailure" in mail[0].get_content()

    [restored] = wait_until(
        lambda: [t for t in tickets_of(engine, asset_id, _now()) if t.status == "resolved"]
    )
    assert restored.restoration_verified
    assert restored.acknowledged_at is not None
    assert restored.intervention is not None
    assert restored.intervention.stopped

    short_fault = [Fault(connector_id=1, error_code="OverCurrentFailure", duration_s=600)]
    run(run_simulator(live.ocpp_url, profile("CP-E2E"), short_fault))
    wait_until(lambda: tickets_of(engine, asset_id, _now())[0].reopen_count == 1)
    [again] = wait_until(
        lambda: [t for t in tickets_of(engine, asset_id, _now()) if t.status == "resolved"]
    )
    assert again.id == restored.id  # reopened, then restored again: never a duplicate
    assert again.reopen_count == 1


def _now() -> Any:
    from convergence.db.types import utcnow

    return utcnow()
