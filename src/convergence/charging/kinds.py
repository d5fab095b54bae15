"""Closed sets of the central system: protocols, commands, sessions, events."""

from __future__ import annotations

from enum import StrEnum


class Protocol(StrEnum):
    """OCPP versions, as WebSocket subprotocol tokens (OCPP-J 1.6 §3.1.2, 2.0.1 part 4)."""

    v16 = "ocpp1.6"
    v201 = "ocpp2.0.1"


# The server's order of preference: the newer protocol wins when a charge point offers both.
SUBPROTOCOL_PREFERENCE: tuple[Protocol, ...] = (Protocol.v201, Protocol.v16)


class Registration(StrEnum):
    """BootNotification answer (same words in 1.6 and 2.0.1)."""

    accepted = "Accepted"
    pending = "Pending"
    rejected = "Rejected"


class CommandName(StrEnum):
    """Remote commands, named the same whatever the charge point's OCPP version."""

    remote_start = "remote_start"  # 1.6 RemoteStartTransaction, 2.0.1 RequestStartTransaction
    remote_stop = "remote_stop"  # 1.6 RemoteStopTransaction, 2.0.1 RequestStopTransaction
    reset = "reset"
    change_availability = "change_availability"
    unlock_connector = "unlock_connector"
    get_configuration = "get_configuration"  # 1.6 only
    change_configuration = "change_configuration"  # 1.6 only
    trigger_message = "trigger_message"


class CommandStatus(StrEnum):
    """Where a command stands in the command log."""

    pending = "pending"  # recorded, being sent
    accepted = "accepted"  # the charge point accepted (Accepted, Scheduled, Unlocked…)
    rejected = "rejected"  # it answered, and said no (Rejected, NotSupported, UnlockFailed…)
    error = "error"  # it answered with a CALLERROR, or the link broke
    timeout = "timeout"  # no answer in time
    not_connected = "not_connected"  # the charge point is not connected to this process


class SessionStatus(StrEnum):
    active = "active"
    completed = "completed"
    failed = "failed"


class SessionFailure(StrEnum):
    """Why a session counts as failed (see transactions.failure_of)."""

    id_tag_refused = "id_tag_refused"
    abnormal_stop = "abnormal_stop"
    no_energy = "no_energy"
    no_stop_received = "no_stop_received"


class EventKind(StrEnum):
    """Kinds of the events the central system stores (``timeseries.events.kind``)."""

    status = "ocpp.status"  # a StatusNotification: payload connector_id, status, error_code…
    connection = "ocpp.connection"  # online / offline: payload state, reason
    boot = "ocpp.boot"  # a BootNotification: payload vendor, model, firmware, reason
    session = "ocpp.session"  # a session ended: payload outcome, failure, failed_in_row…
    data_transfer = "ocpp.data_transfer"  # a vendor DataTransfer: payload vendor_id, message_id


class ConnectionState(StrEnum):
    online = "online"
    offline = "offline"
