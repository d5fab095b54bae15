"""A simulated OCPP 2.0.1 charging station: a real WebSocket client built on ``ocpp``.

Each EVSE has one connector. Sessions follow 2.0.1: StatusNotification Occupied,
Authorize, TransactionEvent Started / Updated (meter values) / Ended, the transaction id
being chosen by the station. Use ``run_charging_station(url, profile, scenario)``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any

from ocpp.v201 import ChargePoint, call, call_result
from ocpp.v201.enums import Action
from websockets.asyncio.client import ClientConnection

from convergence.simulation.chargepoint_config import (
    ChargePointProfile,
    OcppVersion,
    ScenarioStep,
    SimulationReport,
)
from convergence.simulation.chargepoint_core import SimulatorCore
from convergence.simulation.chargepoint_runtime import (
    LOGGER,
    CallStats,
    ConnectorState,
    SessionPlan,
    after_action,
    ocpp_connection,
    ocpp_timestamp,
    on_action,
    utc_now,
)

# TransactionEvent Ended: the trigger that goes with each stop reason.
STOP_TRIGGERS: dict[str, str] = {
    "Local": "StopAuthorized",
    "Remote": "RemoteStop",
    "ImmediateReset": "ResetCommand",
    "DeAuthorized": "Deauthorized",
    "Other": "AbnormalCondition",
}


class ChargingStation201Simulator(SimulatorCore, ChargePoint):  # type: ignore[misc]  # untyped
    """An OCPP 2.0.1 charging station with ``profile.connectors`` EVSEs."""

    version = OcppVersion.v201
    fault_stop_reason = "Other"

    def __init__(
        self,
        profile: ChargePointProfile,
        connection: ClientConnection,
        *,
        stats: CallStats | None = None,
    ) -> None:
        super().__init__(
            profile.charge_point_id,
            connection,
            response_timeout=profile.response_timeout_s,
            logger=LOGGER,
        )
        self.setup(profile, stats)
        self._sequence: dict[int, int] = {}

    # --- requests -------------------------------------------------------------------------

    def boot_request(self, reason: str | None) -> Any:
        """BootNotification with the station's identity and the boot reason."""
        station = {
            "model": self.profile.model,
            "vendor_name": self.profile.vendor,
            "firmware_version": self.profile.firmware_version,
            "serial_number": self.profile.serial_number,
        }
        return call.BootNotification(
            charging_station={k: v for k, v in station.items() if v is not None},
            reason=reason or "PowerUp",
        )

    def heartbeat_request(self) -> Any:
        """Heartbeat."""
        return call.Heartbeat()

    async def notify(self, connector: ConnectorState, status: str) -> None:
        """StatusNotification of the EVSE's connector."""
        connector.status = status
        await self.send(
            call.StatusNotification(
                timestamp=ocpp_timestamp(),
                connector_status=status,
                evse_id=connector.connector_id,
                connector_id=1,
            )
        )

    async def notify_idle(self, connector: ConnectorState) -> None:
        """Available, Unavailable or Faulted."""
        await self.notify(connector, connector.idle_status)

    def sample(self, connector: ConnectorState, context: str) -> dict[str, Any]:
        """One MeterValue: energy register (Wh) and active power (W) at the outlet."""
        meter = connector.meter
        return {
            "timestamp": ocpp_timestamp(),
            "sampled_value": [
                {
                    "value": meter.reading_wh,
                    "context": context,
                    "measurand": "Energy.Active.Import.Register",
                    "location": "Outlet",
                    "unit_of_measure": {"unit": "Wh"},
                },
                {
                    "value": round(meter.power_w),
                    "context": context,
                    "measurand": "Power.Active.Import",
                    "location": "Outlet",
                    "unit_of_measure": {"unit": "W"},
                },
            ],
        }

    async def transaction_event(
        self,
        connector: ConnectorState,
        event_type: str,
        trigger: str,
        *,
        id_token: dict[str, str] | None = None,
        **info: Any,
    ) -> Any:
        """One TransactionEvent of the connector's transaction, numbered in sequence."""
        number = self._sequence.get(connector.connector_id, 0)
        self._sequence[connector.connector_id] = number + 1
        context = {"Started": "Transaction.Begin", "Ended": "Transaction.End"}
        return await self.send(
            call.TransactionEvent(
                event_type=event_type,
                timestamp=ocpp_timestamp(),
                trigger_reason=trigger,
                seq_no=number,
                transaction_info={"transaction_id": connector.transaction_id, **info},
                meter_value=[self.sample(connector, context.get(event_type, "Sample.Periodic"))],
                evse={"id": connector.connector_id, "connector_id": 1},
                id_token=id_token,
            )
        )

    # --- the session ------------------------------------------------------------------------

    async def run_session(self, connector: ConnectorState, plan: SessionPlan) -> None:
        """Plug in, authorise, TransactionEvent Started…Ended, unplug."""
        started_at = utc_now()
        await self.notify(connector, "Occupied")
        authorized = await self._authorized(plan)
        meter_start = connector.meter.reading_wh
        reason = await self._transaction(connector, plan) if authorized else None
        self.record_session(
            connector,
            plan,
            transaction_id=connector.transaction_id,
            authorized=authorized,
            stop_reason=reason,
            meter_start_wh=meter_start,
            started_at=started_at,
        )
        self.release(connector)
        await self.notify_idle(connector)

    async def _authorized(self, plan: SessionPlan) -> bool:
        if plan.remote and not self.authorize_remote:
            return True  # the CSMS vouched for the token by starting remotely
        response = await self.send(call.Authorize(id_token=_id_token(plan.id_tag)))
        return bool(response.id_token_info["status"] == "Accepted")

    async def _transaction(self, connector: ConnectorState, plan: SessionPlan) -> str:
        connector.transaction_id = str(uuid.uuid4())  # 2.0.1: the station names transactions
        self._sequence[connector.connector_id] = 0
        started = await self.transaction_event(
            connector,
            "Started",
            "RemoteStart" if plan.remote else "Authorized",
            charging_state="Charging",
            remote_start_id=plan.remote_start_id,
            id_token=_id_token(plan.id_tag),
        )
        token = started.id_token_info
        if token is None or token["status"] == "Accepted":
            reason = await self.deliver(connector, plan, lambda: self._update(connector))
        else:
            reason = "DeAuthorized"  # the CSMS refused the token at start: stop at once
        await self.transaction_event(
            connector,
            "Ended",
            STOP_TRIGGERS.get(reason, "AbnormalCondition"),
            charging_state="EVConnected",
            stopped_reason=reason,
        )
        return reason

    async def _update(self, connector: ConnectorState) -> None:
        await self.transaction_event(
            connector, "Updated", "MeterValuePeriodic", charging_state="Charging"
        )

    # --- commands from the CSMS ------------------------------------------------------------

    @on_action(Action.request_start_transaction)
    def on_request_start(
        self,
        id_token: dict[str, Any],
        remote_start_id: int,
        call_unique_id: str,
        evse_id: int | None = None,
        **_: Any,
    ) -> Any:
        """Accept when an EVSE is free, then start a session on it."""
        connector = self.free_connector(evse_id)
        if connector is None:
            return call_result.RequestStartTransaction(status="Rejected")
        plan = SessionPlan(
            id_token["id_token"],
            self.profile.remote_session_s,
            remote=True,
            remote_start_id=remote_start_id,
        )
        connector.busy = True  # claimed now: a second request must find it taken

        async def start() -> None:
            self.start_session(connector, plan)

        self.defer(call_unique_id, start, "RequestStartTransaction")
        return call_result.RequestStartTransaction(status="Accepted")

    @after_action(Action.request_start_transaction)
    def after_request_start(self, call_unique_id: str, **_: Any) -> None:
        """Start the accepted session."""
        self.run_deferred(call_unique_id)

    @on_action(Action.request_stop_transaction)
    def on_request_stop(self, transaction_id: str, call_unique_id: str, **_: Any) -> Any:
        """Accept when the transaction runs here, then end it (reason Remote)."""
        connector = self.connector_with_transaction(transaction_id)
        if connector is None:
            return call_result.RequestStopTransaction(status="Rejected")

        async def stop() -> None:
            connector.request_stop("Remote")

        self.defer(call_unique_id, stop, "RequestStopTransaction")
        return call_result.RequestStopTransaction(status="Accepted")

    @after_action(Action.request_stop_transaction)
    def after_request_stop(self, call_unique_id: str, **_: Any) -> None:
        """End the transaction."""
        self.run_deferred(call_unique_id)

    @on_action(Action.reset)
    def on_reset(self, type: str, call_unique_id: str, **_: Any) -> Any:
        """Immediate: end sessions and reboot; OnIdle: reboot once sessions are over."""
        immediate = type == "Immediate"

        async def reboot() -> None:
            await self.stop_sessions("ImmediateReset", wait_only=not immediate)
            await self.boot("RemoteReset")

        self.defer(call_unique_id, reboot, f"Reset {type}")
        busy = any(connector.busy for connector in self.connectors.values())
        return call_result.Reset(status="Scheduled" if busy and not immediate else "Accepted")

    @after_action(Action.reset)
    def after_reset(self, call_unique_id: str, **_: Any) -> None:
        """Reboot."""
        self.run_deferred(call_unique_id)

    @on_action(Action.change_availability)
    def on_change_availability(
        self,
        operational_status: str,
        call_unique_id: str,
        evse: dict[str, Any] | None = None,
        **_: Any,
    ) -> Any:
        """Operative/Inoperative for one EVSE or the station; Scheduled while charging."""
        targets = self._targets(evse)
        if not targets:
            return call_result.ChangeAvailability(status="Rejected")
        for connector in targets:
            connector.operative = operational_status == "Operative"

        async def announce() -> None:
            await self.announce_when_idle(targets)

        self.defer(call_unique_id, announce, f"ChangeAvailability {operational_status}")
        busy = any(connector.busy for connector in targets)
        return call_result.ChangeAvailability(status="Scheduled" if busy else "Accepted")

    @after_action(Action.change_availability)
    def after_change_availability(self, call_unique_id: str, **_: Any) -> None:
        """Report the new availability."""
        self.run_deferred(call_unique_id)

    def _targets(self, evse: dict[str, Any] | None) -> list[ConnectorState]:
        if evse is None or evse.get("id", 0) == 0:
            return list(self.connectors.values())
        connector = self.connectors.get(int(evse["id"]))
        return [connector] if connector is not None else []


def _id_token(tag: str) -> dict[str, str]:
    return {"id_token": tag, "type": "ISO14443"}


async def run_charging_station(
    url: str,
    profile: ChargePointProfile,
    scenario: Sequence[ScenarioStep] = (),
    *,
    stop: asyncio.Event | None = None,
    stats: CallStats | None = None,
) -> SimulationReport:
    """Connect one OCPP 2.0.1 station to ``{url}/{id}``, play the scenario, report."""
    async with ocpp_connection(url, profile, OcppVersion.v201) as websocket:
        simulator = ChargingStation201Simulator(profile, websocket, stats=stats)
        return await simulator.run(scenario, stop)
