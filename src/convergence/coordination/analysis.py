"""One run of the partnership rules: the snapshot, the thresholds and the neighbourhood."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from convergence.coordination.neighbourhood import Neighbourhood, Relation
from convergence.coordination.schemas import CoordinationRules
from convergence.coordination.snapshot import MemberInfo, Snapshot
from convergence.territory.reference import Territory

T = TypeVar("T")
K = TypeVar("K")


@dataclass
class Analysis:
    """What every rule reads, with the member relations cached (rules ask about pairs often)."""

    snapshot: Snapshot
    rules: CoordinationRules
    places: Neighbourhood
    _relations: dict[tuple[int, int], Relation | None] = field(default_factory=dict)

    @property
    def territory(self) -> Territory:
        return self.places.territory

    def member(self, member_id: int) -> MemberInfo:
        return self.snapshot.members[member_id]

    def relation(self, first: int, second: int) -> Relation | None:
        """How two members' communes relate: adjacent, same EPCI/EPT, or not at all."""
        key = (min(first, second), max(first, second))
        if key not in self._relations:
            communes = (self.member(key[0]).communes, self.member(key[1]).communes)
            self._relations[key] = self.places.relation(*communes)
        return self._relations[key]

    def ordered(self, member_ids: Iterable[int]) -> list[int]:
        """Members from the most populous to the least, as a sentence names them."""
        return sorted(set(member_ids), key=lambda m: (-self.population(m), self.member(m).name))

    def population(self, member_id: int) -> int:
        return sum(self.territory.commune(c).population for c in self.member(member_id).communes)

    def names(self, member_ids: Iterable[int]) -> list[str]:
        return [self.member(m).name for m in member_ids]

    def communes(self, member_ids: Iterable[int]) -> list[str]:
        """INSEE codes covered by any of the members."""
        covered: set[str] = set()
        for member_id in member_ids:
            covered |= self.member(member_id).communes
        return sorted(covered)


def group_by(items: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    """Items grouped by ``key``, groups in the order of their first item."""
    groups: dict[K, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return dict(groups)
