"""The evidence of each kind of proposal: the ids and figures it rests on, as JSON."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

from convergence.coordination.analysis import Analysis
from convergence.coordination.explanations import GapFigures, PurchaseVolume
from convergence.coordination.neighbourhood import NeighbourStats
from convergence.coordination.networks import MemberNetwork
from convergence.coordination.pricing import PriceComparison
from convergence.coordination.snapshot import InitiativeInfo

EVIDENCE_ID_LIMIT = 100  # ids listed per member; the counts are complete

Evidence = dict[str, object]


def joint_purchase_evidence(
    analysis: Analysis, chosen: Sequence[InitiativeInfo], volume: PurchaseVolume
) -> Evidence:
    starts = sorted(i.start_date for i in chosen if i.start_date is not None)
    return {
        "initiative_ids": sorted(i.id for i in chosen),
        "initiatives": [
            {
                "id": i.id,
                "member_id": i.member_id,
                "status": i.status,
                "start_date": i.start_date.isoformat() if i.start_date else None,
                "units": i.units,
                "budget_eur": float(i.budget_eur) if i.budget_eur is not None else None,
            }
            for i in sorted(chosen, key=lambda i: i.id)
        ],
        "units_total": volume.units,
        "units_unknown": volume.units_missing,
        "budget_eur_total": float(volume.budget_eur) if volume.budget_eur is not None else None,
        "first_start": starts[0].isoformat(),
        "last_start": starts[-1].isoformat(),
        "window_days": analysis.rules.joint_purchase_window_days,
        "relations": relations_evidence(analysis, {i.member_id for i in chosen}),
    }


def relations_evidence(analysis: Analysis, member_ids: Iterable[int]) -> list[Evidence]:
    """Which pairs of members are neighbours, and how."""
    return [
        {"members": [a, b], "relation": str(relation)}
        for a, b in combinations(sorted(member_ids), 2)
        if (relation := analysis.relation(a, b)) is not None
    ]


def shared_network_evidence(
    analysis: Analysis,
    technology: str,
    networks: dict[int, MemberNetwork],
    overlaps: dict[tuple[int, int], float],
    shared_km2: float,
) -> Evidence:
    return {
        "technology": technology,
        "radius_m": analysis.rules.shared_network_radius_m,
        "shared_km2": round(shared_km2, 3),
        "overlaps": [
            {"members": [a, b], "km2": round(area, 3)}
            for (a, b), area in sorted(overlaps.items())
            if a in networks and b in networks
        ],
        "networks": [_network(n) for n in sorted(networks.values(), key=lambda n: n.member_id)],
    }


def _network(network: MemberNetwork) -> Evidence:
    return {
        "member_id": network.member_id,
        "status": "running" if network.running else "planned",
        "coverage": "equipment" if network.points else "communes",
        "initiative_ids": sorted(network.initiative_ids),
        "asset_count": len(network.asset_ids),
        "asset_ids": sorted(network.asset_ids)[:EVIDENCE_ID_LIMIT],
    }


def coverage_gap_evidence(
    analysis: Analysis, insee: str, stats: NeighbourStats, figures: GapFigures
) -> Evidence:
    population = analysis.territory.commune
    return {
        "commune": insee,
        "population": figures.population,
        "neighbours": [
            {"insee": code, "population": population(code).population, "assets": count}
            for code, count in stats.neighbours
        ],
        "equipped_neighbours": figures.equipped_neighbours,
        "equipped_population_share": round(stats.equipped_share, 4),
        "rank": figures.rank,
        "candidates": figures.candidates,
        "min_neighbour_share": analysis.rules.coverage_gap_min_neighbour_share,
    }


def duplicate_evidence(analysis: Analysis, comparison: PriceComparison) -> Evidence:
    return {
        "subject": comparison.key,
        "prices": [
            {
                "member_id": p.member_id,
                "units": p.units,
                "unit_price_eur": float(p.unit_price),
                "total_eur": float(p.total_eur),
                comparison.items: sorted(p.item_ids)[:EVIDENCE_ID_LIMIT],
            }
            for p in comparison.prices
        ],
        "spread": round(comparison.spread, 4),
        "max_spread": analysis.rules.duplicate_price_spread,
        "savings_eur": float(comparison.savings),
    }
