"""A few of the demo's charge points, live over OCPP against the demo's own central system.

The first charge point of some communes connects as a real OCPP 1.6 client (the simulator of
``convergence.simulation``) with its HTTP Basic password, charges, pauses, and — for one of
them — reports a connector fault, which fires the "Borne en défaut" alert. Its meter starts
where its back-filled index stopped. These charge points are left out of the HTTP feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import threading
from collections.abc import Sequence

from sqlalchemy import select

from convergence.charging.service import set_password
from convergence.demo.build import Demo
from convergence.demo.catalogue import DEMO_ACTOR
from convergence.demo.equipment import ocpp_id_of
from convergence.members.scope import command_line_scope
from convergence.simulation.chargepoint_config import (
    ChargePointProfile,
    ChargeSession,
    Fault,
    Pause,
    ScenarioStep,
)
from convergence.simulation.chargepoint_fleet import run_simulator
from convergence.simulation.fleet import AssetPlan
from convergence.timeseries.tables import series

logger = logging.getLogger(__name__)
LIVE_COMMUNES = ("78646", "92012", "92040", "78551")
FAULTY = "92012"  # its charger reports a fault after its first session
RECONNECT_S = 15.0
SPEEDUP = 6.0  # an hour of charging lasts ten minutes


def live_chargers(demo: Demo) -> list[AssetPlan]:
    """The first OCPP charge point (``FleetContribution.ocpp``) of each commune of
    ``LIVE_COMMUNES``."""
    chosen = []
    for insee in LIVE_COMMUNES:
        mine = [
            a
            for a in demo.fleet.plan.assets
            if a.spec.contribution.ocpp and a.commune_insee == insee
        ]
        chosen += mine[:1]
    return chosen


def password_of(demo: Demo, ocpp_id: str) -> str:
    """The charge point's OCPP password: 40 hex characters derived from the demo's secret."""
    key = demo.state.secret_key.encode()
    return hmac.new(key, ocpp_id.encode(), hashlib.sha256).hexdigest()[:40]


def set_passwords(demo: Demo, chargers: Sequence[AssetPlan]) -> None:
    """Give each live charge point its password (stored hashed by the charging service)."""
    scope = command_line_scope(DEMO_ACTOR)
    with demo.engine.begin() as conn:
        for asset in chargers:
            ocpp_id = str(ocpp_id_of(asset))
            asset_id = demo.fleet.asset_ids[asset.serial]
            set_password(conn, scope=scope, asset_id=asset_id, password=password_of(demo, ocpp_id))


def _register_wh(demo: Demo, asset: AssetPlan) -> int:
    """Where the charge point's meter stands: its last stored energy index, in Wh."""
    with demo.engine.connect() as conn:
        last = conn.execute(
            select(series.c.last_value).where(
                series.c.asset_id == demo.fleet.asset_ids[asset.serial],
                series.c.quantity == "energy",
            )
        ).scalar()
    kwh: float = asset.params["initial_kwh"] if last is None else last
    return round(kwh * 1000)


def profile_of(demo: Demo, asset: AssetPlan) -> ChargePointProfile:
    ocpp_id = str(ocpp_id_of(asset))
    return ChargePointProfile(
        charge_point_id=ocpp_id, password=password_of(demo, ocpp_id), vendor="Borne Express",
        model="AC22-2P", serial_number=asset.serial, max_power_w=1000 * asset.params["level_kw"],
        initial_register_wh=_register_wh(demo, asset), speedup=SPEEDUP, meter_interval_s=300,
        seed=asset.number,
    )  # fmt: skip


def scenario_of(asset: AssetPlan) -> list[ScenarioStep]:
    """Sessions and pauses, with a fault for the charger of ``FAULTY``."""
    steps: list[ScenarioStep] = [ChargeSession(duration_s=3600), Pause(duration_s=1800)]
    if asset.commune_insee == FAULTY:
        steps += [Fault(error_code="GroundFailure", duration_s=3600)]
    return [*steps, ChargeSession(connector_id=2, duration_s=5400), Pause(duration_s=3600)]


class ChargerFleet:
    """The live charge points, each reconnecting until ``stop()``, in one asyncio thread."""

    def __init__(self, demo: Demo, *, ocpp_url: str) -> None:
        self.demo, self.url = demo, ocpp_url
        self.chargers = live_chargers(demo)
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="demo-ocpp", daemon=True)

    @property
    def serials(self) -> frozenset[str]:
        return frozenset(a.serial for a in self.chargers)

    def start(self) -> None:
        set_passwords(self.demo, self.chargers)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        finally:
            self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        await asyncio.gather(*(self._keep_connected(a) for a in self.chargers))

    async def _keep_connected(self, asset: AssetPlan) -> None:
        assert self._stop is not None
        while not self._stop.is_set():
            try:
                profile = profile_of(self.demo, asset)
                await run_simulator(self.url, profile, scenario_of(asset), stop=self._stop)
            except Exception as error:  # the server restarts, a network hiccup…
                logger.info("charge point %s disconnected: %s", asset.serial, error)
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=RECONNECT_S)
            except TimeoutError:
                continue

    def request_stop(self) -> None:
        """Disconnect every charge point, without waiting."""
        if self._stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has just closed: all stopped
                self._loop.call_soon_threadsafe(self._stop.set)

    def stop(self) -> None:
        self.request_stop()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
