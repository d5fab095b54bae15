"""One charge point's connection as its OCPP handlers see it: version-neutral storage calls.

Handlers of both OCPP versions turn messages into ``observations`` and call these methods;
each is a write committed by the central system's ``BatchWriter`` in a worker thread, so the
event loop that serves every WebSocket never waits on the database, and the charge point is
answered after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol as Interface
from typing import TypeVar

from sqlalchemy import Connection

from convergence.charging import recording, transactions
from convergence.charging.alerting import Sink
from convergence.charging.config import CentralConfig
from convergence.charging.credentials import hash_id_tag
from convergence.charging.kinds import Protocol, Registration
from convergence.charging.ocpp.observations import (
    BootInfo,
    ChargePointRef,
    MeterSample,
    StatusReport,
    TransactionEnd,
    TransactionStart,
)
from convergence.db.types import utcnow

T = TypeVar("T")


class Database(Interface):
    """Commits writes off the event loop (``writer.BatchWriter``)."""

    async def write(self, work: Callable[[Connection, Sink], T]) -> T: ...


@dataclass(frozen=True, slots=True)
class Link:
    """A connected charge point: who it is, its protocol, where its reports go."""

    ref: ChargePointRef
    protocol: Protocol
    config: CentralConfig
    database: Database

    def now(self) -> datetime:
        return utcnow()

    async def boot(self, info: BootInfo) -> Registration:
        """Keep the boot; Accepted unless the equipment is retired."""
        interval, now = self.config.heartbeat_interval_s, self.now()
        return await self.database.write(
            lambda conn, sink: recording.record_boot(
                conn, sink, ref=self.ref, info=info, interval_s=interval, now=now
            )
        )

    def authorize(self, id_tag: str) -> tuple[str, bool]:
        """The id tag's digest, and whether it may charge (every tag not blocked may)."""
        digest = hash_id_tag(id_tag, pepper=self.config.id_tag_pepper)
        return digest, digest not in self.config.blocked_id_tag_hashes

    async def status(self, report: StatusReport) -> None:
        await self.database.write(
            lambda conn, sink: recording.record_status(conn, sink, ref=self.ref, report=report)
        )

    async def start(self, start: TransactionStart) -> int:
        """The session of a starting transaction (1.6: its id is the transactionId)."""
        return await self.database.write(
            lambda conn, sink: transactions.open_session(
                conn, sink, ref=self.ref, start=start, protocol=self.protocol
            )
        )

    async def meter_values(
        self, connector_id: int, samples: list[MeterSample], transaction_ref: str | None
    ) -> None:
        await self.database.write(
            lambda conn, sink: transactions.record_meter_values(
                conn,
                sink,
                ref=self.ref,
                connector_id=connector_id,
                samples=samples,
                transaction_ref=transaction_ref,
            )
        )

    async def stop(self, end: TransactionEnd) -> None:
        await self.database.write(
            lambda conn, sink: transactions.close_session(
                conn, sink, ref=self.ref, end=end, config=self.config
            )
        )

    async def data_transfer(self, vendor_id: str, message_id: str | None) -> None:
        now = self.now()
        await self.database.write(
            lambda conn, sink: recording.record_data_transfer(
                conn, sink, ref=self.ref, vendor_id=vendor_id, message_id=message_id, now=now
            )
        )
