"""Citation strings and threshold tables of the indicators, one module per domain.

Each table names its source. The verification status repeats the tags of the research note
(``shared/reference/indicators.md``): a value marked ``UNVERIFIED`` must be re-checked
against Légifrance or EUR-Lex before a release presents it as law.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verification(StrEnum):
    """How well a value is supported, as tagged in the research note."""

    CONFIRMED = "confirmed"
    CORROBORATED = "corroborated"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True)
class Citation:
    """A regulatory or normative text: its short citation, address and verification status."""

    text: str
    url: str | None = None
    status: Verification = Verification.CONFIRMED

    def __str__(self) -> str:
        return self.text
