"""Spot-speed statistics: V85, V50, mean speed and the share of vehicles above the limit.

V85 is the speed at or below which 85 % of vehicles travel. Compute it on free-flowing
vehicles and per direction: the caller selects the speeds it passes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from convergence.errors import InvalidInput
from convergence.indicators.regulations.traffic import V85_DEFINITION
from convergence.indicators.results import Completeness, Measure, Unit

NEAREST_RANK = "rang le plus proche sur les vitesses individuelles"
LINEAR_IN_CLASS = "interpolation linéaire dans la classe de vitesse"


@dataclass(frozen=True, slots=True)
class SpeedClass:
    """A speed class of a counter: vehicles with lower <= speed < upper (km/h)."""

    lower: float
    upper: float
    vehicles: int

    def __post_init__(self) -> None:
        if self.upper <= self.lower or self.vehicles < 0:
            raise InvalidInput("a speed class needs lower < upper and a non-negative count")


@dataclass(frozen=True, slots=True)
class SpeedStatistics:
    """V85, V50, mean speed and shares above the limit, with the method used."""

    vehicles: int
    v85: Measure
    v50: Measure
    mean: Measure
    limit_kmh: float | None
    share_above_limit: Measure | None
    share_above_limit_plus_10: Measure | None
    method: str


def nearest_rank_percentile(values: Sequence[float], percent: float) -> float:
    """Smallest observed value with at least ``percent`` % of the values at or below it."""
    if not values or not 0 < percent <= 100:
        raise InvalidInput("a percentile needs values and a percentage in (0, 100]")
    ordered = sorted(values)
    # Exact rational arithmetic: 0.85 × n must not land a hair above an integer rank.
    rank = math.ceil(Fraction(str(percent)) * len(ordered) / 100)
    return ordered[rank - 1]


def _measure(value: float | None, unit: Unit, n: int) -> Measure:
    return Measure(value, unit, V85_DEFINITION.text, Completeness(n, n, 1.0, "véhicules"))


def _shares(
    above: float | None, above_10: float | None, n: int
) -> tuple[Measure | None, Measure | None]:
    if above is None or above_10 is None:
        return None, None
    return _measure(above, Unit.PERCENT, n), _measure(above_10, Unit.PERCENT, n)


def speed_statistics(speeds: Sequence[float], *, limit_kmh: float | None = None) -> SpeedStatistics:
    """Statistics of individual spot speeds in km/h; percentiles by the nearest-rank method.

    Nearest rank matches the definition literally (an observed speed, with ≥ 85 % of the
    vehicles at or below it) and needs no interpolation. Above the limit means strictly
    above it.
    """
    n = len(speeds)
    if n == 0:
        empty = _measure(None, Unit.KM_PER_HOUR, 0)
        return SpeedStatistics(0, empty, empty, empty, limit_kmh, None, None, NEAREST_RANK)
    above = 100 * sum(1 for s in speeds if s > limit_kmh) / n if limit_kmh is not None else None
    above_10 = (
        100 * sum(1 for s in speeds if s > limit_kmh + 10) / n if limit_kmh is not None else None
    )
    share, share_10 = _shares(above, above_10, n)
    return SpeedStatistics(
        n,
        _measure(nearest_rank_percentile(speeds, 85), Unit.KM_PER_HOUR, n),
        _measure(nearest_rank_percentile(speeds, 50), Unit.KM_PER_HOUR, n),
        _measure(sum(speeds) / n, Unit.KM_PER_HOUR, n),
        limit_kmh,
        share,
        share_10,
        NEAREST_RANK,
    )


def class_percentile(classes: Sequence[SpeedClass], percent: float) -> float:
    """Percentile of classed speeds, interpolated linearly inside the class that holds it."""
    total = sum(c.vehicles for c in classes)
    target = percent / 100 * total
    cumulated = 0
    for c in sorted(classes, key=lambda c: c.lower):
        if c.vehicles and cumulated + c.vehicles >= target:
            return c.lower + (target - cumulated) / c.vehicles * (c.upper - c.lower)
        cumulated += c.vehicles
    raise InvalidInput("speed classes hold no vehicle")


def share_above(classes: Sequence[SpeedClass], speed: float) -> float:
    """Share (%) of classed vehicles above a speed, uniform inside the straddling class."""
    total = sum(c.vehicles for c in classes)
    above = sum(
        c.vehicles * min(1.0, max(0.0, (c.upper - speed) / (c.upper - c.lower))) for c in classes
    )
    return 100 * above / total


def speed_statistics_from_classes(
    classes: Sequence[SpeedClass], *, limit_kmh: float | None = None
) -> SpeedStatistics:
    """The same statistics from a counter's speed classes (e.g. 10 km/h bins).

    Percentiles are interpolated linearly inside their class, the mean uses class mid-points
    and the shares assume speeds spread evenly inside a class: the usual treatment of
    grouped data, exact when a class bound equals the limit.
    """
    n = sum(c.vehicles for c in classes)
    if n == 0:
        empty = _measure(None, Unit.KM_PER_HOUR, 0)
        return SpeedStatistics(0, empty, empty, empty, limit_kmh, None, None, LINEAR_IN_CLASS)
    mean = sum(c.vehicles * (c.lower + c.upper) / 2 for c in classes) / n
    above = share_above(classes, limit_kmh) if limit_kmh is not None else None
    above_10 = share_above(classes, limit_kmh + 10) if limit_kmh is not None else None
    share, share_10 = _shares(above, above_10, n)
    return SpeedStatistics(
        n,
        _measure(class_percentile(classes, 85), Unit.KM_PER_HOUR, n),
        _measure(class_percentile(classes, 50), Unit.KM_PER_HOUR, n),
        _measure(mean, Unit.KM_PER_HOUR, n),
        limit_kmh,
        share,
        share_10,
        LINEAR_IN_CLASS,
    )
