"""The OCPP central system of one process: who is connected, liveness, remote commands.

It holds the WebSocket connections (one stateful process per shard of charge points, routed
by charge point id, as the research note advises), answers every request from a handler of
the connection's OCPP version, commits what they report in batches (``BatchWriter``: group
commit in a worker thread), and every ``presence_period_s`` writes when each charge point was
last heard and reports those silent for too long as offline. The web layer adapts its
WebSocket to ``OcppConnection`` and calls ``identify`` then ``serve``.

A remote command asked of a process that does not hold the charge point's connection (one
worker among several of ``convergence serve``) is relayed through the database
(``charging.relay``): while it holds connections, each process polls every
``RELAY_POLL_S`` for the commands left for its charge points.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from types import ModuleType
from typing import Any, TypeVar
from typing import Protocol as Interface

from cryptography.fernet import Fernet
from ocpp.exceptions import OCPPError
from sqlalchemy import Connection, Engine

from convergence.charging import commands, recording, relay
from convergence.charging.alerting import Sink
from convergence.charging.config import CentralConfig
from convergence.charging.credentials import basic_credentials
from convergence.charging.kinds import CommandName, CommandStatus, Protocol
from convergence.charging.ocpp import handshake_auth
from convergence.charging.ocpp.link import Link
from convergence.charging.ocpp.observations import ChargePointRef
from convergence.charging.ocpp.v16 import commands as commands16
from convergence.charging.ocpp.v16 import handlers as handlers16
from convergence.charging.ocpp.v201 import commands as commands201
from convergence.charging.ocpp.v201 import handlers as handlers201
from convergence.charging.queries import identify_unscoped
from convergence.charging.schemas import CommandOut, CommandParams
from convergence.charging.writer import BatchWriter
from convergence.db.types import utcnow
from convergence.errors import InvalidInput
from convergence.ingest import deadletters
from convergence.ingest.envelope import UNKNOWN_DEVICE, Envelope, Refusal, Source, Stage
from convergence.members.scope import MemberScope
from convergence.timeseries.committed import Reactor

LOGGER = logging.getLogger("convergence.charging")
T = TypeVar("T")
# Each OCPP version is a subpackage with the same modules: handlers, commands, meter.
HANDLERS: dict[Protocol, ModuleType] = {Protocol.v16: handlers16, Protocol.v201: handlers201}
COMMANDS: dict[Protocol, ModuleType] = {Protocol.v16: commands16, Protocol.v201: commands201}
# How often a process holding connections looks for commands other processes left for them,
# and how often a process that left one looks for its answer.
RELAY_POLL_S = 0.25


class ConnectionLost(Exception):
    """The charge point's WebSocket closed (raised by ``OcppConnection.recv`` and ``send``)."""


class OcppConnection(Interface):
    """A WebSocket as the ``ocpp`` library uses it: text frames in, text frames out."""

    async def recv(self) -> str: ...
    async def send(self, message: str) -> None: ...
    async def close(self) -> None: ...


class HandshakeRefused(Exception):
    """The WebSocket handshake is refused with this HTTP status and reason."""

    def __init__(self, status_code: int, reason: str) -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Handshake:
    """What a charge point sent to open its WebSocket (never its password)."""

    ocpp_id: str
    path: str
    subprotocols: tuple[str, ...]
    authorization: str | None = field(default=None, repr=False)
    user_agent: str | None = None
    remote_host: str | None = None


@dataclass(slots=True)
class _Live:
    """One open connection, its handler and the event loop it lives on."""

    handler: Any
    protocol: Protocol
    loop: asyncio.AbstractEventLoop
    connection: OcppConnection


class _NotedConnection:
    """The connection, noting that the charge point is alive whenever a message arrives."""

    def __init__(self, connection: OcppConnection, central: CentralSystem, ref: ChargePointRef):
        self.connection, self.central, self.ref = connection, central, ref

    async def recv(self) -> str:
        message = await self.connection.recv()
        self.central.touch(self.ref)
        return message

    async def send(self, message: str) -> None:
        await self.connection.send(message)


class CentralSystem:
    """The central system of this process."""

    def __init__(
        self,
        *,
        engine: Engine,
        config: CentralConfig,
        reactors: Sequence[Reactor] = (),
        relay_key: bytes | None = None,
    ) -> None:
        """``reactors`` are told what each group commit stored (alert rules, tickets);
        ``relay_key`` seals relayed commands: the same in every process sharing the database."""
        self.engine = engine
        self._relay_key = relay_key or Fernet.generate_key()
        self._relay: asyncio.Task[None] | None = None
        self._relaying: set[asyncio.Task[None]] = set()
        self.config = config
        self._links: dict[int, _Live] = {}
        self._seen: dict[ChargePointRef, datetime] = {}
        self._executor = ThreadPoolExecutor(config.db_workers, thread_name_prefix="ocpp-db")
        self._writer = BatchWriter(engine, reactors=reactors)
        self._presence: asyncio.Task[None] | None = None

    # --- the database, off the event loop ----------------------------------------------------

    async def write(self, work: Callable[[Connection, Sink], T]) -> T:
        """Commit a write with others (group commit); its result once committed."""
        return await self._writer.write(work)

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` (reads, commands) in a transaction of its own in a worker thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._transaction, work)

    def _transaction(self, work: Callable[[Connection], T]) -> T:
        with self.engine.begin() as conn:
            return work(conn)

    # --- connections -------------------------------------------------------------------------

    async def identify(self, handshake: Handshake) -> ChargePointRef:
        """The registered charge point, if its password is right; HandshakeRefused otherwise."""
        ocpp_id, address, now = handshake.ocpp_id, handshake.remote_host, utcnow()
        policies = self.config.handshake_throttle
        wait = await self.run(
            lambda conn: handshake_auth.wait_s(
                conn, ocpp_id=ocpp_id, address=address, now=now, policies=policies
            )
        )
        if wait > 0:
            LOGGER.warning("charge point %r from %s: throttled %.0f s", ocpp_id, address, wait)
            raise HandshakeRefused(401, handshake_auth.REFUSED)
        found = await self.run(lambda conn: identify_unscoped(conn, ocpp_id=ocpp_id))
        credentials = basic_credentials(handshake.authorization)
        key = credentials[1] if credentials and credentials[0] == ocpp_id else None
        loop = asyncio.get_running_loop()
        valid = await loop.run_in_executor(
            self._executor,
            handshake_auth.key_matches,
            found.password_hash if found else None,
            key,
        )
        if found is None or not valid:
            await self.run(
                lambda conn: _refused(
                    conn, handshake, registered=found is not None, config=self.config
                )
            )
            raise HandshakeRefused(401, handshake_auth.REFUSED)
        await self.run(lambda conn: handshake_auth.clear_identity(conn, ocpp_id=ocpp_id))
        return found.ref

    def touch(self, ref: ChargePointRef) -> None:
        """The charge point was just heard from."""
        self._seen[ref] = utcnow()

    def is_connected(self, asset_id: int) -> bool:
        return asset_id in self._links

    async def serve(
        self, *, ref: ChargePointRef, protocol: Protocol, connection: OcppConnection
    ) -> None:
        """Answer the charge point until its connection closes."""
        self._start_presence()
        self._start_relay()
        link = Link(ref, protocol, self.config, self)
        handler = HANDLERS[protocol].ChargePointHandler(
            link, _NotedConnection(connection, self, ref)
        )
        live = _Live(handler, protocol, asyncio.get_running_loop(), connection)
        previous = self._links.get(ref.asset_id)
        self._links[ref.asset_id] = live
        if previous is not None:  # a charge point that reconnects: its old link is dead
            await _close_quietly(previous.connection)
        self.touch(ref)
        await self.write(
            lambda conn, sink: recording.record_connection(
                conn, sink, ref=ref, protocol=protocol, now=utcnow()
            )
        )
        try:
            await handler.start()
        except ConnectionLost:
            pass
        finally:
            if self._links.get(ref.asset_id) is live:
                del self._links[ref.asset_id]
                await self.write(
                    lambda conn, _: recording.record_disconnection(conn, ref=ref, now=utcnow())
                )

    # --- liveness ----------------------------------------------------------------------------

    def _start_presence(self) -> None:
        if self._presence is None or self._presence.done():
            self._presence = asyncio.get_running_loop().create_task(self._presence_loop())

    async def _presence_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.presence_period_s)
            try:
                await self.check_presence()
            except Exception:  # the database may be away for a while: try again next period
                LOGGER.exception("liveness check failed")

    async def check_presence(self) -> list[int]:
        """Write last-heard times, report silent charge points offline; their asset ids."""
        seen, self._seen = self._seen, {}
        now = utcnow()

        def work(conn: Connection, sink: Sink) -> list[int]:
            recording.flush_presence(conn, sink, seen=seen)
            return recording.sweep_offline(conn, sink, config=self.config, now=now)

        try:
            return await self.write(work)
        except Exception:
            for ref, ts in seen.items():  # keep what was heard for the next attempt
                self._seen.setdefault(ref, ts)
            raise

    # --- remote commands ---------------------------------------------------------------------

    async def run_command(
        self, *, scope: MemberScope, asset_id: int, command: CommandName, params: CommandParams
    ) -> CommandOut:
        """Record a command, send it (or have the process holding the connection send it),
        record the answer."""
        live = self._links.get(asset_id)
        protocol = (
            live.protocol
            if live
            else await self.run(
                lambda conn: relay.connected_protocol(conn, scope=scope, asset_id=asset_id)
            )
        )
        if protocol is not None and command not in COMMANDS[protocol].SUPPORTED:
            raise InvalidInput(f"{command} n'existe pas en {protocol} / not in {protocol}")
        relayed = live is None and protocol is not None
        prepared = await self.run(
            lambda conn: self._record(
                conn, scope=scope, asset_id=asset_id, command=command, params=params,
                protocol=protocol, relayed=relayed,
            )
        )  # fmt: skip
        command_id = prepared.command.id
        if protocol is None:
            return prepared.command
        if live is None:
            return await self._answer_of(command_id)
        payload = COMMANDS[protocol].build_call(
            command, params, command_id=command_id, transaction_ref=prepared.transaction_ref
        )
        return await self._send_and_complete(live, command_id, payload)

    def _record(
        self,
        conn: Connection,
        *,
        scope: MemberScope,
        asset_id: int,
        command: CommandName,
        params: CommandParams,
        protocol: Protocol | None,
        relayed: bool,
    ) -> commands.PreparedCommand:
        prepared = commands.create_command(
            conn, scope=scope, asset_id=asset_id, command=command, params=params,
            protocol=protocol, pepper=self.config.id_tag_pepper,
        )  # fmt: skip
        if relayed:
            token = relay.seal(self._relay_key, params, prepared.transaction_ref)
            relay.leave(conn, command_id=prepared.command.id, token=token)
        return prepared

    async def _send_and_complete(self, live: _Live, command_id: int, payload: Any) -> CommandOut:
        status, response, error = await self._send(live, payload)
        return await self.run(
            lambda conn: commands.complete_command(
                conn, command_id=command_id, status=status, response=response, error=error
            )
        )

    async def _answer_of(self, command_id: int) -> CommandOut:
        """Wait for the process holding the connection to record the answer, or give up."""
        # The holder finds it within a poll, then waits for the charge point as we would.
        deadline = time.monotonic() + self.config.response_timeout_s + 4 * RELAY_POLL_S + 1
        while time.monotonic() < deadline:
            await asyncio.sleep(RELAY_POLL_S)
            found = await self.run(lambda conn: relay.answered(conn, command_id=command_id))
            if found is not None:
                return found
        return await self.run(lambda conn: relay.give_up(conn, command_id=command_id))

    # --- commands relayed from other processes -----------------------------------------------

    def _start_relay(self) -> None:
        if self._relay is None or self._relay.done():
            self._relay = asyncio.get_running_loop().create_task(self._relay_loop())

    async def _relay_loop(self) -> None:
        """While this process holds connections, send the commands left for them."""
        while self._links:
            await asyncio.sleep(RELAY_POLL_S)
            try:
                await self.relay_waiting()
            except Exception:  # the database may be away for a while: try again next poll
                LOGGER.exception("relayed commands: polling failed")

    async def relay_waiting(self) -> int:
        """Claim the commands left for the charge points connected here and send each (in a
        task of its own: a slow charge point does not hold the others up); how many."""
        held = list(self._links)
        found = await self.run(lambda conn: relay.waiting(conn, asset_ids=held))
        claimed = 0
        for left in found:
            token = await self.run(partial(relay.claim, command_id=left.command_id))
            if token is None:
                continue
            claimed += 1
            task = asyncio.get_running_loop().create_task(self._relay_one(left, token))
            self._relaying.add(task)
            task.add_done_callback(self._relaying.discard)
        return claimed

    async def _relay_one(self, left: relay.Relayed, token: str) -> None:
        live, opened = self._links.get(left.asset_id), relay.open_sealed(self._relay_key, token)
        if live is None or opened is None:
            error = "connexion perdue / connection lost" if opened else "clé de relais différente"
            await self.run(
                lambda conn: commands.complete_command(
                    conn, command_id=left.command_id, status=CommandStatus.error, error=error
                )
            )
            return
        payload = COMMANDS[live.protocol].build_call(
            CommandName(left.command), opened.params, command_id=left.command_id,
            transaction_ref=opened.transaction_ref,
        )  # fmt: skip
        await self._send_and_complete(live, left.command_id, payload)

    async def _send(
        self, live: _Live, payload: Any
    ) -> tuple[CommandStatus, dict[str, Any] | None, str | None]:
        if live.loop is asyncio.get_running_loop():
            return await _call(live, payload)
        # Called from another event loop (a second server thread): run on the link's loop.
        future = asyncio.run_coroutine_threadsafe(_call(live, payload), live.loop)
        return await asyncio.wrap_future(future)


async def _close_quietly(connection: OcppConnection) -> None:
    try:
        await connection.close()
    except Exception:  # already closed, or closing: either way it is gone
        LOGGER.debug("closing a replaced connection failed", exc_info=True)


async def _call(
    live: _Live, payload: Any
) -> tuple[CommandStatus, dict[str, Any] | None, str | None]:
    """Send a request; errors are not suppressed: a CALLERROR raises and is recorded."""
    try:
        result = await live.handler.call(payload, suppress=False)
    except OCPPError as error:
        return CommandStatus.error, None, f"{type(error).__name__}: {error.description}"
    except TimeoutError:
        return CommandStatus.timeout, None, "pas de réponse / no answer in time"
    except ConnectionLost:
        return CommandStatus.error, None, "connexion perdue / connection lost"
    status, answer = commands.outcome_of(result)
    return status, answer, None


def _refused(
    conn: Connection, handshake: Handshake, *, registered: bool, config: CentralConfig
) -> None:
    """Count a refused handshake; an unknown identity is also kept to be discovered."""
    handshake_auth.count_failure(
        conn,
        ocpp_id=handshake.ocpp_id,
        address=handshake.remote_host,
        registered=registered,
        now=utcnow(),
        policies=config.handshake_throttle,
    )
    if registered:
        LOGGER.warning("charge point %r: wrong, missing or unset password", handshake.ocpp_id)
        return
    record_unknown(conn, handshake, limits=config.dead_letter_limits)
    LOGGER.warning("unknown charge point %r refused (listed as discovered)", handshake.ocpp_id)


def record_unknown(
    conn: Connection,
    handshake: Handshake,
    *,
    limits: deadletters.DeadLetterLimits = deadletters.DEFAULT_LIMITS,
) -> int | None:
    """Keep an unknown charge point's handshake as a dead letter: it is then discovered."""
    raw = json.dumps(
        {"ocpp_id": handshake.ocpp_id, "path": handshake.path,
         "subprotocols": list(handshake.subprotocols)},
        ensure_ascii=False, sort_keys=True,
    ).encode()  # fmt: skip
    metadata = {"user_agent": handshake.user_agent, "remote_host": handshake.remote_host}
    reason = (
        f"borne inconnue / unknown charge point {handshake.ocpp_id[:100]!r}: register it as an "
        "asset with this ocpp_id and set its password; it is accepted at its next connection"
    )
    envelope = Envelope(
        source=Source.ocpp,
        raw=raw,
        received_at=utcnow(),
        device_ref=handshake.ocpp_id,
        metadata={k: v for k, v in metadata.items() if v},
    )
    return deadletters.record(
        conn,
        envelope=envelope,
        refusal=Refusal(Stage.resolve, UNKNOWN_DEVICE, reason),
        raw=raw,
        device_ref=handshake.ocpp_id,
        metadata=envelope.metadata,
        limits=limits,
    )
