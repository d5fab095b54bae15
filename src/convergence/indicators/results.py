"""Building blocks of every indicator result: units, completeness and measured values."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from convergence.errors import InvalidInput


class Unit(StrEnum):
    """Units an indicator value can carry (French symbols, as shown to users)."""

    MICROGRAM_PER_M3 = "µg/m³"
    DECIBEL_A = "dB(A)"
    INDEX_CLASS = "classe"
    VEHICLES = "véhicules"
    VEHICLES_PER_DAY = "véhicules/jour"
    VEHICLES_PER_HOUR = "véhicules/heure"
    KM_PER_HOUR = "km/h"
    PERCENT = "%"
    METRE = "m"
    CM_PER_HOUR = "cm/h"
    HOUR = "h"
    KWH = "kWh"
    COUNT = "nombre"
    RATIO = "ratio"
    KELVIN = "K"


@dataclass(frozen=True, slots=True)
class Completeness:
    """How much of the expected data was present, and the share a rule requires."""

    present: float
    expected: float
    required_ratio: float
    basis: str  # what present/expected count, in French: "heures", "jours", "minutes"

    def __post_init__(self) -> None:
        if self.present < 0 or self.expected < 0 or not 0 <= self.required_ratio <= 1:
            raise InvalidInput("completeness figures must be non-negative ratios")

    @property
    def ratio(self) -> float:
        """Share of the expected data that was present (0 when nothing was expected)."""
        return min(self.present / self.expected, 1.0) if self.expected else 0.0

    @property
    def complete(self) -> bool:
        """True when the present share reaches the required share."""
        return self.expected > 0 and self.ratio >= self.required_ratio - 1e-12


@dataclass(frozen=True, slots=True)
class Measure:
    """One indicator value with its unit, the rule it follows and its completeness.

    ``value`` is None only when no data at all was available; an incomplete value is still
    given (it informs) and ``completeness.complete`` says whether it may be published.
    """

    value: float | None
    unit: Unit
    rule: str
    completeness: Completeness

    @property
    def publishable(self) -> bool:
        """True when a value exists and its data are complete enough for its rule."""
        return self.value is not None and self.completeness.complete


def full_completeness(basis: str = "valeurs") -> Completeness:
    """Completeness of a value derived from already validated inputs."""
    return Completeness(present=1, expected=1, required_ratio=1.0, basis=basis)
