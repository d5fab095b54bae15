"""What a simulated charge point is, what it does, and what it reports afterwards."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class OcppVersion(StrEnum):
    """OCPP versions, as WebSocket subprotocol tokens (OCPP-J §3.1.2)."""

    v16 = "ocpp1.6"
    v201 = "ocpp2.0.1"


class ChargePointProfile(BaseModel):
    """Identity, hardware and pace of one simulated charge point.

    Durations are *simulated* seconds; ``speedup`` simulated seconds pass per real second,
    so a one-hour session with one meter reading a minute takes 6 s at ``speedup=600``.
    Timestamps in messages stay wall-clock UTC (a CSMS refuses readings from the future).
    """

    model_config = ConfigDict(frozen=True)

    charge_point_id: str = Field(min_length=1, max_length=48)
    password: str = Field(min_length=1, description="HTTP Basic password (AuthorizationKey)")
    vendor: str = Field(default="Convergence", max_length=20)
    model: str = Field(default="SimCharge AC22", max_length=20)
    serial_number: str | None = Field(default=None, max_length=25)
    firmware_version: str = Field(default="1.0.0", max_length=50)
    connectors: int = Field(default=2, ge=1, le=8, description="1.6 connectors / 2.0.1 EVSEs")
    max_power_w: float = Field(default=22_000, gt=0)
    id_tag: str = Field(default="SIMTAG0001", min_length=1, max_length=20)
    initial_register_wh: int = Field(default=1_250_000, ge=0)
    speedup: float = Field(default=1.0, gt=0)
    meter_interval_s: float = Field(default=60, gt=0)
    heartbeat_interval_s: float | None = Field(
        default=None, gt=0, description="None: the interval of the BootNotification response"
    )
    remote_session_s: float = Field(default=3600, gt=0, description="remotely started sessions")
    response_timeout_s: float = Field(default=30, gt=0, description="real seconds")
    seed: int = 0


class ChargeSession(BaseModel):
    """Plug in, authorise, charge for a while, stop locally (unless stopped before)."""

    model_config = ConfigDict(frozen=True)

    action: Literal["charge"] = "charge"
    connector_id: int = Field(default=1, ge=1)
    duration_s: float = Field(default=3600, gt=0)
    id_tag: str | None = Field(default=None, max_length=20, description="None: the profile's")
    power_w: float | None = Field(default=None, gt=0, description="None: a typical vehicle")


class Fault(BaseModel):
    """A connector fault for a while (a running session stops), then back to service."""

    model_config = ConfigDict(frozen=True)

    action: Literal["fault"] = "fault"
    connector_id: int = Field(default=1, ge=1)
    error_code: str = "GroundFailure"
    duration_s: float = Field(default=600, gt=0)


class Pause(BaseModel):
    """Nothing happens for a while (heartbeats go on)."""

    model_config = ConfigDict(frozen=True)

    action: Literal["pause"] = "pause"
    duration_s: float = Field(gt=0)


ScenarioStep = Annotated[ChargeSession | Fault | Pause, Field(discriminator="action")]


class SessionRecord(BaseModel):
    """One charging session as the charge point saw it."""

    connector_id: int
    transaction_id: str | None
    id_tag: str
    remote: bool
    authorized: bool
    meter_start_wh: int
    meter_stop_wh: int
    stop_reason: str | None
    started_at: AwareDatetime
    ended_at: AwareDatetime

    @property
    def energy_wh(self) -> int:
        """Energy delivered during the session."""
        return self.meter_stop_wh - self.meter_start_wh


class SimulationReport(BaseModel):
    """What one simulated charge point did during a run."""

    charge_point_id: str
    version: OcppVersion
    boots: int = 0
    heartbeats: int = 0
    sessions: list[SessionRecord] = Field(default_factory=list)
    faults: int = 0
    commands: list[str] = Field(default_factory=list, description="CSMS commands accepted")
    errors: list[str] = Field(default_factory=list)
    started_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
