"""The central system's side of an OCPP 1.6-J connection.

Each handler turns a request into observations, stores them through the ``Link`` (the answer
leaves after the commit) and answers as OCPP 1.6 says: the central system assigns the
transactionId, accepts every stop, and answers MeterValues even for an unknown transaction.
Requests and answers are validated against the OCA JSON schemas by the ``ocpp`` library.
"""

from __future__ import annotations

import logging
from typing import Any

from ocpp.v16 import ChargePoint, call_result
from ocpp.v16.enums import Action

from convergence.charging.kinds import Protocol
from convergence.charging.ocpp.link import Link
from convergence.charging.ocpp.observations import (
    BootInfo,
    StatusReport,
    TransactionEnd,
    TransactionStart,
)
from convergence.charging.ocpp.routing import on_action
from convergence.charging.ocpp.timestamps import ocpp_time, parse_ocpp_time
from convergence.charging.ocpp.v16.meter import samples_of
from convergence.charging.status import status_from_ocpp16

LOGGER = logging.getLogger("convergence.charging.ocpp.v16")
_DETAIL_FIELDS = ("info", "vendor_id", "vendor_error_code")


def _tag_status(accepted: bool) -> dict[str, str]:
    return {"status": "Accepted" if accepted else "Blocked"}


class ChargePointHandler(ChargePoint):  # type: ignore[misc]  # ocpp ships no type hints
    """Answers one OCPP 1.6 charge point; ``call`` sends it commands."""

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
        self, charge_point_vendor: str, charge_point_model: str, **optional: Any
    ) -> Any:
        serial = optional.get("charge_point_serial_number") or optional.get(
            "charge_box_serial_number"
        )
        info = BootInfo(
            Protocol.v16,
            charge_point_vendor,
            charge_point_model,
            serial,
            optional.get("firmware_version"),
        )
        registration = await self.link.boot(info)
        return call_result.BootNotification(
            current_time=ocpp_time(self.link.now()),
            interval=self.link.config.heartbeat_interval_s,
            status=registration.value,
        )

    @on_action(Action.heartbeat)
    def on_heartbeat(self) -> Any:
        # Liveness is noted when any message arrives (central.py); nothing to store here.
        return call_result.Heartbeat(current_time=ocpp_time(self.link.now()))

    @on_action(Action.status_notification)
    async def on_status_notification(
        self, connector_id: int, error_code: str, status: str, **optional: Any
    ) -> Any:
        received = self.link.now()
        detail = {k: str(optional[k])[:100] for k in _DETAIL_FIELDS if optional.get(k)}
        report = StatusReport(
            connector_id=connector_id,
            status=status,
            point_status=status_from_ocpp16(status),
            ts=parse_ocpp_time(optional.get("timestamp"), received_at=received),
            error_code=error_code,
            detail=detail,
        )
        await self.link.status(report)
        return call_result.StatusNotification()

    @on_action(Action.authorize)
    def on_authorize(self, id_tag: str) -> Any:
        _, accepted = self.link.authorize(id_tag)
        return call_result.Authorize(id_tag_info=_tag_status(accepted))

    @on_action(Action.start_transaction)
    async def on_start_transaction(
        self, connector_id: int, id_tag: str, meter_start: int, timestamp: str, **_: Any
    ) -> Any:
        # The tag is checked again: the charge point may have authorised from its cache.
        digest, accepted = self.link.authorize(id_tag)
        start = TransactionStart(
            connector_id=connector_id,
            ts=parse_ocpp_time(timestamp, received_at=self.link.now()),
            id_tag_hash=digest,
            id_tag_accepted=accepted,
            meter_start_wh=float(meter_start),
        )
        session_id = await self.link.start(start)
        return call_result.StartTransaction(
            transaction_id=session_id, id_tag_info=_tag_status(accepted)
        )

    @on_action(Action.meter_values)
    async def on_meter_values(
        self, connector_id: int, meter_value: list[dict[str, Any]], **optional: Any
    ) -> Any:
        transaction = optional.get("transaction_id")
        samples = samples_of(meter_value, received_at=self.link.now())
        ref = str(transaction) if transaction is not None else None
        await self.link.meter_values(connector_id, samples, ref)
        return call_result.MeterValues()

    @on_action(Action.stop_transaction)
    async def on_stop_transaction(
        self, meter_stop: int, timestamp: str, transaction_id: int, **optional: Any
    ) -> Any:
        received = self.link.now()
        end = TransactionEnd(
            transaction_ref=str(transaction_id),
            ts=parse_ocpp_time(timestamp, received_at=received),
            meter_stop_wh=float(meter_stop),
            reason=optional.get("reason") or "Local",  # no reason means Local (OCPP 1.6 §6.51)
            samples=tuple(samples_of(optional.get("transaction_data") or [], received_at=received)),
        )
        await self.link.stop(end)
        id_tag = optional.get("id_tag")
        if id_tag is None:
            return call_result.StopTransaction()
        return call_result.StopTransaction(id_tag_info=_tag_status(self.link.authorize(id_tag)[1]))

    @on_action(Action.data_transfer)
    async def on_data_transfer(self, vendor_id: str, **optional: Any) -> Any:
        await self.link.data_transfer(vendor_id, optional.get("message_id"))
        # No vendor extension is implemented: OCPP 1.6 §4.3 answers UnknownVendorId.
        return call_result.DataTransfer(status="UnknownVendorId")
