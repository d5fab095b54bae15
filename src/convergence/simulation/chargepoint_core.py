"""Behaviour both simulated charge points share: boot, heartbeats, scenario, sessions."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, ClassVar

from convergence.errors import InvalidInput
from convergence.simulation.chargepoint_config import (
    ChargePointProfile,
    ChargeSession,
    Fault,
    OcppVersion,
    Pause,
    ScenarioStep,
    SessionRecord,
    SimulationReport,
)
from convergence.simulation.chargepoint_runtime import (
    LOGGER,
    BackgroundTasks,
    CallStats,
    ConnectorState,
    EnergyMeter,
    Job,
    Pace,
    SessionPlan,
    utc_now,
    vehicle_power,
)


class SimulatorCore:
    """Mixed into an ``ocpp`` ChargePoint subclass; the version-specific parts are hooks."""

    version: ClassVar[OcppVersion]
    fault_stop_reason: ClassVar[str]
    # Provided by ocpp's ChargePoint, the other base of every concrete simulator.
    call: Callable[..., Awaitable[Any]]
    start: Callable[[], Coroutine[Any, Any, None]]

    def setup(self, profile: ChargePointProfile, stats: CallStats | None) -> None:
        """Initial state; called by the concrete simulator's constructor."""
        self.profile = profile
        self.pace = Pace(profile.speedup)
        self.stats = stats if stats is not None else CallStats()
        self.report = SimulationReport(
            charge_point_id=profile.charge_point_id, version=self.version
        )
        self.tasks = BackgroundTasks(self._record_error)
        self.rng = random.Random(f"{profile.seed}/{profile.charge_point_id}")
        self.connectors = {
            number: ConnectorState(number, EnergyMeter(self._initial_register(), self.rng))
            for number in range(1, profile.connectors + 1)
        }
        self.heartbeat_interval_s = profile.heartbeat_interval_s or 300.0
        self.meter_interval_s = profile.meter_interval_s
        self.authorize_remote = False
        self._deferred: dict[str, Job] = {}

    def _initial_register(self) -> float:
        # Meters of one charge point were not installed on the same day.
        return float(self.profile.initial_register_wh + self.rng.randrange(50_000))

    # --- hooks of each OCPP version -------------------------------------------------------

    def boot_request(self, reason: str | None) -> Any:
        """The BootNotification request."""
        raise NotImplementedError

    def heartbeat_request(self) -> Any:
        """The Heartbeat request."""
        raise NotImplementedError

    async def notify_idle(self, connector: ConnectorState) -> None:
        """Send the StatusNotification of a connector without a vehicle."""
        raise NotImplementedError

    async def run_session(self, connector: ConnectorState, plan: SessionPlan) -> None:
        """Play one charging session on a claimed connector."""
        raise NotImplementedError

    # --- requests -------------------------------------------------------------------------

    async def send(self, payload: Any) -> Any:
        """Send a request to the CSMS and time it; a CALLERROR raises, never returns None."""
        begun = time.perf_counter()
        try:
            response = await self.call(payload, suppress=False)
        except Exception:
            self.stats.errors += 1
            raise
        self.stats.latencies_s.append(time.perf_counter() - begun)
        return response

    async def boot(self, reason: str | None = None) -> None:
        """BootNotification until accepted, then the status of every connector."""
        while True:
            response = await self.send(self.boot_request(reason))
            self.report.boots += 1
            if response.status == "Accepted":
                if self.profile.heartbeat_interval_s is None and response.interval > 0:
                    self.heartbeat_interval_s = float(response.interval)
                await self.announce()
                return
            # Pending or Rejected: the interval is the delay before trying again.
            await self.pace.sleep(response.interval or 60)

    async def announce(self) -> None:
        """The status of every connector, as after a boot."""
        for connector in self.connectors.values():
            if not connector.busy:
                await self.notify_idle(connector)

    async def announce_when_idle(self, connectors: Sequence[ConnectorState]) -> None:
        """The status of each connector once its session (if any) is over."""
        for connector in connectors:
            # Waiting makes a Scheduled change show when it takes effect, and repeats the
            # status if the session ended just before the change.
            if connector.session is not None:
                await asyncio.wait({connector.session})
            await self.notify_idle(connector)

    async def heartbeat_loop(self) -> None:
        """A Heartbeat every interval (from the boot response or the configuration)."""
        while True:
            await self.pace.sleep(self.heartbeat_interval_s)
            await self.send(self.heartbeat_request())
            self.report.heartbeats += 1

    # --- commands from the CSMS: decide in the handler, act once the answer is sent ---------

    def defer(self, unique_id: str, job: Job, command: str) -> None:
        """Keep what an accepted command will do until its response has left."""
        self._deferred[unique_id] = job
        self.report.commands.append(command)

    def run_deferred(self, unique_id: str) -> None:
        """Start what an accepted command does (called from the ``@after`` hooks)."""
        job = self._deferred.pop(unique_id, None)
        if job is not None:
            self.tasks.spawn(job())

    def _record_error(self, error: BaseException) -> None:
        LOGGER.warning("%s: %r", self.profile.charge_point_id, error)
        self.report.errors.append(f"{type(error).__name__}: {error}")

    # --- connectors and sessions ----------------------------------------------------------

    def free_connector(self, connector_id: int | None) -> ConnectorState | None:
        """The requested connector if free, or the first free one when none is named."""
        if connector_id is not None and connector_id > 0:
            connector = self.connectors.get(connector_id)
            return connector if connector is not None and connector.free else None
        return next((c for c in self.connectors.values() if c.free), None)

    def connector_with_transaction(self, transaction_id: str) -> ConnectorState | None:
        """The connector running a transaction."""
        found = (c for c in self.connectors.values() if c.transaction_id == transaction_id)
        return next(found, None)

    def start_session(self, connector: ConnectorState, plan: SessionPlan) -> asyncio.Task[None]:
        """Claim a connector and run a session on it in the background."""
        connector.busy = True
        connector.stop_requested.clear()
        connector.session = self.tasks.spawn(self._guarded_session(connector, plan))
        return connector.session

    async def _guarded_session(self, connector: ConnectorState, plan: SessionPlan) -> None:
        try:
            await self.run_session(connector, plan)
        finally:
            self.release(connector)
            connector.session = None

    def release(self, connector: ConnectorState) -> None:
        """The vehicle has left: the connector takes commands and sessions again."""
        connector.busy = False
        connector.transaction_id = None

    async def stop_sessions(self, reason: str, *, wait_only: bool = False) -> None:
        """End (or just wait for) every running session."""
        sessions = [c.session for c in self.connectors.values() if c.session is not None]
        if not wait_only:
            for connector in self.connectors.values():
                if connector.session is not None:
                    connector.request_stop(reason)
        if sessions:
            await asyncio.wait(sessions)

    async def deliver(self, connector: ConnectorState, plan: SessionPlan, report_meter: Job) -> str:
        """Charge until the planned end or a stop request; the stop reason."""
        limit = self.profile.max_power_w
        power = min(plan.power_w, limit) if plan.power_w else vehicle_power(self.rng, limit)
        connector.meter.begin(power)
        elapsed = 0.0
        try:
            while elapsed < plan.duration_s:
                step = min(self.meter_interval_s, plan.duration_s - elapsed)
                begun = time.monotonic()
                if await self.pace.wait(connector.stop_requested, step):
                    connector.meter.advance(min(step, self.pace.simulated_since(begun)))
                    return connector.stop_reason
                connector.meter.advance(step)
                elapsed += step
                await report_meter()
        finally:
            connector.meter.end()
        return "Local"

    def record_session(
        self, connector: ConnectorState, plan: SessionPlan, **facts: Any
    ) -> SessionRecord:
        """Add a finished session to the report."""
        record = SessionRecord(
            connector_id=connector.connector_id,
            id_tag=plan.id_tag,
            remote=plan.remote,
            meter_stop_wh=connector.meter.reading_wh,
            ended_at=utc_now(),
            **facts,
        )
        self.report.sessions.append(record)
        return record

    # --- the scenario -----------------------------------------------------------------------

    async def run(
        self, scenario: Sequence[ScenarioStep] = (), stop: asyncio.Event | None = None
    ) -> SimulationReport:
        """Boot, beat, play the scenario, then answer the CSMS until ``stop`` is set."""
        self._check_scenario(scenario)
        self.report.started_at = utc_now()
        listener = asyncio.get_running_loop().create_task(self.start())
        try:
            await self._serve(scenario, stop, listener)
        finally:
            await self.tasks.close()
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)
            self.report.ended_at = utc_now()
        return self.report

    def _check_scenario(self, scenario: Sequence[ScenarioStep]) -> None:
        for step in scenario:
            if not isinstance(step, Pause) and step.connector_id not in self.connectors:
                raise InvalidInput(
                    "scenario names a connector the charge point does not have",
                    connector_id=step.connector_id,
                )

    async def _serve(
        self,
        scenario: Sequence[ScenarioStep],
        stop: asyncio.Event | None,
        listener: asyncio.Task[None],
    ) -> None:
        await self.boot()
        self.tasks.spawn(self.heartbeat_loop())
        for step in scenario:
            await self.play(step)
        if stop is None:
            return
        waiter = asyncio.get_running_loop().create_task(stop.wait())
        await asyncio.wait({waiter, listener}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)
        if listener.done() and not listener.cancelled() and listener.exception() is not None:
            self._record_error(listener.exception() or RuntimeError("connection lost"))

    async def play(self, step: ScenarioStep) -> None:
        """Play one scenario step to its end."""
        if isinstance(step, Pause):
            await self.pace.sleep(step.duration_s)
        elif isinstance(step, Fault):
            await self.fault(self.connectors[step.connector_id], step)
        else:
            await self._charge(step)

    async def _charge(self, step: ChargeSession) -> None:
        connector = self.connectors[step.connector_id]
        if not connector.free:
            self.report.errors.append(f"connector {step.connector_id} busy: session skipped")
            return
        plan = SessionPlan(step.id_tag or self.profile.id_tag, step.duration_s, step.power_w)
        await asyncio.wait({self.start_session(connector, plan)})

    async def fault(self, connector: ConnectorState, step: Fault) -> None:
        """Fault a connector for a while; a running session stops first."""
        connector.fault = step.error_code
        self.report.faults += 1
        session = connector.session
        if session is not None:
            connector.request_stop(self.fault_stop_reason)
            await asyncio.wait({session})  # the session ends on the Faulted status
        else:
            await self.notify_idle(connector)
        await self.pace.sleep(step.duration_s)
        connector.fault = None
        if not connector.busy:
            await self.notify_idle(connector)
