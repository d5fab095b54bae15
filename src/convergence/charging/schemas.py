"""Pydantic models of the central system at the API and CLI boundaries."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from convergence.charging.irve.models import PointOfCharge, Station
from convergence.charging.kinds import CommandName, CommandStatus, Protocol, SessionStatus
from convergence.charging.status import PointStatus
from convergence.errors import InvalidInput


class ResetType(StrEnum):
    soft = "soft"  # 1.6 Soft, 2.0.1 OnIdle
    hard = "hard"  # 1.6 Hard, 2.0.1 Immediate


class Availability(StrEnum):
    operative = "operative"
    inoperative = "inoperative"


class TriggerableMessage(StrEnum):
    """What TriggerMessage may ask for (the OCPP names)."""

    boot_notification = "BootNotification"
    heartbeat = "Heartbeat"
    status_notification = "StatusNotification"
    meter_values = "MeterValues"
    diagnostics_status = "DiagnosticsStatusNotification"
    firmware_status = "FirmwareStatusNotification"


class CommandParams(BaseModel):
    """Parameters of a remote command; each command uses some of them (see ``REQUIRED``)."""

    model_config = ConfigDict(extra="forbid")

    connector_id: int | None = Field(
        default=None, ge=0, description="1.6 connector or 2.0.1 EVSE; 0 is the whole charge point"
    )
    id_tag: str | None = Field(
        default=None, min_length=1, max_length=20, description="remote_start: the badge to charge"
    )
    session_id: int | None = Field(
        default=None, description="remote_stop: the session (default: the connector's active one)"
    )
    reset_type: ResetType = ResetType.soft
    availability: Availability | None = None
    keys: list[str] | None = Field(default=None, description="get_configuration (empty: all)")
    key: str | None = Field(default=None, max_length=50, description="change_configuration")
    value: str | None = Field(default=None, max_length=500, description="change_configuration")
    message: TriggerableMessage | None = Field(default=None, description="trigger_message")

    def check_for(self, command: CommandName) -> CommandParams:
        """The parameters, if ``command`` has what it needs; InvalidInput otherwise."""
        missing = sorted(name for name in REQUIRED.get(command, ()) if getattr(self, name) is None)
        if missing:
            raise InvalidInput(
                f"paramètres manquants / {command} needs: {', '.join(missing)}", missing=missing
            )
        return self


REQUIRED: dict[CommandName, tuple[str, ...]] = {
    CommandName.remote_start: ("id_tag",),
    CommandName.change_availability: ("availability",),
    CommandName.unlock_connector: ("connector_id",),
    CommandName.change_configuration: ("key", "value"),
    CommandName.trigger_message: ("message",),
}


class CommandOut(BaseModel):
    """One entry of the command log: what was asked, and what the charge point answered."""

    id: int
    asset_id: int
    member_id: int
    command: CommandName
    protocol: Protocol | None
    params: dict[str, Any]
    status: CommandStatus
    response: dict[str, Any] | None
    error: str | None
    requested_by: str
    requested_at: datetime
    completed_at: datetime | None


class ConnectorOut(BaseModel):
    connector_id: int
    status: str | None
    point_status: PointStatus
    error_code: str | None
    status_at: datetime | None
    register_wh: float | None
    power_w: float | None
    pdc: PointOfCharge | None


class ChargePointOut(BaseModel):
    """A charge point as supervised: identity, liveness, status of each point of charge."""

    asset_id: int
    member_id: int
    name: str
    ocpp_id: str
    commune_insee: str | None
    password_set: bool
    protocol: Protocol | None
    vendor: str | None
    model: str | None
    firmware_version: str | None
    registration: str | None
    connected: bool
    online: bool
    last_seen_at: datetime | None
    last_boot_at: datetime | None
    status: str | None
    connectors: list[ConnectorOut] = Field(default_factory=list)
    station: Station | None = None


class SessionOut(BaseModel):
    """A charging session; the badge appears only as its SHA-256 digest."""

    id: int
    asset_id: int
    member_id: int
    connector_id: int
    protocol: Protocol
    transaction_ref: str | None
    id_tag_hash: str | None
    started_at: datetime
    stopped_at: datetime | None
    meter_start_wh: float | None
    meter_stop_wh: float | None
    energy_wh: float | None
    stop_reason: str | None
    status: SessionStatus
    failure: str | None


class SessionFilters(BaseModel):
    asset_id: int | None = None
    status: SessionStatus | None = None
    since: datetime | None = None
    until: datetime | None = None


class ConnectorSetup(PointOfCharge):
    """An IRVE point of charge and the connector (1.6) or EVSE (2.0.1) it is."""

    connector_id: int = Field(ge=1)


class StationSetup(BaseModel):
    """The IRVE station details of a charge point, and its points of charge."""

    station: Station = Field(description="without points: they are the connectors below")
    connectors: list[ConnectorSetup] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct_connectors(self) -> StationSetup:
        ids = [c.connector_id for c in self.connectors]
        if len(ids) != len(set(ids)):
            raise ValueError("each connector_id appears once")
        if self.station.points:
            raise ValueError("give points of charge as `connectors`, not `station.points`")
        return self


class PasswordSet(BaseModel):
    password: str | None = Field(
        default=None, description="16 to 40 characters; none: a random key is generated"
    )


class PasswordSetOut(BaseModel):
    asset_id: int
    ocpp_id: str
    password: str | None = Field(description="the generated key, shown once; None if given")
    set_at: datetime


class StatusEventOut(BaseModel):
    ts: datetime
    kind: str
    payload: dict[str, Any]
