"""A minimal CSMS for tests: the ``ocpp`` library's server side on ``websockets.serve``.

It is a real OCPP peer (real library, real WebSocket, real HTTP Basic auth) that answers
every Core request, records what it receives, and lets a test send commands to a
connected charge point. The platform's own central system comes later; this stands in.
"""

from __future__ import annotations

import asyncio
import hmac
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16
from ocpp.v16 import call_result as result16
from ocpp.v16.enums import Action as Action16
from ocpp.v201 import ChargePoint as ChargePoint201
from ocpp.v201 import call_result as result201
from ocpp.v201.enums import Action as Action201
from websockets.asyncio.server import ServerConnection, basic_auth, serve
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

BLOCKED_TAG = "BLOCKED1"


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class Received:
    """One request a charge point sent."""

    charge_point_id: str
    action: str
    payload: dict[str, Any]

    def label(self) -> str:
        """Short form for sequence checks, e.g. ``Status 1 Charging``."""
        if self.action != "StatusNotification":
            return self.action
        status = self.payload.get("status") or self.payload.get("connector_status")
        # 1.6 names the connector; 2.0.1 the EVSE (a PDC), its connector is always 1 here.
        connector = self.payload.get("evse_id", self.payload.get("connector_id"))
        return f"Status {connector} {status}"


@dataclass
class Csms:
    """What the test CSMS knows: messages received and the charge points connected."""

    passwords: Callable[[str], str | None]
    heartbeat_interval: int = 30
    messages: list[Received] = field(default_factory=list)
    connected: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _transactions: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def record(self, charge_point_id: str, action: str, payload: dict[str, Any]) -> None:
        self.messages.append(Received(charge_point_id, action, payload))
        self._arrived.set()

    def next_transaction_id(self) -> int:
        return next(self._transactions)

    def of(self, charge_point_id: str, *, heartbeats: bool = False) -> list[Received]:
        return [
            m
            for m in self.messages
            if m.charge_point_id == charge_point_id and (heartbeats or m.action != "Heartbeat")
        ]

    async def wait_for(
        self, predicate: Callable[[Received], bool], *, count: int = 1, timeout: float = 15.0
    ) -> list[Received]:
        async with asyncio.timeout(timeout):
            while True:
                found = [m for m in self.messages if predicate(m)]
                if len(found) >= count:
                    return found
                self._arrived.clear()
                await self._arrived.wait()

    async def check_credentials(self, username: str, password: str) -> bool:
        expected = self.passwords(username)
        return expected is not None and hmac.compare_digest(expected, password)

    async def on_connect(self, connection: ServerConnection) -> None:
        charge_point_id = unquote(connection.request.path.rstrip("/").rsplit("/", 1)[-1])
        if charge_point_id != connection.username:  # OCPP: Basic user = charge point id
            await connection.close(code=1008, reason="identity mismatch")
            return
        classes = {"ocpp1.6": Csms16, "ocpp2.0.1": Csms201}
        peer = classes[str(connection.subprotocol)](charge_point_id, connection, self)
        self.connected[charge_point_id] = peer
        try:
            await peer.start()
        except ConnectionClosed:
            pass
        finally:
            self.connected.pop(charge_point_id, None)


class Csms16(ChargePoint16):
    """The CSMS side of one OCPP 1.6 connection."""

    def __init__(self, charge_point_id: str, connection: Any, csms: Csms) -> None:
        super().__init__(charge_point_id, connection)
        self.csms = csms

    def _record(self, action: str, payload: dict[str, Any]) -> None:
        self.csms.record(self.id, action, payload)

    @on(Action16.boot_notification)
    def on_boot(self, **payload: Any) -> Any:
        self._record("BootNotification", payload)
        return result16.BootNotification(
            current_time=_now(), interval=self.csms.heartbeat_interval, status="Accepted"
        )

    @on(Action16.heartbeat)
    def on_heartbeat(self, **payload: Any) -> Any:
        self._record("Heartbeat", payload)
        return result16.Heartbeat(current_time=_now())

    @on(Action16.status_notification)
    def on_status(self, **payload: Any) -> Any:
        self._record("StatusNotification", payload)
        return result16.StatusNotification()

    @on(Action16.authorize)
    def on_authorize(self, **payload: Any) -> Any:
        self._record("Authorize", payload)
        status = "Blocked" if payload["id_tag"] == BLOCKED_TAG else "Accepted"
        return result16.Authorize(id_tag_info={"status": status})

    @on(Action16.start_transaction)
    def on_start(self, **payload: Any) -> Any:
        self._record("StartTransaction", payload)
        return result16.StartTransaction(
            transaction_id=self.csms.next_transaction_id(), id_tag_info={"status": "Accepted"}
        )

    @on(Action16.meter_values)
    def on_meter_values(self, **payload: Any) -> Any:
        self._record("MeterValues", payload)
        return result16.MeterValues()

    @on(Action16.stop_transaction)
    def on_stop(self, **payload: Any) -> Any:
        self._record("StopTransaction", payload)
        return result16.StopTransaction(id_tag_info={"status": "Accepted"})


class Csms201(ChargePoint201):
    """The CSMS side of one OCPP 2.0.1 connection."""

    def __init__(self, charge_point_id: str, connection: Any, csms: Csms) -> None:
        super().__init__(charge_point_id, connection)
        self.csms = csms

    def _record(self, action: str, payload: dict[str, Any]) -> None:
        self.csms.record(self.id, action, payload)

    @on(Action201.boot_notification)
    def on_boot(self, **payload: Any) -> Any:
        self._record("BootNotification", payload)
        return result201.BootNotification(
            current_time=_now(), interval=self.csms.heartbeat_interval, status="Accepted"
        )

    @on(Action201.heartbeat)
    def on_heartbeat(self, **payload: Any) -> Any:
        self._record("Heartbeat", payload)
        return result201.Heartbeat(current_time=_now())

    @on(Action201.status_notification)
    def on_status(self, **payload: Any) -> Any:
        self._record("StatusNotification", payload)
        return result201.StatusNotification()

    @on(Action201.authorize)
    def on_authorize(self, **payload: Any) -> Any:
        self._record("Authorize", payload)
        status = "Blocked" if payload["id_token"]["id_token"] == BLOCKED_TAG else "Accepted"
        return result201.Authorize(id_token_info={"status": status})

    @on(Action201.transaction_event)
    def on_transaction_event(self, **payload: Any) -> Any:
        self._record("TransactionEvent", payload)
        if "id_token" in payload:
            return result201.TransactionEvent(id_token_info={"status": "Accepted"})
        return result201.TransactionEvent()

    @on(Action201.meter_values)
    def on_meter_values(self, **payload: Any) -> Any:
        self._record("MeterValues", payload)
        return result201.MeterValues()


@asynccontextmanager
async def running_csms(
    passwords: Callable[[str], str | None], *, heartbeat_interval: int = 30
) -> AsyncIterator[Csms]:
    """A CSMS listening on a free loopback port, at ``csms.url`` (``ws://…/ocpp``)."""
    csms = Csms(passwords, heartbeat_interval=heartbeat_interval)
    async with serve(
        csms.on_connect,
        "127.0.0.1",
        0,
        subprotocols=[Subprotocol("ocpp2.0.1"), Subprotocol("ocpp1.6")],
        process_request=basic_auth(realm="ocpp", check_credentials=csms.check_credentials),
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        csms.url = f"ws://127.0.0.1:{port}/ocpp"
        yield csms
