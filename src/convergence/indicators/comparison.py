"""Commune vs EPCI vs département: per-inhabitant values and rank among similar communes.

Per-inhabitant values divide by the INSEE population municipale. An aggregate (EPCI,
département) divides by the population of the communes that have data, so communes
without sensors do not dilute the value; the covered population is its completeness.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from convergence.errors import InvalidInput
from convergence.indicators.regulations.comparison import (
    DGCL_STRATA,
    INSEE_POPULATION,
    POPULATION_STRATA_LOWER_BOUNDS,
)
from convergence.indicators.results import Completeness, Measure, Unit

COVERAGE_REQUIRED_RATIO = 0.5


class TerritoryLevel(StrEnum):
    """Levels of the territory a value can be compared across."""

    COMMUNE = "commune"
    EPCI = "epci"
    DEPARTEMENT = "departement"


@dataclass(frozen=True, slots=True)
class TerritoryTotal:
    """A total (e.g. kWh of a year) for a territory, with the population it covers."""

    level: TerritoryLevel
    code: str
    name: str
    total: Measure
    population: int
    population_total: int | None = None  # whole population when only part of it has data

    def __post_init__(self) -> None:
        if self.population < 0 or (self.population_total or 0) < 0:
            raise InvalidInput("populations cannot be negative")


@dataclass(frozen=True, slots=True)
class PerInhabitant:
    """A value per inhabitant, in ``unit`` per inhabitant."""

    value: float | None
    unit: Unit
    population: int
    rule: str
    completeness: Completeness

    @property
    def unit_label(self) -> str:
        """Unit as shown to users, e.g. "kWh/hab."."""
        return f"{self.unit.value}/hab."


def per_inhabitant(total: TerritoryTotal) -> PerInhabitant:
    """Total ÷ population covered; an aggregate's completeness is its population coverage."""
    if total.population_total is None:
        done = total.total.completeness
    else:
        done = Completeness(
            total.population, total.population_total, COVERAGE_REQUIRED_RATIO, "habitants"
        )
    value = (
        total.total.value / total.population
        if total.total.value is not None and total.population
        else None
    )
    rule = f"{total.total.rule} ; {INSEE_POPULATION.text}"
    return PerInhabitant(value, total.total.unit, total.population, rule, done)


def aggregate(
    members: Sequence[TerritoryTotal], *, level: TerritoryLevel, code: str, name: str
) -> TerritoryTotal:
    """EPCI or département total from its communes; communes without a value are not covered."""
    if not members or len({m.total.unit for m in members}) != 1:
        raise InvalidInput("an aggregate needs members in one unit")
    with_value = [m for m in members if m.total.value is not None]
    unit, rule = members[0].total.unit, members[0].total.rule
    value = sum(m.total.value or 0.0 for m in with_value) if with_value else None
    completeness = Completeness(len(with_value), len(members), 1.0, "communes")
    population = sum(m.population for m in with_value)
    whole = sum(m.population for m in members)
    return TerritoryTotal(
        level, code, name, Measure(value, unit, rule, completeness), population, whole
    )


@dataclass(frozen=True, slots=True)
class ComparedTerritory:
    """One row of a comparison: a territory, its per-inhabitant value and the commune's gap."""

    territory: TerritoryTotal
    per_inhabitant: PerInhabitant
    commune_gap_percent: float | None  # 100 × (commune ÷ territory − 1); 0 for the commune


def compare_territories(
    commune: TerritoryTotal, *others: TerritoryTotal
) -> tuple[ComparedTerritory, ...]:
    """Compare a commune with its EPCI and département per inhabitant."""
    own = per_inhabitant(commune)
    rows = []
    for territory in (commune, *others):
        theirs = per_inhabitant(territory)
        gap = (
            100 * (own.value / theirs.value - 1) if own.value is not None and theirs.value else None
        )
        rows.append(ComparedTerritory(territory, theirs, gap))
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class PopulationClass:
    """A demographic stratum of communes: [lower, upper[ inhabitants, open when upper is None."""

    lower: int
    upper: int | None
    label: str
    rule: str = DGCL_STRATA.text


def population_class(population: int) -> PopulationClass:
    """Stratum of a commune by its population municipale (DGCL strata)."""
    if population < 0:
        raise InvalidInput("a population cannot be negative")
    bounds = POPULATION_STRATA_LOWER_BOUNDS
    index = max(i for i, lower in enumerate(bounds) if population >= lower)
    lower = bounds[index]
    upper = bounds[index + 1] if index + 1 < len(bounds) else None
    label = f"{lower} à {upper - 1} hab." if upper is not None else f"{lower} hab. et plus"
    return PopulationClass(lower, upper, label)


@dataclass(frozen=True, slots=True)
class Rank:
    """Position of a commune among communes of its population class (1 = best)."""

    code: str
    value: float | None
    position: int | None
    out_of: int
    better_than_percent: float | None
    population_class: PopulationClass
    higher_is_better: bool


def rank_among_similar(
    code: str,
    values: Mapping[str, float | None],
    populations: Mapping[str, int],
    *,
    higher_is_better: bool,
) -> Rank:
    """Rank of a commune among the communes of its population class that have a value.

    Ties share the better position (1, 2, 2, 4); ``better_than_percent`` is the share of the
    other peers with a strictly worse value.
    """
    if code not in populations:
        raise InvalidInput("the commune's population is unknown", code=code)
    stratum = population_class(populations[code])
    peers = {
        c: v
        for c, v in values.items()
        if v is not None and c in populations and population_class(populations[c]) == stratum
    }
    own = values.get(code)
    if own is None:
        return Rank(code, None, None, len(peers), None, stratum, higher_is_better)
    sign = 1 if higher_is_better else -1
    better = sum(1 for v in peers.values() if sign * v > sign * own)
    worse = sum(1 for v in peers.values() if sign * v < sign * own)
    share = 100 * worse / (len(peers) - 1) if len(peers) > 1 else None
    return Rank(code, own, better + 1, len(peers), share, stratum, higher_is_better)


MIN_PEERS = 3


@dataclass(frozen=True, slots=True)
class Peers:
    """The other communes of a commune's stratum and area that share a value: their median
    and interquartile range, or none when fewer than ``MIN_PEERS`` share."""

    area: str  # « la CA Versailles Grand Parc », « les Yvelines »…
    stratum: PopulationClass
    count: int
    median: float | None
    first_quartile: float | None
    third_quartile: float | None


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """Q1, median, Q3 by linear interpolation between order statistics (method 7 of Hyndman
    and Fan, the default of R and of spreadsheets' QUARTILE.INC): [1, 2, 3, 4] gives 1.75,
    2.5, 3.25."""
    ordered = sorted(values)
    if not ordered:
        raise InvalidInput("quartiles of nothing")

    def at(fraction: float) -> float:
        position = fraction * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (position - low) * (ordered[high] - ordered[low])

    return at(0.25), at(0.5), at(0.75)


def peer_statistics(
    code: str,
    values: Mapping[str, float | None],
    populations: Mapping[str, int],
    *,
    areas: Sequence[tuple[str, frozenset[str]]],
) -> Peers:
    """The commune's peers: the other communes of its population stratum with a value, in the
    first of ``areas`` (its EPCI, then its département) where at least ``MIN_PEERS`` share one.
    Never the commune itself."""
    stratum = population_class(populations[code])
    found: list[float] = []
    area_name = areas[-1][0] if areas else ""
    for name, communes in areas:
        found = [
            v
            for c, v in values.items()
            if c != code
            and v is not None
            and c in communes
            and c in populations
            and population_class(populations[c]) == stratum
        ]
        area_name = name
        if len(found) >= MIN_PEERS:
            break
    if len(found) < MIN_PEERS:
        return Peers(area_name, stratum, len(found), None, None, None)
    first, median, third = quartiles(found)
    return Peers(area_name, stratum, len(found), median, first, third)
