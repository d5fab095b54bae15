"""Quality periods and set-aside values, as the API takes and gives them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from convergence.timeseries.flags import Reason


class PeriodReason(StrEnum):
    """Why a person invalidates a period (re-validating gives none of the rules' reasons)."""

    maintenance = "maintenance"
    invalidated_by_person = "invalidated_by_person"


class QualityPeriodCreate(BaseModel):
    """A period of an asset's readings that a technician invalidates or re-validates."""

    start: AwareDatetime
    end: AwareDatetime
    valid: bool = Field(description="false invalidates the period, true re-validates it")
    reason: PeriodReason = PeriodReason.invalidated_by_person
    note: str = Field(min_length=1, max_length=1000, description="why, in a few words")

    @model_validator(mode="after")
    def _in_order(self) -> QualityPeriodCreate:
        if self.end <= self.start:
            raise ValueError("la fin doit suivre le début / end must come after start")
        return self


class QualityPeriodOut(BaseModel):
    id: int
    asset_id: int
    start: datetime
    end: datetime
    valid: bool
    reason: str
    note: str
    actor: str
    created_at: datetime
    readings_changed: int = 0


class SetAsideSummary(BaseModel):
    """How many values were set aside over a period, and why."""

    first: date
    last: date
    total: int
    by_reason: dict[Reason, int]
    readings_url: str


class SetAsideReading(BaseModel):
    asset_id: int
    asset_name: str
    quantity: str
    unit: str
    ts: datetime
    value: float
    flag: str
    reason: str | None
