"""Which communes and members are neighbours: a shared border, or the same intercommunalité.

The intercommunalité that counts is the one of proximity: the EPT in Hauts-de-Seine, the
EPCI elsewhere. The Métropole du Grand Paris groups every commune of 92 (and 100 more), so
belonging to it says nothing about being close.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from convergence.territory.geometry import commune_neighbours
from convergence.territory.reference import EpciKind, Territory


class Relation(StrEnum):
    adjacent = "adjacent"  # a shared border (or a commune in common)
    same_grouping = "same_grouping"  # the same EPCI or EPT, without a shared border


@dataclass
class Neighbourhood:
    """Adjacency and groupings of the territory's communes, computed once per analysis."""

    territory: Territory
    _adjacent: dict[str, frozenset[str]] = field(default_factory=dict)

    def adjacent(self, insee: str) -> frozenset[str]:
        """Communes sharing a border or a corner with ``insee``."""
        if insee not in self._adjacent:
            self._adjacent[insee] = frozenset(commune_neighbours(insee))
        return self._adjacent[insee]

    def grouping(self, insee: str) -> str | None:
        """SIREN of the commune's intercommunalité of proximity (EPT, else EPCI but the MGP)."""
        commune = self.territory.commune(insee)
        if commune.ept_siren is not None:
            return commune.ept_siren
        if commune.epci_siren is None:
            return None
        epci = self.territory.epci(commune.epci_siren)
        return None if epci.kind is EpciKind.metro else epci.siren

    def relation(self, first: Iterable[str], second: Iterable[str]) -> Relation | None:
        """How two sets of communes relate: adjacent, same grouping, or not at all."""
        a, b = frozenset(first), frozenset(second)
        if a & b or any(self.adjacent(code) & b for code in a):
            return Relation.adjacent
        groupings = {self.grouping(code) for code in a} - {None}
        if groupings & {self.grouping(code) for code in b}:
            return Relation.same_grouping
        return None

    def shared_grouping(self, communes: Iterable[str]) -> str | None:
        """The grouping every one of ``communes`` belongs to, if there is one."""
        groupings = {self.grouping(code) for code in communes}
        return next(iter(groupings)) if len(groupings) == 1 else None


@dataclass(frozen=True, slots=True)
class NeighbourStats:
    """A commune's bordering communes with their equipment of one domain."""

    neighbours: list[tuple[str, int]]  # (INSEE, assets of the domain)
    equipped_share: float  # of the neighbours' population
