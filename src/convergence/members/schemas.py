"""Pydantic models of the members domain at the API and CLI boundaries."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from convergence.members.roles import MemberKind, Role, ShareLevel, TokenScope

SIREN_PATTERN = re.compile(r"^\d{9}$")


class MemberCreate(BaseModel):
    siren: str = Field(description="SIREN à 9 chiffres / 9-digit SIREN")
    name: str = Field(min_length=1, max_length=200)
    kind: MemberKind
    insee: str | None = Field(default=None, description="INSEE code, for a commune")
    communes: list[str] | None = Field(
        default=None, description="INSEE codes covered; derived from the territory when omitted"
    )
    share_level: ShareLevel = ShareLevel.aggregates
    retention_days: int | None = Field(default=None, ge=1)

    @field_validator("siren")
    @classmethod
    def _siren_has_nine_digits(cls, value: str) -> str:
        value = value.replace(" ", "")
        if not SIREN_PATTERN.match(value):
            raise ValueError("a SIREN has exactly 9 digits, e.g. 217806462")
        return value


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    siren: str
    name: str
    kind: MemberKind
    insee: str | None
    share_level: ShareLevel
    retention_days: int | None
    communes: list[str]


class MemberSettings(BaseModel):
    """Only the fields sent change; ``"retention_days": null`` returns to the platform default."""

    share_level: ShareLevel | None = None
    retention_days: int | None = Field(
        default=None, ge=1, description="days raw readings are kept; null: the platform default"
    )


class UserCreate(BaseModel):
    email: EmailStr
    full_name: str = ""
    role: Role
    password: str = Field(min_length=12, description="12 characters at least")


class UserOut(BaseModel):
    id: int
    member_id: int
    email: str
    full_name: str
    role: Role
    is_active: bool
    last_login_at: datetime | None


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    scopes: list[TokenScope] = Field(min_length=1)
    integration_id: int | None = None


class TokenOut(BaseModel):
    id: int
    member_id: int
    name: str
    prefix: str
    scopes: list[TokenScope]
    integration_id: int | None
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    creator_active: bool | None = Field(
        default=None,
        description="false when the person who created the token was disabled or removed "
        "(the token still works: review it); null when it was made by the command line",
    )


class TokenCreated(TokenOut):
    secret: str = Field(description="Shown once: store it now, it cannot be read again")
