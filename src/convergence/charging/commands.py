"""The command log: a remote command is recorded before it is sent, and its answer after.

What is recorded never holds a secret: an id tag becomes its digest, a password value is
masked. The clear parameters only live in memory, for the one call that sends them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, select, update

from convergence.charging.credentials import hash_id_tag
from convergence.charging.kinds import CommandName, CommandStatus, Protocol, SessionStatus
from convergence.charging.queries import charge_point_asset, command_out, get_command
from convergence.charging.schemas import CommandOut, CommandParams
from convergence.charging.tables import charging_commands, charging_sessions
from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import InvalidInput
from convergence.members import audit
from convergence.members.scope import MemberScope, require_write

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the central system records answers of an authenticated charge point"

# Charge point answers that mean "done" or "will be done".
ACCEPTED_ANSWERS = frozenset({"Accepted", "Scheduled", "Unlocked"})
SECRET_KEYS = frozenset({"AuthorizationKey", "BasicAuthPassword"})
MASK = "***"


@dataclass(frozen=True, slots=True)
class PreparedCommand:
    """A recorded command, with what sending it needs (the transaction to stop)."""

    command: CommandOut
    transaction_ref: str | None


def create_command(
    conn: Connection,
    *,
    scope: MemberScope,
    asset_id: int,
    command: CommandName,
    params: CommandParams,
    protocol: Protocol | None,
    pepper: str = "",
) -> PreparedCommand:
    """Record a command for a charge point the caller may change (not yet sent)."""
    asset = charge_point_asset(conn, scope=scope, asset_id=asset_id)
    require_write(scope, asset.member_id)
    params.check_for(command)
    transaction_ref = (
        _transaction_to_stop(conn, asset, params) if command is CommandName.remote_stop else None
    )
    logged = stored_params(params, pepper=pepper) | _ref(transaction_ref)
    command_id = _insert(conn, scope, asset, command, logged, protocol)
    audit.record(
        conn,
        actor=scope.actor,
        action="charging.command",
        member_id=asset.member_id,
        target=f"asset:{asset.id}",
        details={"command": command.value, "command_id": command_id},
    )
    return PreparedCommand(get_command(conn, scope=scope, command_id=command_id), transaction_ref)


def _insert(
    conn: Connection,
    scope: MemberScope,
    asset: Row[Any],
    command: CommandName,
    params: dict[str, Any],
    protocol: Protocol | None,
) -> int:
    now = utcnow()
    status = CommandStatus.pending if protocol is not None else CommandStatus.not_connected
    return insert_one(
        conn,
        charging_commands,
        asset_id=asset.id,
        member_id=asset.member_id,
        command=command.value,
        protocol=protocol.value if protocol else None,
        params=params,
        status=status.value,
        error=None if protocol else "la borne n'est pas connectée / charge point not connected",
        requested_by=scope.actor,
        requested_at=now,
        completed_at=None if protocol else now,
    )


def _ref(transaction_ref: str | None) -> dict[str, str]:
    return {"transaction_ref": transaction_ref} if transaction_ref else {}


def _transaction_to_stop(conn: Connection, asset: Row[Any], params: CommandParams) -> str:
    s = charging_sessions.c
    query = select(s.transaction_ref).where(
        s.asset_id == asset.id, s.status == SessionStatus.active.value
    )
    if params.session_id is not None:
        query = query.where(s.id == params.session_id)
    elif params.connector_id:
        query = query.where(s.connector_id == params.connector_id)
    found = conn.execute(query.order_by(s.started_at.desc())).scalars().all()
    if not found or (params.session_id is None and not params.connector_id and len(found) > 1):
        raise InvalidInput(
            "aucune session en cours à arrêter (ou plusieurs : précisez session_id) / no single "
            "active session to stop: give session_id or connector_id"
        )
    return str(found[0])


def stored_params(params: CommandParams, *, pepper: str = "") -> dict[str, Any]:
    """The parameters as the log keeps them: id tag hashed, secret values masked."""
    kept = params.model_dump(mode="json", exclude_none=True)
    if "id_tag" in kept:
        kept["id_tag_hash"] = hash_id_tag(kept.pop("id_tag"), pepper=pepper)
    if kept.get("key") in SECRET_KEYS and "value" in kept:
        kept["value"] = MASK
    return kept


def outcome_of(result: Any) -> tuple[CommandStatus, dict[str, Any]]:
    """The log status of a charge point's answer (an ``ocpp`` call_result), and the answer."""
    is_answer = dataclasses.is_dataclass(result) and not isinstance(result, type)
    answer = dataclasses.asdict(result) if is_answer else {}
    answer = {k: v for k, v in answer.items() if v is not None}
    status = answer.get("status")
    if status is None or status in ACCEPTED_ANSWERS:
        return CommandStatus.accepted, answer
    return CommandStatus.rejected, answer


def complete_command(
    conn: Connection,
    *,
    command_id: int,
    status: CommandStatus,
    response: dict[str, Any] | None = None,
    error: str | None = None,
) -> CommandOut:
    """Record the outcome of a sent command."""
    conn.execute(
        update(charging_commands)
        .where(charging_commands.c.id == command_id)
        .values(status=status.value, response=response, error=error, completed_at=utcnow())
    )
    row = conn.execute(select(charging_commands).where(charging_commands.c.id == command_id)).one()
    return command_out(row)
