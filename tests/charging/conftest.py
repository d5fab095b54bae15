"""A live server for the central system: uvicorn in a thread, real WebSockets, real HTTP.

OCPP clients from the ``ocpp`` library (the simulators) connect to ``live.ocpp_url``; the
API answers at ``live.http_url``. Both run in the server's own event loop, as in production.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine

from convergence.charging import service as charging_service
from convergence.charging.config import CentralConfig
from convergence.charging.ocpp.central import CentralSystem
from convergence.members.scope import command_line_scope
from convergence.registry import service as registry_service
from convergence.registry.schemas import AssetCreate
from convergence.settings import Settings
from convergence.simulation.chargepoint_config import ChargePointProfile
from convergence.web.app import create_app
from convergence.web.deps import runtime_of
from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL, MemberFixture, registering

# Short periods so that liveness and offline detection happen within a test.
TEST_CONFIG = CentralConfig(
    heartbeat_interval_s=300,
    presence_period_s=0.2,
    response_timeout_s=10,
    db_workers=2,
)


@dataclass
class LiveServer:
    central: CentralSystem
    http_url: str
    ocpp_url: str

    def api(self, headers: dict[str, str]) -> httpx.Client:
        return httpx.Client(base_url=self.http_url, headers=headers, timeout=30, trust_env=False)

    def configure(self, **changes: Any) -> None:
        """Change the central system's tuning (before charge points connect)."""
        self.central.config = self.central.config.model_copy(update=changes)


def wait_until(check: Callable[[], Any], *, timeout: float = 15.0, every: float = 0.05) -> Any:
    """The first truthy result of ``check``, polled until ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(every)


@pytest.fixture
def live(settings: Settings, engine: Engine) -> Iterator[LiveServer]:
    app = create_app(settings, engine=engine)
    central = runtime_of(app).central_system
    central.config = TEST_CONFIG
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, ws="websockets-sansio", lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    wait_until(lambda: server.started, timeout=10)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield LiveServer(central, f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/ocpp")
    server.should_exit = True
    thread.join(timeout=15)
    assert not thread.is_alive(), "the live server did not stop"


def run(coroutine: Any) -> Any:
    """Run a coroutine of the test (the charge points) in its own event loop."""
    return asyncio.run(coroutine)


# --- charge points of the test territory ---------------------------------------------------

PASSWORD = "0123456789abcdef-cvg"


def register_charge_point(
    engine: Engine,
    member: MemberFixture,
    ocpp_id: str,
    *,
    password: str | None = PASSWORD,
    name: str | None = None,
) -> int:
    """An active charge point of ``member`` at its town hall, with its password; its asset id."""
    lon, lat = VERSAILLES_TOWN_HALL if member.key == "versailles" else BOULOGNE_TOWN_HALL
    with registering(engine) as (conn, listeners):
        asset = registry_service.create_asset(
            conn,
            listeners=listeners,
            scope=command_line_scope(),
            data=AssetCreate(
                member_id=member.id,
                name=name or f"Borne {ocpp_id}",
                kind="charge_point",
                domain="charging",
                status="active",
                ocpp_id=ocpp_id,
                lon=lon,
                lat=lat,
            ),
        )
        if password is not None:
            charging_service.set_password(
                conn, scope=command_line_scope(), asset_id=asset.id, password=password
            )
    return asset.id


def profile(ocpp_id: str, **changes: Any) -> ChargePointProfile:
    """A simulated charge point: 600 simulated seconds a second, a meter value a minute."""
    values: dict[str, Any] = {
        "charge_point_id": ocpp_id,
        "password": PASSWORD,
        "speedup": 600,
        "meter_interval_s": 60,
        "seed": 11,
    } | changes
    return ChargePointProfile(**values)


async def eventually(check: Callable[[], Any], *, timeout: float = 15.0) -> Any:
    """In a test's event loop: the first truthy result of ``check``, polled until ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.05)


def rows(engine: Engine, query: Any) -> list[Any]:
    """The rows of a query, read in a short transaction of their own."""
    with engine.connect() as conn:
        return list(conn.execute(query))
