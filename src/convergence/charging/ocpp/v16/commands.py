"""Remote commands as OCPP 1.6 requests (Core and Remote Trigger profiles)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ocpp.v16 import call

from convergence.charging.kinds import CommandName
from convergence.charging.schemas import Availability, CommandParams, ResetType
from convergence.errors import InvalidInput

Builder = Callable[[CommandParams, int, "str | None"], Any]


def _remote_start(params: CommandParams, _command_id: int, _ref: str | None) -> Any:
    return call.RemoteStartTransaction(
        id_tag=params.id_tag, connector_id=params.connector_id or None
    )


def _remote_stop(_params: CommandParams, _command_id: int, ref: str | None) -> Any:
    if ref is None or not ref.isdigit():
        raise InvalidInput("transaction OCPP 1.6 inconnue / no OCPP 1.6 transaction to stop")
    return call.RemoteStopTransaction(transaction_id=int(ref))


def _reset(params: CommandParams, _command_id: int, _ref: str | None) -> Any:
    return call.Reset(type="Hard" if params.reset_type is ResetType.hard else "Soft")


def _change_availability(params: CommandParams, _command_id: int, _ref: str | None) -> Any:
    operative = params.availability is Availability.operative
    return call.ChangeAvailability(
        connector_id=params.connector_id or 0, type="Operative" if operative else "Inoperative"
    )


def _unlock(params: CommandParams, _command_id: int, _ref: str | None) -> Any:
    return call.UnlockConnector(connector_id=params.connector_id)


def _get_configuration(params: CommandParams, _command_id: int, _ref: str | None) -> Any:
    return call.GetConfiguration(key=params.keys or None)


def _change_configuration(params: CommandParams, _command_id: int, _ref: str | None) -> Any:
    return call.ChangeConfiguration(key=params.key, value=params.value)


def _trigger(params: CommandParams, _command_id: int, _ref: str | None) -> Any:
    message = params.message.value if params.message else None
    return call.TriggerMessage(requested_message=message, connector_id=params.connector_id)


BUILDERS: dict[CommandName, Builder] = {
    CommandName.remote_start: _remote_start,
    CommandName.remote_stop: _remote_stop,
    CommandName.reset: _reset,
    CommandName.change_availability: _change_availability,
    CommandName.unlock_connector: _unlock,
    CommandName.get_configuration: _get_configuration,
    CommandName.change_configuration: _change_configuration,
    CommandName.trigger_message: _trigger,
}
SUPPORTED = frozenset(BUILDERS)


def build_call(
    command: CommandName, params: CommandParams, *, command_id: int, transaction_ref: str | None
) -> Any:
    """The OCPP 1.6 request of a command."""
    return BUILDERS[command](params, command_id, transaction_ref)
