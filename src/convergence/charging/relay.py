"""Remote commands relayed through the database to the worker holding the connection.

``convergence serve --workers N`` spreads charge points' WebSockets over N processes, and an
API request for a command lands on any of them. The worker receiving it records the command
(``pending``) with the clear parameters needed to build the call sealed beside it (Fernet:
the command log never holds an id tag or a password in clear); each worker holding
connections polls for pending commands of its charge points, claims one by clearing the
sealed blob (so it is sent once, and the clear parameters are gone once sent), sends it and
records the answer; the receiving worker waits for that answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Collection
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Connection, select, true, update

from convergence.charging.kinds import CommandStatus, Protocol
from convergence.charging.queries import charge_point_asset, command_out
from convergence.charging.schemas import CommandOut, CommandParams
from convergence.charging.tables import charge_points, charging_commands
from convergence.db.types import utcnow
from convergence.members.scope import MemberScope

# Public functions here read members' rows without a scope (a system module):
UNSCOPED_REASON = "a worker sends the commands of the charge points connected to it"
GIVEN_UP = "aucun processus n'a transmis la commande / no worker sent the command in time"


def derive_relay_key(secret: str) -> bytes:
    """A Fernet key for relayed commands only, derived from the secret key (fixed label)."""
    digest = hmac.new(secret.encode(), b"convergence ocpp command relay v1", hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest())


@dataclass(frozen=True, slots=True)
class Relayed:
    """A pending command some worker recorded for a charge point connected elsewhere."""

    command_id: int
    asset_id: int
    command: str


@dataclass(frozen=True, slots=True)
class Opened:
    """What a claimed command is sent with (its clear parameters)."""

    params: CommandParams
    transaction_ref: str | None

    def __repr__(self) -> str:  # a log line or a traceback must not print an id tag
        return "Opened(params=***)"


def seal(key: bytes, params: CommandParams, transaction_ref: str | None) -> str:
    text = json.dumps(
        {"params": params.model_dump(mode="json", exclude_none=True), "ref": transaction_ref}
    )
    return Fernet(key).encrypt(text.encode()).decode()


def open_sealed(key: bytes, token: str) -> Opened | None:
    """The sealed parameters; None if they cannot be opened with this key."""
    try:
        data = json.loads(Fernet(key).decrypt(token.encode()))
    except InvalidToken:
        return None
    return Opened(CommandParams.model_validate(data["params"]), data["ref"])


def connected_protocol(conn: Connection, *, scope: MemberScope, asset_id: int) -> Protocol | None:
    """The protocol of a charge point the scope reads, if some worker holds its connection."""
    charge_point_asset(conn, scope=scope, asset_id=asset_id)  # NotFound outside the scope
    cp = charge_points.c
    found = conn.execute(
        select(cp.protocol).where(cp.asset_id == asset_id, cp.connected == true())
    ).scalar()
    return Protocol(found) if found else None


def leave(conn: Connection, *, command_id: int, token: str) -> None:
    """Leave a recorded command for the worker holding its charge point."""
    conn.execute(
        update(charging_commands).where(charging_commands.c.id == command_id).values(relay=token)
    )


def waiting(conn: Connection, *, asset_ids: Collection[int]) -> list[Relayed]:
    """Commands left for these charge points, oldest first."""
    if not asset_ids:
        return []
    c = charging_commands.c
    # All left commands (a few rows, through a partial index), not an IN of every charge point.
    rows = conn.execute(
        select(c.id, c.asset_id, c.command).where(c.relay.is_not(None)).order_by(c.id)
    ).all()
    held = set(asset_ids)
    return [Relayed(row.id, row.asset_id, row.command) for row in rows if row.asset_id in held]


def claim(conn: Connection, *, command_id: int) -> str | None:
    """The sealed parameters of a left command, removed: None if another worker took it."""
    c = charging_commands.c
    token = conn.execute(select(c.relay).where(c.id == command_id)).scalar()
    if token is None:
        return None
    taken = conn.execute(
        update(charging_commands).where(c.id == command_id, c.relay.is_not(None)).values(relay=None)
    ).rowcount
    return token if taken == 1 else None


def answered(conn: Connection, *, command_id: int) -> CommandOut | None:
    """The command's log entry once it is no longer pending."""
    row = conn.execute(select(charging_commands).where(charging_commands.c.id == command_id)).one()
    return None if row.status == CommandStatus.pending.value else command_out(row)


def give_up(conn: Connection, *, command_id: int) -> CommandOut:
    """No worker answered in time: the command times out and its parameters are removed."""
    c = charging_commands.c
    conn.execute(
        update(charging_commands)
        .where(c.id == command_id, c.status == CommandStatus.pending.value)
        .values(status=CommandStatus.timeout.value, error=GIVEN_UP, completed_at=utcnow())
    )
    conn.execute(update(charging_commands).where(c.id == command_id).values(relay=None))
    row = conn.execute(select(charging_commands).where(c.id == command_id)).one()
    return command_out(row)
