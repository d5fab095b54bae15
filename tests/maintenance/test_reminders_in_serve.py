"""Inspection reminders leave from ``convergence serve`` itself, not only from
``convergence maintenance sync``: the alert worker's periodic pass queues them and sends them."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.maintenance.inspections import InspectionCreate, schedule
from convergence.members.scope import command_line_scope
from convergence.paris_time import local_day
from tests.alerts.servers import smtp_server
from tests.alerts.test_processes import eventually, served
from tests.maintenance.planting import charge_point, contract
from tests.support import Territory


def _inspection_due_in(engine: Engine, territory: Territory, days: int) -> date:
    asset_id = charge_point(engine, territory.versailles, "CP-RAPPEL")
    contract(engine, territory.versailles, [asset_id], email="controle@bornes.example",
             contractor="Contrôles IRVE")  # fmt: skip
    due = local_day(utcnow()) + timedelta(days=days)
    with engine.begin() as conn:
        schedule(conn, scope=command_line_scope(),
                 data=InspectionCreate(asset_id=asset_id, due_on=due))  # fmt: skip
    return due


def test_serve_mails_the_contractor_an_inspection_coming_due_once(
    engine: Engine, territory: Territory, tmp_path: Path
) -> None:
    due = _inspection_due_in(engine, territory, days=10)
    every_second = {
        "CONVERGENCE_ALERT_EVALUATION_PERIOD_S": "1",
        "CONVERGENCE_MAINTENANCE_FLAGGED_PERIOD_S": "0",
    }
    with (
        smtp_server() as (mailbox, smtp_port),
        served(engine, smtp_port, tmp_path, **every_second),
    ):
        eventually(lambda: mailbox.messages, what="the inspection reminder e-mail")
        time.sleep(3)  # three more periodic passes: the reminder is not sent again
    [message] = mailbox.messages
    assert message["To"] == "controle@bornes.example"
    assert "Échéance" in str(message["Subject"])
    assert due.strftime("%d/%m/%Y") in message.get_body().get_content()  # type: ignore[union-attr]
