"""Alerts fire in the processes a user starts, not only in-process.

``convergence serve`` and ``convergence ingest mqtt`` run as their own processes, configured
only by environment variables, as the README says; a reading over a threshold rule, sent over
HTTP or MQTT, and a charge point's ``Faulted`` status over OCPP each open their alert and the
e-mail reaches a real SMTP server (aiosmtpd).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from sqlalchemy import Engine

from convergence.alerts.defaults import install_line_rules
from convergence.alerts.kinds import Channel
from convergence.alerts.queries import list_alerts
from convergence.alerts.schemas import AlertOut, SubscriptionCreate
from convergence.alerts.subscriptions import create_subscription
from convergence.db.types import utcnow
from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from convergence.registry import service
from convergence.registry.schemas import AssetCreate
from convergence.simulation.chargepoint_config import Fault, OcppVersion
from convergence.simulation.chargepoint_fleet import run_simulator
from tests.alerts.conftest import user_scope
from tests.alerts.flow import rule
from tests.alerts.servers import Mailbox, free_port
from tests.charging.conftest import profile, register_charge_point
from tests.ingest.brokers import SHARED_BROKER, missing, publish, reachable
from tests.support import VERSAILLES_TOWN_HALL, Territory

VERSAILLES_SIREN = "217806462"
GAUGE = "LIMNI-GALLY"
TIMEOUT_S = 30.0
T = TypeVar("T")


def eventually(check: Callable[[], object], *, what: str, log: Path | None = None) -> None:
    """Poll ``check`` until it holds; on time-out, say what was awaited (and the process log)."""
    deadline = time.monotonic() + TIMEOUT_S
    while not check():
        if time.monotonic() > deadline:
            output = log.read_text(errors="replace")[-3000:] if log else ""
            raise AssertionError(f"{what}: not within {TIMEOUT_S} s\n{output}")
        time.sleep(0.2)


@contextmanager
def process(
    arguments: list[str], *, engine: Engine, smtp_port: int, tmp_path: Path, **extra: str
) -> Iterator[Path]:
    """A ``convergence`` command in its own process, configured by its environment only."""
    log = tmp_path / f"{arguments[0]}-{secrets.token_hex(3)}.log"
    environment = os.environ | {
        "CONVERGENCE_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "CONVERGENCE_DATA_DIR": str(tmp_path / "data"),
        "CONVERGENCE_SECRET_KEY": secrets.token_urlsafe(48),
        "CONVERGENCE_SMTP_HOST": "127.0.0.1",
        "CONVERGENCE_SMTP_PORT": str(smtp_port),
        **extra,
    }
    command = [sys.executable, "-c", "from convergence.cli.main import run; run()", *arguments]
    with log.open("wb") as output:
        running = subprocess.Popen(command, env=environment, stdout=output, stderr=output)
    try:
        yield log
    finally:
        running.terminate()
        running.wait(timeout=30)


@contextmanager
def served(engine: Engine, smtp_port: int, tmp_path: Path, **extra: str) -> Iterator[str]:
    """``convergence serve`` on a free port, once it answers ``/healthz``."""
    port = free_port()
    # One worker starts fastest; several workers: tests/alerts/test_serve_workers.py.
    options = {"CONVERGENCE_HOST": "127.0.0.1", "CONVERGENCE_PORT": str(port),
               "CONVERGENCE_WORKERS": "1", **extra}  # fmt: skip
    with process(
        ["serve"], engine=engine, smtp_port=smtp_port, tmp_path=tmp_path, **options
    ) as log:
        url = f"http://127.0.0.1:{port}"
        eventually(lambda: _healthy(url), what="convergence serve answering /healthz", log=log)
        yield url


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def river_gauge_with_rule(engine: Engine, territory: Territory) -> int:
    """Versailles' gauge on the ru de Gally, a 1 m threshold rule, the technician subscribed."""
    lon, lat = VERSAILLES_TOWN_HALL
    data = AssetCreate(member_id=territory.versailles.id, name="Limnimètre ru de Gally",
                       kind="sensor", domain="water", status="active", serial=GAUGE,
                       lon=lon, lat=lat)  # fmt: skip
    with engine.begin() as conn:
        asset_id = service.create_asset(conn, scope=command_line_scope(), data=data).id
    technician = user_scope(engine, territory.versailles, Role.technician)
    rule(engine, technician, name="Ru de Gally au-dessus d'un mètre", target_kind="asset",
         asset_id=asset_id, severity="critical",
         params={"kind": "threshold", "quantity": "water_level", "limit": 1.0})  # fmt: skip
    subscribe(engine, territory)
    return asset_id


def subscribe(engine: Engine, territory: Territory) -> None:
    technician = user_scope(engine, territory.versailles, Role.technician)
    with engine.begin() as conn:
        create_subscription(conn, scope=technician, data=SubscriptionCreate(channel=Channel.email))


def firing(engine: Engine, name: str) -> list[AlertOut]:
    with engine.connect() as conn:
        found = list_alerts(conn, scope=command_line_scope())
    return [a for a in found if a.rule_name == name and a.status == "firing"]


def test_a_reading_posted_to_serve_opens_its_alert_and_mails_it(
    engine: Engine, territory: Territory, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, smtp_port = smtp
    asset_id = river_gauge_with_rule(engine, territory)
    with served(engine, smtp_port, tmp_path) as url:
        reading = {"device": GAUGE, "ts": utcnow().isoformat(), "quantity": "water_level",
                   "value": 3.3, "unit": "m"}  # fmt: skip
        answer = httpx.post(
            f"{url}/api/v1/ingest", json=[reading], headers=territory.versailles.bearer("ingest")
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["stored"] == 1
        [alert] = firing(engine, "Ru de Gally au-dessus d'un mètre")
        assert alert.asset_id == asset_id
        eventually(lambda: mailbox.messages, what="the alert e-mail")
    assert "Ru de Gally" in mailbox.subjects()[0]
    assert mailbox.messages[0]["To"] == territory.versailles.user(Role.technician)


@pytest.mark.mqtt
def test_a_reading_published_to_ingest_mqtt_opens_its_alert_and_mails_it(
    engine: Engine, territory: Territory, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    if not reachable(*SHARED_BROKER):
        missing(f"the MQTT broker at {SHARED_BROKER[0]}:{SHARED_BROKER[1]}")
    mailbox, smtp_port = smtp
    river_gauge_with_rule(engine, territory)
    root = f"alerts-{secrets.token_hex(4)}"
    arguments = ["ingest", "mqtt", "--topic", f"{root}/+/+/up", "--root", root,
                 "--client-id", f"{root}-worker"]  # fmt: skip
    options = {"CONVERGENCE_MQTT_HOST": SHARED_BROKER[0], "CONVERGENCE_MQTT_PORT": "1883"}
    with process(
        arguments, engine=engine, smtp_port=smtp_port, tmp_path=tmp_path, **options
    ) as log:
        body = {"ts": utcnow().isoformat(), "quantity": "water_level", "value": 3.3}
        message = (f"{root}/{VERSAILLES_SIREN}/{GAUGE}/up", json.dumps(body).encode())

        def alert_opened() -> bool:
            # The worker may not have subscribed yet: the same reading again is a duplicate.
            publish(SHARED_BROKER[1], [message])
            return bool(firing(engine, "Ru de Gally au-dessus d'un mètre"))

        eventually(alert_opened, what="the alert of the MQTT reading", log=log)
        eventually(lambda: mailbox.messages, what="the alert e-mail", log=log)
    assert "Ru de Gally" in mailbox.subjects()[0]


def test_a_faulted_charge_point_over_ocpp_opens_its_alert_and_mails_it(
    engine: Engine, territory: Territory, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, smtp_port = smtp
    with engine.begin() as conn:
        install_line_rules(
            conn, scope=command_line_scope(), member_id=territory.versailles.id, line="charging"
        )
    subscribe(engine, territory)
    asset_id = register_charge_point(engine, territory.versailles, "CP-E2E")
    # At 600 simulated seconds a second, a fault of a few hours would end (and its alert
    # resolve) within seconds of real time: this one lasts beyond the test.
    fault = Fault(connector_id=1, error_code="GroundFailure", duration_s=30 * 86_400)
    with served(engine, smtp_port, tmp_path) as url:
        charge_point = run_simulator(
            url.replace("http", "ws", 1) + "/ocpp",
            profile("CP-E2E"),
            [fault],
            version=OcppVersion.v16,
        )
        [alert] = asyncio.run(_until(charge_point, lambda: firing(engine, "Borne en défaut")))
        assert (alert.asset_id, alert.severity) == (asset_id, "critical")
        eventually(lambda: mailbox.messages, what="the alert e-mail")
    assert any("Borne en défaut" in subject for subject in mailbox.subjects())


async def _until(charge_point: object, check: Callable[[], T]) -> T:
    """Run the simulated charge point until ``check`` holds (then stop it); its answer."""
    task = asyncio.ensure_future(charge_point)  # type: ignore[arg-type]
    deadline = time.monotonic() + TIMEOUT_S
    try:
        while not (answer := check()):
            if task.done():
                task.result()  # its error, if it failed
                raise AssertionError("the charge point finished before the alert opened")
            if time.monotonic() > deadline:
                raise AssertionError(f"no alert within {TIMEOUT_S} s")
            await asyncio.sleep(0.2)
        return answer
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
