"""The central system's side of an OCPP 2.0.1 connection.

TransactionEvent replaces 1.6's Start/StopTransaction and transaction MeterValues: the
station names the transaction (a UUID), each event carries its meter values, and an event
for a transaction never seen Started (lost while offline) opens its session anyway. An EVSE
is a point of charge (IRVE PDC); StatusNotification reports its connector.
"""

from __future__ import annotations

import logging
from typing import Any

from ocpp.v201 import ChargePoint, call_result
from ocpp.v201.enums import Action

from convergence.charging.kinds import Protocol
from convergence.charging.ocpp.link import Link
from convergence.charging.ocpp.observations import (
    BootInfo,
    MeterSample,
    StatusReport,
    TransactionEnd,
    TransactionStart,
)
from convergence.charging.ocpp.routing import on_action
from convergence.charging.ocpp.timestamps import ocpp_time, parse_ocpp_time
from convergence.charging.ocpp.v201.meter import samples_of
from convergence.charging.status import status_from_ocpp201

LOGGER = logging.getLogger("convergence.charging.ocpp.v201")


def _token_status(accepted: bool) -> dict[str, str]:
    return {"status": "Accepted" if accepted else "Blocked"}


def _first_register(samples: list[MeterSample]) -> float | None:
    registers = sorted((s for s in samples if s.energy_wh is not None), key=lambda s: s.ts)
    return registers[0].energy_wh if registers else None


class ChargePointHandler(ChargePoint):  # type: ignore[misc]  # ocpp ships no type hints
    """Answers one OCPP 2.0.1 charging station; ``call`` sends it commands."""

    def __init__(self, link: Link, connection: Any) -> None:
        super().__init__(
            link.ref.ocpp_id,
            connection,
            response_timeout=link.config.response_timeout_s,
            logger=LOGGER,
        )
        self.link = link

    @on_action(Action.boot_notification)
    async def on_boot_notification(
        self, charging_station: dict[str, Any], reason: str, **_: Any
    ) -> Any:
        info = BootInfo(
            Protocol.v201,
            charging_station.get("vendor_name", ""),
            charging_station.get("model", ""),
            charging_station.get("serial_number"),
            charging_station.get("firmware_version"),
            reason,
        )
        registration = await self.link.boot(info)
        return call_result.BootNotification(
            current_time=ocpp_time(self.link.now()),
            interval=self.link.config.heartbeat_interval_s,
            status=registration.value,
        )

    @on_action(Action.heartbeat)
    def on_heartbeat(self) -> Any:
        return call_result.Heartbeat(current_time=ocpp_time(self.link.now()))

    @on_action(Action.status_notification)
    async def on_status_notification(
        self, timestamp: str, connector_status: str, evse_id: int, connector_id: int, **_: Any
    ) -> Any:
        report = StatusReport(
            connector_id=evse_id,
            status=connector_status,
            point_status=status_from_ocpp201(connector_status),
            ts=parse_ocpp_time(timestamp, received_at=self.link.now()),
            detail={"evse_connector_id": str(connector_id)},
        )
        await self.link.status(report)
        return call_result.StatusNotification()

    @on_action(Action.authorize)
    def on_authorize(self, id_token: dict[str, Any], **_: Any) -> Any:
        _digest, accepted = self.link.authorize(str(id_token.get("id_token", "")))
        return call_result.Authorize(id_token_info=_token_status(accepted))

    @on_action(Action.transaction_event)
    async def on_transaction_event(
        self,
        event_type: str,
        timestamp: str,
        transaction_info: dict[str, Any],
        **optional: Any,
    ) -> Any:
        received = self.link.now()
        samples = samples_of(optional.get("meter_value") or [], received_at=received)
        evse = optional.get("evse") or {}
        token = optional.get("id_token")
        digest, accepted = self.link.authorize(str(token["id_token"])) if token else (None, True)
        ref = str(transaction_info["transaction_id"])
        ts = parse_ocpp_time(timestamp, received_at=received)
        connector_id = int(evse.get("id", 0))
        if event_type == "Ended":
            reason = transaction_info.get("stopped_reason") or "Local"
            end = TransactionEnd(ref, ts, None, reason, tuple(samples), connector_id or None)
            await self.link.stop(end)
        else:
            start = TransactionStart(
                connector_id, ts, digest, accepted, _first_register(samples), ref, tuple(samples)
            )
            # Started, or an Updated whose Started was lost: the same session either way.
            await self.link.start(start)
            if event_type == "Updated":
                await self.link.meter_values(connector_id, samples, ref)
        if token is None:
            return call_result.TransactionEvent()
        return call_result.TransactionEvent(id_token_info=_token_status(accepted))

    @on_action(Action.meter_values)
    async def on_meter_values(
        self, evse_id: int, meter_value: list[dict[str, Any]], **_: Any
    ) -> Any:
        # EVSE 0 is the station's main meter, not a point of charge: not a connector reading.
        if evse_id > 0:
            samples = samples_of(meter_value, received_at=self.link.now())
            await self.link.meter_values(evse_id, samples, None)
        return call_result.MeterValues()
