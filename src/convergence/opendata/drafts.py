"""What a dataset builder hands over: CSV files to validate, or reasons to refuse them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from convergence.members.schemas import MemberOut
from convergence.members.scope import MemberScope
from convergence.opendata.schemas import Period, ValidationProblem
from convergence.opendata.specs import ResourceSpec


@dataclass(frozen=True, slots=True)
class Source:
    """Whose data a builder reads, through which scope, over which days, at what time."""

    scope: MemberScope
    member: MemberOut
    period: Period | None
    now: datetime


@dataclass(frozen=True, slots=True)
class Draft:
    """One file in its schema's columns, before validation (or already validated upstream)."""

    spec: ResourceSpec
    content: bytes
    validated: bool = False  # True for IRVE files: convergence.charging.irve.exports validated them


@dataclass(frozen=True, slots=True)
class Built:
    """The files of a dataset and the problems found while making them."""

    drafts: tuple[Draft, ...] = ()
    problems: tuple[ValidationProblem, ...] = field(default=())
