"""Groups of things linked two by two: the connected components of a small graph."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def connected_groups(nodes: Iterable[T], links: Iterable[tuple[T, T]]) -> list[list[T]]:
    """The connected components of the graph, each in the order ``nodes`` gave them."""
    ordered = list(dict.fromkeys(nodes))
    parent: dict[T, T] = {node: node for node in ordered}

    def root(node: T) -> T:
        while parent[node] != node:
            parent[node] = parent[parent[node]]  # path halving keeps the trees flat
            node = parent[node]
        return node

    for first, second in links:
        parent[root(first)] = root(second)
    groups: dict[T, list[T]] = {}
    for node in ordered:
        groups.setdefault(root(node), []).append(node)
    return list(groups.values())
