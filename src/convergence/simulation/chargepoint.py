"""A simulated OCPP 1.6-J charge point: a real WebSocket client built on the ``ocpp`` library.

It boots, beats, reports statuses, plays a scripted scenario (sessions with realistic meter
values, faults) and obeys the Core and Remote Trigger commands of a CSMS. Use
``run_charge_point(url, profile, scenario)``; the URL is the CSMS endpoint, e.g.
``ws://127.0.0.1:9000/ocpp``, to which the charge point id is appended.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
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

TRIGGERABLE = frozenset({"BootNotification", "Heartbeat", "StatusNotification", "MeterValues"})
_WRITABLE_KEYS = frozenset({"HeartbeatInterval", "MeterValueSampleInterval"})


class ChargePoint16Simulator(SimulatorCore, ChargePoint):  # type: ignore[misc]  # ocpp is untyped
    """An OCPP 1.6 charge point with ``profile.connectors`` connectors."""

    version = OcppVersion.v16
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

    # --- requests -------------------------------------------------------------------------

    def boot_request(self, reason: str | None) -> Any:
        """BootNotification (1.6 has no boot reason)."""
        return call.BootNotification(
            charge_point_model=self.profile.model,
            charge_point_vendor=self.profile.vendor,
            charge_point_serial_number=self.profile.serial_number,
            firmware_version=self.profile.firmware_version,
        )

    def heartbeat_request(self) -> Any:
        """Heartbeat."""
        return call.Heartbeat()

    async def announce(self) -> None:
        """Connector 0 (the whole charge point), then every connector."""
        await self.send(
            call.StatusNotification(
                connector_id=0, error_code="NoError", status="Available", timestamp=ocpp_timestamp()
            )
        )
        await super().announce()

    async def notify(self, connector: ConnectorState, status: str) -> None:
        """StatusNotification of one connector, with its fault as error code."""
        connector.status = status
        await self.send(
            call.StatusNotification(
                connector_id=connector.connector_id,
                error_code=connector.fault or "NoError",
                status=status,
                timestamp=ocpp_timestamp(),
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
                    "value": str(meter.reading_wh),
                    "context": context,
                    "measurand": "Energy.Active.Import.Register",
                    "location": "Outlet",
                    "unit": "Wh",
                },
                {
                    "value": f"{meter.power_w:.0f}",
                    "context": context,
                    "measurand": "Power.Active.Import",
                    "location": "Outlet",
                    "unit": "W",
                },
            ],
        }

    async def send_meter_values(self, connector: ConnectorState, context: str) -> None:
        """MeterValues of one connector (with its transaction, if any)."""
        transaction = int(connector.transaction_id) if connector.transaction_id else None
        await self.send(
            call.MeterValues(
                connector_id=connector.connector_id,
                transaction_id=transaction,
                meter_value=[self.sample(connector, context)],
            )
        )

    # --- the session: Preparing, Authorize, StartTransaction, MeterValues…, StopTransaction --

    async def run_session(self, connector: ConnectorState, plan: SessionPlan) -> None:
        """Plug in, authorise, charge, stop, unplug."""
        started_at = utc_now()
        meter_start = connector.meter.reading_wh
        await self.notify(connector, "Preparing")
        authorized = await self._authorized(plan)
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
        if authorized:
            await self.notify(connector, "Finishing")
        self.release(connector)
        await self.notify_idle(connector)

    async def _authorized(self, plan: SessionPlan) -> bool:
        if plan.remote and not self.authorize_remote:
            return True  # the CSMS vouched for the tag by starting remotely
        response = await self.send(call.Authorize(id_tag=plan.id_tag))
        return bool(response.id_tag_info["status"] == "Accepted")

    async def _transaction(self, connector: ConnectorState, plan: SessionPlan) -> str:
        started = await self.send(
            call.StartTransaction(
                connector_id=connector.connector_id,
                id_tag=plan.id_tag,
                meter_start=connector.meter.reading_wh,
                timestamp=ocpp_timestamp(),
            )
        )
        connector.transaction_id = str(started.transaction_id)
        if started.id_tag_info["status"] == "Accepted":
            await self.notify(connector, "Charging")
            reason = await self.deliver(
                connector, plan, lambda: self.send_meter_values(connector, "Sample.Periodic")
            )
        else:
            reason = "DeAuthorized"  # the CSMS refused the tag at start: stop at once
        await self._stop_transaction(connector, plan, reason)
        return reason

    async def _stop_transaction(
        self, connector: ConnectorState, plan: SessionPlan, reason: str
    ) -> None:
        await self.send(
            call.StopTransaction(
                meter_stop=connector.meter.reading_wh,
                timestamp=ocpp_timestamp(),
                transaction_id=int(connector.transaction_id or 0),
                reason=reason,
                id_tag=plan.id_tag,
                transaction_data=[self.sample(connector, "Transaction.End")],
            )
        )

    # --- commands from the CSMS ------------------------------------------------------------

    @on_action(Action.remote_start_transaction)
    def on_remote_start(
        self, id_tag: str, call_unique_id: str, connector_id: int | None = None, **_: Any
    ) -> Any:
        """Accept when a connector is free, then start a session on it."""
        connector = self.free_connector(connector_id)
        if connector is None:
            return call_result.RemoteStartTransaction(status="Rejected")
        plan = SessionPlan(id_tag, self.profile.remote_session_s, remote=True)
        connector.busy = True  # claimed now: a second request must find it taken

        async def start() -> None:
            self.start_session(connector, plan)

        self.defer(call_unique_id, start, "RemoteStartTransaction")
        return call_result.RemoteStartTransaction(status="Accepted")

    @after_action(Action.remote_start_transaction)
    def after_remote_start(self, call_unique_id: str, **_: Any) -> None:
        """Start the accepted session."""
        self.run_deferred(call_unique_id)

    @on_action(Action.remote_stop_transaction)
    def on_remote_stop(self, transaction_id: int, call_unique_id: str, **_: Any) -> Any:
        """Accept when the transaction runs here, then stop it (reason Remote)."""
        connector = self.connector_with_transaction(str(transaction_id))
        if connector is None:
            return call_result.RemoteStopTransaction(status="Rejected")

        async def stop() -> None:
            connector.request_stop("Remote")

        self.defer(call_unique_id, stop, "RemoteStopTransaction")
        return call_result.RemoteStopTransaction(status="Accepted")

    @after_action(Action.remote_stop_transaction)
    def after_remote_stop(self, call_unique_id: str, **_: Any) -> None:
        """Stop the transaction."""
        self.run_deferred(call_unique_id)

    @on_action(Action.reset)
    def on_reset(self, type: str, call_unique_id: str, **_: Any) -> Any:
        """Accept; stop the sessions (SoftReset/HardReset), then boot again."""

        async def reboot() -> None:
            await self.stop_sessions(f"{type}Reset")
            await self.boot()

        self.defer(call_unique_id, reboot, f"Reset {type}")
        return call_result.Reset(status="Accepted")

    @after_action(Action.reset)
    def after_reset(self, call_unique_id: str, **_: Any) -> None:
        """Reboot."""
        self.run_deferred(call_unique_id)

    @on_action(Action.change_availability)
    def on_change_availability(
        self, connector_id: int, type: str, call_unique_id: str, **_: Any
    ) -> Any:
        """Operative/Inoperative; Scheduled while a session runs on a target connector."""
        targets = self._targets(connector_id)
        if not targets:
            return call_result.ChangeAvailability(status="Rejected")
        for connector in targets:
            connector.operative = type == "Operative"

        async def announce() -> None:
            await self.announce_when_idle(targets)

        self.defer(call_unique_id, announce, f"ChangeAvailability {type}")
        busy = any(connector.busy for connector in targets)
        return call_result.ChangeAvailability(status="Scheduled" if busy else "Accepted")

    @after_action(Action.change_availability)
    def after_change_availability(self, call_unique_id: str, **_: Any) -> None:
        """Report the new availability."""
        self.run_deferred(call_unique_id)

    def _targets(self, connector_id: int) -> list[ConnectorState]:
        if connector_id == 0:
            return list(self.connectors.values())
        connector = self.connectors.get(connector_id)
        return [connector] if connector is not None else []

    @on_action(Action.unlock_connector)
    def on_unlock(self, connector_id: int, call_unique_id: str, **_: Any) -> Any:
        """Unlock; a running session ends (reason UnlockCommand)."""
        connector = self.connectors.get(connector_id)
        if connector is None:
            return call_result.UnlockConnector(status="NotSupported")

        async def unlock() -> None:
            if connector.session is not None:
                connector.request_stop("UnlockCommand")

        self.defer(call_unique_id, unlock, "UnlockConnector")
        return call_result.UnlockConnector(status="Unlocked")

    @after_action(Action.unlock_connector)
    def after_unlock(self, call_unique_id: str, **_: Any) -> None:
        """Stop the session of the unlocked connector."""
        self.run_deferred(call_unique_id)

    def configuration(self) -> dict[str, tuple[bool, str]]:
        """Configuration keys: name → (read-only, value)."""
        return {
            "HeartbeatInterval": (False, f"{self.heartbeat_interval_s:g}"),
            "MeterValueSampleInterval": (False, f"{self.meter_interval_s:g}"),
            "NumberOfConnectors": (True, str(len(self.connectors))),
            "SupportedFeatureProfiles": (True, "Core,RemoteTrigger"),
            "MeterValuesSampledData": (True, "Energy.Active.Import.Register,Power.Active.Import"),
            "AuthorizeRemoteTxRequests": (True, "true" if self.authorize_remote else "false"),
        }

    @on_action(Action.get_configuration)
    def on_get_configuration(self, key: list[str] | None = None, **_: Any) -> Any:
        """The requested keys (all when none), and those unknown here."""
        known = self.configuration()
        wanted = key or list(known)
        return call_result.GetConfiguration(
            configuration_key=[
                {"key": name, "readonly": known[name][0], "value": known[name][1]}
                for name in wanted
                if name in known
            ],
            unknown_key=[name for name in wanted if name not in known] or None,
        )

    @on_action(Action.change_configuration)
    def on_change_configuration(self, key: str, value: str, **_: Any) -> Any:
        """Change HeartbeatInterval or MeterValueSampleInterval (simulated seconds)."""
        known = self.configuration()
        if key not in known:
            return call_result.ChangeConfiguration(status="NotSupported")
        seconds = _positive_number(value)
        if key not in _WRITABLE_KEYS or seconds is None:
            return call_result.ChangeConfiguration(status="Rejected")
        if key == "HeartbeatInterval":
            self.heartbeat_interval_s = seconds
        else:
            self.meter_interval_s = seconds
        self.report.commands.append(f"ChangeConfiguration {key}")
        return call_result.ChangeConfiguration(status="Accepted")

    @on_action(Action.trigger_message)
    def on_trigger(
        self, requested_message: str, call_unique_id: str, connector_id: int | None = None, **_: Any
    ) -> Any:
        """Send BootNotification, Heartbeat, StatusNotification or MeterValues now."""
        if requested_message not in TRIGGERABLE:
            return call_result.TriggerMessage(status="NotImplemented")

        async def send_requested() -> None:
            await self._send_triggered(requested_message, connector_id)

        self.defer(call_unique_id, send_requested, f"TriggerMessage {requested_message}")
        return call_result.TriggerMessage(status="Accepted")

    @after_action(Action.trigger_message)
    def after_trigger(self, call_unique_id: str, **_: Any) -> None:
        """Send the requested message."""
        self.run_deferred(call_unique_id)

    async def _send_triggered(self, message: str, connector_id: int | None) -> None:
        if message == "BootNotification":
            await self.send(self.boot_request(None))
        elif message == "Heartbeat":
            await self.send(self.heartbeat_request())
        connectors = self._targets(connector_id or 0)
        for connector in connectors if message == "StatusNotification" else ():
            await self.notify(connector, connector.status)
        for connector in connectors if message == "MeterValues" else ():
            await self.send_meter_values(connector, "Trigger")


def _positive_number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number > 0 else None


async def run_charge_point(
    url: str,
    profile: ChargePointProfile,
    scenario: Sequence[ScenarioStep] = (),
    *,
    stop: asyncio.Event | None = None,
    stats: CallStats | None = None,
) -> SimulationReport:
    """Connect one OCPP 1.6 charge point to ``{url}/{id}``, play the scenario, report."""
    async with ocpp_connection(url, profile, OcppVersion.v16) as websocket:
        simulator = ChargePoint16Simulator(profile, websocket, stats=stats)
        return await simulator.run(scenario, stop)
