"""Pydantic I/O models of video protection."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field, SecretStr, field_validator, model_validator

from convergence.indicators.schemas import MeasureOut
from convergence.video.kinds import (
    AccessAction,
    HabilitationKind,
    Motive,
    Outcome,
    Purpose,
    RequisitionStatus,
)

MAX_RETENTION_DAYS = 30  # CSI L252-5: at most one month


class Sign(BaseModel):
    """One information panel (pictogram, controller's role and phone)."""

    place: str = Field(min_length=1, max_length=300)
    lon: float | None = None
    lat: float | None = None
    text: str = Field(default="", max_length=500)


class SystemCreate(BaseModel):
    member_id: int | None = None
    name: str = Field(min_length=1, max_length=200)
    authorisation_number: str = Field(min_length=1, max_length=100)
    authorised_on: date
    expires_on: date | None = None  # five years after the authorisation when omitted
    purposes: list[Purpose] = Field(min_length=1)
    retention_days: int = Field(ge=1, le=MAX_RETENTION_DAYS)
    perimeter: dict[str, Any] | None = None  # GeoJSON Polygon or MultiPolygon, WGS84
    signage: list[Sign] = Field(default_factory=list)
    controller: str = Field(min_length=1, max_length=200)
    contact: str = Field(default="", max_length=200)
    viewers: list[str] = Field(default_factory=list)
    recorder: str | None = Field(default=None, max_length=300)
    # Write-only: sealed, never shown back (a user:password@ in ``recorder`` is moved here).
    recorder_user: str | None = Field(default=None, max_length=100)
    recorder_password: SecretStr | None = Field(default=None, max_length=200)


class SystemUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    expires_on: date | None = None
    purposes: list[Purpose] | None = Field(default=None, min_length=1)
    retention_days: int | None = Field(default=None, ge=1, le=MAX_RETENTION_DAYS)
    perimeter: dict[str, Any] | None = None
    signage: list[Sign] | None = None
    controller: str | None = Field(default=None, min_length=1, max_length=200)
    contact: str | None = Field(default=None, max_length=200)
    viewers: list[str] | None = None
    recorder: str | None = Field(default=None, max_length=300)
    recorder_user: str | None = Field(default=None, max_length=100)
    recorder_password: SecretStr | None = Field(default=None, max_length=200)


class SystemOut(BaseModel):
    id: int
    member_id: int
    name: str
    authorisation_number: str
    authorised_on: date
    expires_on: date
    renewal_due_on: date
    renewal_due: bool
    expired: bool
    purposes: list[Purpose]
    retention_days: int
    perimeter: dict[str, Any] | None
    signage: list[Sign]
    controller: str
    contact: str
    viewers: list[str]
    recorder: str | None
    recorder_credentials_set: bool = False
    cameras: int


class CameraLink(BaseModel):
    system_id: int | None = None
    recorder_ref: str | None = Field(default=None, max_length=100)
    host: str | None = Field(default=None, max_length=200)
    onvif_port: int | None = Field(default=None, ge=1, le=65535)
    rtsp_url: str | None = Field(default=None, max_length=500)
    vv_authorised: bool = False
    # Write-only, sealed (a user:password@ in ``rtsp_url`` is moved here).
    username: str | None = Field(default=None, max_length=100)
    password: SecretStr | None = Field(default=None, max_length=200)


class CameraOut(BaseModel):
    asset_id: int
    member_id: int
    name: str
    commune_insee: str | None
    lon: float | None
    lat: float | None
    system_id: int | None
    recorder_ref: str | None
    host: str | None
    onvif_port: int | None
    rtsp_url: str | None
    vv_authorised: bool
    credentials_set: bool = False
    flags: list[str]  # no_system, no_position, outside_perimeter


class Clip(BaseModel):
    camera_asset_id: int
    start: AwareDatetime
    end: AwareDatetime


class AccessIn(BaseModel):
    """A person's request to watch, replay, extract or export images of one camera."""

    camera_asset_id: int
    action: AccessAction
    motive: Motive
    procedure_number: str = Field(default="", max_length=100)
    requester: str = Field(default="", max_length=200)
    recipient: str = Field(default="", max_length=200)
    start: AwareDatetime | None = None
    end: AwareDatetime | None = None

    @model_validator(mode="after")
    def _window(self) -> AccessIn:
        if self.action is not AccessAction.live_view and (self.start is None or self.end is None):
            raise ValueError("replay, extraction and export need start and end")
        if self.start and self.end and self.end <= self.start:
            raise ValueError("end must come after start")
        return self


class RegisterEntryOut(BaseModel):
    id: int
    member_id: int
    system_id: int | None
    ts: datetime
    agent: str
    agent_name: str
    action: AccessAction
    outcome: Outcome
    motive: Motive
    procedure_number: str
    requester: str
    recipient: str
    camera_asset_id: int | None
    clips: list[dict[str, Any]]
    export_sha256: str
    details: dict[str, Any]
    hash: str


class RegisterCheck(BaseModel):
    member_id: int
    checked: int
    intact: bool
    broken_entry_id: int | None = None
    reason: str = ""


class Slot(BaseModel):
    """A weekly time slot in local time (Europe/Paris); ``end`` after ``start``."""

    weekday: int = Field(ge=0, le=6)  # Monday is 0
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^([01]\d|2[0-4]):[0-5]\d$")

    @model_validator(mode="after")
    def _ordered(self) -> Slot:
        if self.end <= self.start:
            raise ValueError("a slot ends after it starts (split a slot that crosses midnight)")
        return self


class HabilitationCreate(BaseModel):
    system_id: int
    user_id: int
    kind: HabilitationKind
    valid_from: AwareDatetime
    valid_until: AwareDatetime
    slots: list[Slot] = Field(default_factory=list)

    @model_validator(mode="after")
    def _coherent(self) -> HabilitationCreate:
        if self.valid_until <= self.valid_from:
            raise ValueError("valid_until must come after valid_from")
        if self.kind is HabilitationKind.pooled_operator and not self.slots:
            raise ValueError("a pooled operator acts only inside delegated slots: give slots")
        return self


class HabilitationOut(BaseModel):
    id: int
    member_id: int
    system_id: int
    user_id: int
    kind: HabilitationKind
    valid_from: datetime
    valid_until: datetime
    slots: list[Slot]
    granted_by: str
    revoked_at: datetime | None


class RequisitionCreate(BaseModel):
    system_id: int
    opj_name: str = Field(min_length=1, max_length=200)
    opj_service: str = Field(min_length=1, max_length=200)
    procedure_number: str = Field(min_length=1, max_length=100)
    cameras: list[int] = Field(min_length=1)
    window_start: AwareDatetime
    window_end: AwareDatetime
    due_at: AwareDatetime | None = None

    @field_validator("cameras")
    @classmethod
    def _distinct(cls, value: list[int]) -> list[int]:
        return sorted(set(value))

    @model_validator(mode="after")
    def _window(self) -> RequisitionCreate:
        if self.window_end <= self.window_start:
            raise ValueError("window_end must come after window_start")
        return self


class ExportOut(BaseModel):
    id: int
    camera_asset_id: int
    recording_ref: str
    start: datetime
    end: datetime
    file_name: str
    size_bytes: int
    sha256: str


class RequisitionOut(BaseModel):
    id: int
    member_id: int
    system_id: int
    opj_name: str
    opj_service: str
    procedure_number: str
    cameras: list[int]
    window_start: datetime
    window_end: datetime
    received_at: datetime
    due_at: datetime
    overdue: bool
    status: RequisitionStatus
    handed_over_to: str | None
    handed_over_at: datetime | None
    closed_at: datetime | None
    exports: list[ExportOut]


class HandOverIn(BaseModel):
    recipient: str = Field(min_length=1, max_length=200)


class PurgeReport(BaseModel):
    system_id: int
    cameras: int
    purged: int
    kept_on_hold: int
    failed: int
    overdue_cameras: list[int]


class RefusalGround(StrEnum):
    """Grounds on which access to images may be refused, with a motivated answer."""

    third_parties = "third_parties"  # privacy of other people filmed
    ongoing_procedure = "ongoing_procedure"  # a judicial procedure is under way
    state_security = "state_security"
    public_safety = "public_safety"
    no_images = "no_images"  # nothing recorded, or already destroyed


class AccessRequestCreate(BaseModel):
    """A filmed person's request to see the images of them, as the commune received it."""

    member_id: int | None = None
    requester_name: str = Field(min_length=1, max_length=200)
    requester_contact: str = Field(min_length=1, max_length=320)
    place: str = Field(min_length=1, max_length=300)
    window_start: AwareDatetime
    window_end: AwareDatetime
    received_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _window(self) -> AccessRequestCreate:
        if self.window_end <= self.window_start:
            raise ValueError("window_end must come after window_start")
        return self


class AccessRequestAnswer(BaseModel):
    granted: bool
    ground: RefusalGround | None = None
    note: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _motivated(self) -> AccessRequestAnswer:
        if not self.granted and self.ground is None:
            raise ValueError("a refusal must be motivated: give its ground")
        return self


class AccessRequestOut(BaseModel):
    id: int
    member_id: int
    requester_name: str
    requester_contact: str
    place: str
    window_start: datetime
    window_end: datetime
    received_at: datetime
    due_at: datetime
    overdue: bool
    status: str
    answer: str
    answered_at: datetime | None


class CameraAvailabilityOut(BaseModel):
    """Cameras in service at their last check within the hour: the share as a figure with its
    completeness (cameras checked out of all), and the counts it rests on."""

    cameras: int
    checked: int
    up: int
    availability: MeasureOut
