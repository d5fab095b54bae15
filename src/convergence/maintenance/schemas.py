"""Pydantic models of the maintenance domain at the API, page and CLI boundaries."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, EmailStr, Field, model_validator

from convergence.maintenance.kinds import (
    ExclusionReason,
    HoursBasis,
    Origin,
    Problem,
    TicketAction,
    TicketStatus,
)

MAX_DELAY_MIN = 90 * 24 * 60


class ContractorCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    email: EmailStr
    phone: str | None = Field(default=None, max_length=40)


class ContractorOut(BaseModel):
    id: int
    name: str
    email: str
    phone: str | None


class ContractCreate(BaseModel):
    """A maintenance contract: a contractor, a member's assets, delays and penalties."""

    member_id: int | None = Field(default=None, description="default: the caller's member")
    contractor_id: int
    reference: str = Field(min_length=1, max_length=100, examples=["MAINT-IRVE-2026-01"])
    title: str = Field(min_length=2, max_length=200)
    hours_basis: HoursBasis = HoursBasis.business
    day_start: time = time(8, 0)
    day_end: time = time(18, 0)
    intervention_delay_min: int = Field(gt=0, le=MAX_DELAY_MIN)
    restoration_delay_min: int = Field(gt=0, le=MAX_DELAY_MIN)
    penalty_per_hour_eur: float = Field(default=0.0, ge=0, le=100_000)
    penalty_cap_eur: float | None = Field(default=None, ge=0, le=10_000_000)
    availability_target_pct: float | None = Field(default=None, ge=0, le=100)
    starts_on: date
    ends_on: date | None = None
    asset_ids: list[int] = Field(default_factory=list, max_length=10_000)

    @model_validator(mode="after")
    def _coherent(self) -> ContractCreate:
        if self.day_end <= self.day_start:
            raise ValueError(
                "la fin de journée ouvrée doit suivre son début / day_end must follow day_start"
            )
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("le contrat finit avant de commencer / ends_on precedes starts_on")
        return self


class ContractOut(BaseModel):
    id: int
    member_id: int
    contractor_id: int
    contractor_name: str
    reference: str
    title: str
    hours_basis: HoursBasis
    day_start_min: int
    day_end_min: int
    intervention_delay_min: int
    restoration_delay_min: int
    penalty_per_hour_cents: int
    penalty_cap_cents: int | None
    availability_target_pct: float | None
    starts_on: date
    ends_on: date | None
    asset_ids: list[int]


class TicketCreate(BaseModel):
    """A ticket opened by a person."""

    asset_id: int
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(default="", max_length=5000)
    problem: Problem = Problem.reported


class ExclusionCreate(BaseModel):
    """A period the contract excludes from delays, with what proves it."""

    reason: ExclusionReason
    started_at: datetime
    ended_at: datetime
    evidence: str = Field(
        min_length=5,
        max_length=5000,
        description="what proves it: grid operator notice number, police report, …",
    )

    @model_validator(mode="after")
    def _ordered(self) -> ExclusionCreate:
        if self.started_at.tzinfo is None or self.ended_at.tzinfo is None:
            raise ValueError("dates avec fuseau horaire requises / timezone-aware times required")
        if self.ended_at <= self.started_at:
            raise ValueError("la fin doit suivre le début / ended_at must follow started_at")
        return self


class ClockOut(BaseModel):
    elapsed_min: float
    delay_min: float
    due_at: datetime
    late_min: float
    stopped: bool


class TicketOut(BaseModel):
    id: int
    member_id: int
    asset_id: int
    asset_name: str
    contract_id: int | None
    problem: Problem
    origin: Origin
    status: TicketStatus
    title: str
    description: str
    error_code: str | None
    vendor_error_code: str | None
    alert_id: int | None
    opened_at: datetime
    last_fault_at: datetime
    acknowledged_at: datetime | None
    restored_at: datetime | None
    restoration_verified: bool
    closed_at: datetime | None
    reopen_count: int
    intervention: ClockOut | None = None
    restoration: ClockOut | None = None
    penalty_cents: int = 0


class TicketEventOut(BaseModel):
    ts: datetime
    action: TicketAction
    actor: str
    note: str


class ExclusionOut(BaseModel):
    """An agreed exclusion and what proves it."""

    id: int
    ticket_id: int
    reason: ExclusionReason
    started_at: datetime
    ended_at: datetime
    evidence: str
    recorded_by: str
    recorded_at: datetime
