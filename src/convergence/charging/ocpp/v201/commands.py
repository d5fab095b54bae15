"""Remote commands as OCPP 2.0.1 requests.

2.0.1 has no GetConfiguration/ChangeConfiguration (its device model is read and written with
GetVariables/SetVariables, not offered here); every EVSE has its connector 1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ocpp.v201 import call

from convergence.charging.kinds import CommandName
from convergence.charging.schemas import Availability, CommandParams, ResetType
from convergence.errors import InvalidInput

Builder = Callable[[CommandParams, int, "str | None"], Any]
# MessageTriggerEnumType has no DiagnosticsStatusNotification.
_NOT_TRIGGERABLE = frozenset({"DiagnosticsStatusNotification"})


def _evse(params: CommandParams) -> dict[str, int] | None:
    return {"id": params.connector_id} if params.connector_id else None


def _remote_start(params: CommandParams, command_id: int, _ref: str | None) -> Any:
    # The command's id is the remoteStartId the station echoes in TransactionEvent Started.
    return call.RequestStartTransaction(
        id_token={"id_token": params.id_tag, "type": "ISO14443"},
        remote_start_id=command_id,
        evse_id=params.connector_id or None,
    )


def _remote_stop(_params: CommandParams, _command_id: int, ref: str | None) -> Any:
    if ref is None:
        raise InvalidInput("transaction inconnue / no transaction to stop")
    return call.RequestStopTransaction(transaction_id=ref)


def _reset(params: CommandParams, _command_id: int, _ref: str | None) -> Any:
    return call.Reset(type="Immediate" if params.reset_type is ResetType.hard else "OnIdle")


def _change_availability(params: CommandParams, _command_id: int, _ref: str | None) -> Any:
    operative = params.availability is Availability.operative
    return call.ChangeAvailability(
        operational_status="Operative" if operative else "Inoperative", evse=_evse(params)
    )


def _unlock(params: CommandParams, _command_id: int, _ref: str | None) -> Any:
    return call.UnlockConnector(evse_id=params.connector_id, connector_id=1)


def _trigger(params: CommandParams, _command_id: int, _ref: str | None) -> Any:
    message = params.message.value if params.message else ""
    if message in _NOT_TRIGGERABLE:
        raise InvalidInput(f"{message} n'existe pas en OCPP 2.0.1 / not an OCPP 2.0.1 trigger")
    return call.TriggerMessage(requested_message=message, evse=_evse(params))


BUILDERS: dict[CommandName, Builder] = {
    CommandName.remote_start: _remote_start,
    CommandName.remote_stop: _remote_stop,
    CommandName.reset: _reset,
    CommandName.change_availability: _change_availability,
    CommandName.unlock_connector: _unlock,
    CommandName.trigger_message: _trigger,
}
SUPPORTED = frozenset(BUILDERS)


def build_call(
    command: CommandName, params: CommandParams, *, command_id: int, transaction_ref: str | None
) -> Any:
    """The OCPP 2.0.1 request of a command."""
    return BUILDERS[command](params, command_id, transaction_ref)
