"""A member's own network of one technology: its projects, its equipment, its coverage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import shapely

from convergence.coordination.coverage import communes_reach, discs
from convergence.coordination.snapshot import Snapshot
from convergence.registry.kinds import InitiativeStatus

RUNNING = frozenset({InitiativeStatus.deploying.value, InitiativeStatus.operating.value})


@dataclass
class MemberNetwork:
    """One member's network of one technology: its projects and positioned equipment."""

    member_id: int
    initiative_ids: list[int] = field(default_factory=list)
    asset_ids: list[int] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)
    running: bool = False


def member_networks(snapshot: Snapshot, technology: str) -> dict[int, MemberNetwork]:
    """Each member's network of ``technology``: projects using it, equipment on it."""
    networks: dict[int, MemberNetwork] = {}
    for initiative in snapshot.initiatives:
        if initiative.network == technology and initiative.member_id in snapshot.members:
            network = networks.setdefault(initiative.member_id, MemberNetwork(initiative.member_id))
            network.initiative_ids.append(initiative.id)
            network.running |= initiative.status in RUNNING
    for asset in snapshot.network_assets:
        if asset.network == technology and asset.member_id in snapshot.members:
            network = networks.setdefault(asset.member_id, MemberNetwork(asset.member_id))
            network.asset_ids.append(asset.id)
            network.points.append((asset.lon, asset.lat))
            # A tagged gateway without a project is equipment already there.
            network.running |= not network.initiative_ids
    return networks


def network_coverage(
    network: MemberNetwork, *, communes: Iterable[str], radius_m: float
) -> shapely.Geometry:
    """Discs around the network's equipment; its member's communes and range without any."""
    if network.points:
        return discs(network.points, radius_m=radius_m)
    return communes_reach(communes, radius_m=radius_m)
