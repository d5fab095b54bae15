"""The partnership rules, one function per rule: from a snapshot of the territory to drafts.

- joint purchase: members that are neighbours (a shared border, or the same EPCI/EPT) with
  projects of the same domain in idea, planned or procurement whose start dates lie within
  ``joint_purchase_window_days`` of each other (directly or through a chain of such pairs);
- shared network: members running or planning their own network of one technology whose
  coverages (see ``coverage``) share more than ``shared_network_min_overlap_km2``;
- coverage gap: a commune without equipment of a domain while at least
  ``coverage_gap_min_equipped_neighbours`` of its bordering communes have some and these hold
  more than ``coverage_gap_min_neighbour_share`` of the neighbours' population;
- duplicate effort: one device model, or one supplier in one domain, bought by several
  members at unit prices whose spread (highest − lowest) / lowest exceeds
  ``duplicate_price_spread``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

import shapely

from convergence.coordination import explanations as say
from convergence.coordination.analysis import Analysis, group_by
from convergence.coordination.clusters import connected_groups
from convergence.coordination.coverage import communes_reach, discs, overlap_km2
from convergence.coordination.neighbourhood import Neighbourhood, Relation
from convergence.coordination.pricing import (
    PriceComparison,
    model_comparisons,
    supplier_comparisons,
)
from convergence.coordination.schemas import CoordinationRules, ProposalDraft, ProposalKind
from convergence.coordination.snapshot import InitiativeInfo, Snapshot
from convergence.coordination.wording import domain_words
from convergence.members.roles import MemberKind
from convergence.registry.kinds import Domain, InitiativeStatus
from convergence.territory.reference import Territory, load_territory

ELIGIBLE_FOR_PURCHASE = frozenset(
    {
        InitiativeStatus.idea.value,
        InitiativeStatus.planned.value,
        InitiativeStatus.procurement.value,
    }
)
RUNNING = frozenset({InitiativeStatus.deploying.value, InitiativeStatus.operating.value})
GAP_MEMBER_KINDS = frozenset({MemberKind.commune, MemberKind.epci})
EVIDENCE_ID_LIMIT = 100  # ids listed per member in the evidence; the counts are complete

Rule = Callable[[Analysis], list[ProposalDraft]]


def draft_proposals(
    snapshot: Snapshot, *, rules: CoordinationRules, territory: Territory | None = None
) -> list[ProposalDraft]:
    """Every rule's drafts, in the order of RULES."""
    analysis = Analysis(snapshot, rules, Neighbourhood(territory or load_territory()))
    return [draft for rule in RULES for draft in rule(analysis)]


def joint_purchases(analysis: Analysis) -> list[ProposalDraft]:
    """Neighbours about to buy the same kind of equipment at about the same time."""
    eligible = [
        i
        for i in analysis.snapshot.initiatives
        if i.status in ELIGIBLE_FOR_PURCHASE
        and i.start_date is not None
        and i.member_id in analysis.snapshot.members
    ]
    drafts = []
    for domain, items in group_by(eligible, lambda i: i.domain).items():
        by_id = {i.id: i for i in items}
        links = [(a.id, b.id) for a, b in combinations(items, 2) if _buy_together(analysis, a, b)]
        for group in connected_groups(by_id, links):
            chosen = [by_id[i] for i in group]
            if len({i.member_id for i in chosen}) > 1:
                drafts.append(_joint_purchase(analysis, domain, chosen))
    return drafts


def _buy_together(analysis: Analysis, a: InitiativeInfo, b: InitiativeInfo) -> bool:
    if a.member_id == b.member_id or a.start_date is None or b.start_date is None:
        return False
    if abs((a.start_date - b.start_date).days) > analysis.rules.joint_purchase_window_days:
        return False
    return analysis.relation(a.member_id, b.member_id) is not None


def _joint_purchase(
    analysis: Analysis, domain: str, chosen: Sequence[InitiativeInfo]
) -> ProposalDraft:
    member_ids = analysis.ordered(i.member_id for i in chosen)
    names = analysis.names(member_ids)
    words = domain_words(domain)
    volume = _purchase_volume(chosen)
    starts = [i.start_date for i in chosen if i.start_date is not None]
    return ProposalDraft(
        kind=ProposalKind.joint_purchase,
        domain=Domain(domain),
        member_ids=sorted(member_ids),
        communes=analysis.communes(member_ids),
        # The oldest project anchors the group: a project joining it later updates it.
        key=f"initiative:{min(i.id for i in chosen)}",
        title=say.joint_purchase_title(words, names),
        explanation=say.joint_purchase_text(
            names=names,
            relation=_relation_phrase(analysis, member_ids),
            words=words,
            start_dates=starts,
            volume=volume,
        ),
        evidence=_joint_purchase_evidence(analysis, chosen, volume),
        score=float(volume.budget_eur or volume.units or volume.projects),
    )


def _purchase_volume(chosen: Sequence[InitiativeInfo]) -> say.PurchaseVolume:
    units = [i.units for i in chosen if i.units is not None]
    budgets = [i.budget_eur for i in chosen if i.budget_eur is not None]
    return say.PurchaseVolume(
        projects=len(chosen),
        units=sum(units) if units else None,
        units_missing=len(chosen) - len(units),
        budget_eur=sum(budgets, Decimal(0)) if budgets else None,
    )


def _joint_purchase_evidence(
    analysis: Analysis, chosen: Sequence[InitiativeInfo], volume: say.PurchaseVolume
) -> dict[str, object]:
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
        "relations": _relations_evidence(analysis, {i.member_id for i in chosen}),
    }


def _relations_evidence(analysis: Analysis, member_ids: Iterable[int]) -> list[dict[str, object]]:
    return [
        {"members": [a, b], "relation": str(relation)}
        for a, b in combinations(sorted(member_ids), 2)
        if (relation := analysis.relation(a, b)) is not None
    ]


def _relation_phrase(analysis: Analysis, member_ids: Sequence[int]) -> str:
    """« communes voisines », « communes membres de CA Versailles Grand Parc (CAVGP) »…"""
    all_communes = all(analysis.member(m).kind is MemberKind.commune for m in member_ids)
    noun = "communes" if all_communes else "collectivités"
    pairs = combinations(member_ids, 2)
    if all(analysis.relation(a, b) is Relation.adjacent for a, b in pairs):
        return f"{noun} voisines"
    grouping = analysis.places.shared_grouping(analysis.communes(member_ids))
    if grouping is not None:
        return f"{noun} membres de {analysis.territory.epci(grouping).name}"
    return f"{noun} voisines ou d'une même intercommunalité"


@dataclass
class MemberNetwork:
    """One member's network of one technology: its projects and positioned equipment."""

    member_id: int
    initiative_ids: list[int] = field(default_factory=list)
    asset_ids: list[int] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)
    running: bool = False


def shared_networks(analysis: Analysis) -> list[ProposalDraft]:
    """Members with their own networks of one technology whose coverages overlap."""
    drafts = []
    for technology in analysis.rules.shared_network_technologies:
        networks = _networks(analysis.snapshot, technology.value)
        coverages = {m: _coverage(analysis, n) for m, n in networks.items()}
        overlaps = {
            (a, b): area
            for a, b in combinations(sorted(networks), 2)
            if (area := overlap_km2(coverages[a], coverages[b]))
            > analysis.rules.shared_network_min_overlap_km2
            and area > 0
        }
        for group in connected_groups(sorted(networks), overlaps):
            if len(group) > 1:
                chosen = {m: networks[m] for m in group}
                shared = _shared_area_km2([coverages[m] for m in group])
                drafts.append(_shared_network(analysis, technology.value, chosen, overlaps, shared))
    return drafts


def _networks(snapshot: Snapshot, technology: str) -> dict[int, MemberNetwork]:
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


def _coverage(analysis: Analysis, network: MemberNetwork) -> shapely.Geometry:
    radius = analysis.rules.shared_network_radius_m
    if network.points:
        return discs(network.points, radius_m=radius)
    return communes_reach(analysis.member(network.member_id).communes, radius_m=radius)


def _shared_area_km2(coverages: Sequence[shapely.Geometry]) -> float:
    """Area covered by at least two of the networks."""
    pieces = [shapely.intersection(a, b) for a, b in combinations(coverages, 2)]
    return float(shapely.area(shapely.union_all(pieces))) / 1_000_000


def _shared_network(
    analysis: Analysis,
    technology: str,
    networks: dict[int, MemberNetwork],
    overlaps: dict[tuple[int, int], float],
    shared_km2: float,
) -> ProposalDraft:
    member_ids = analysis.ordered(networks)
    names = analysis.names(member_ids)
    return ProposalDraft(
        kind=ProposalKind.shared_network,
        domain=Domain.network,
        member_ids=sorted(member_ids),
        communes=analysis.communes(member_ids),
        key=f"technology:{technology}",
        title=say.shared_network_title(technology, names),
        explanation=say.shared_network_text(
            networks=[(analysis.member(m).name, networks[m].running) for m in member_ids],
            technology=technology,
            shared_km2=shared_km2,
        ),
        evidence=_shared_network_evidence(analysis, technology, networks, overlaps, shared_km2),
        score=round(shared_km2, 3),
    )


def _shared_network_evidence(
    analysis: Analysis,
    technology: str,
    networks: dict[int, MemberNetwork],
    overlaps: dict[tuple[int, int], float],
    shared_km2: float,
) -> dict[str, object]:
    return {
        "technology": technology,
        "radius_m": analysis.rules.shared_network_radius_m,
        "shared_km2": round(shared_km2, 3),
        "overlaps": [
            {"members": [a, b], "km2": round(area, 3)}
            for (a, b), area in sorted(overlaps.items())
            if a in networks and b in networks
        ],
        "networks": [
            {
                "member_id": n.member_id,
                "status": "running" if n.running else "planned",
                "coverage": "equipment" if n.points else "communes",
                "initiative_ids": sorted(n.initiative_ids),
                "asset_count": len(n.asset_ids),
                "asset_ids": sorted(n.asset_ids)[:EVIDENCE_ID_LIMIT],
            }
            for n in sorted(networks.values(), key=lambda n: n.member_id)
        ],
    }


def coverage_gaps(analysis: Analysis) -> list[ProposalDraft]:
    """Communes left without a kind of equipment that most of their neighbours have."""
    coverers = _coverers(analysis.snapshot)
    drafts = []
    for domain in analysis.rules.coverage_gap_domains:
        equipped = analysis.snapshot.equipped.get(domain.value, {})
        busy = _communes_with_projects(analysis.snapshot, domain.value)
        candidates = [
            (insee, stats)
            for insee in sorted(coverers)
            if insee not in equipped
            and insee not in busy
            and (stats := _neighbour_stats(analysis, insee, equipped)) is not None
        ]
        candidates.sort(key=lambda c: (-analysis.territory.commune(c[0]).population, c[0]))
        for rank, (insee, stats) in enumerate(candidates, start=1):
            drafts.append(
                _coverage_gap(analysis, domain, insee, coverers[insee], stats, rank, candidates)
            )
    return drafts


def _coverers(snapshot: Snapshot) -> dict[str, list[int]]:
    """Communes covered by a commune or EPCI member, with those members."""
    coverers: dict[str, list[int]] = defaultdict(list)
    for member in sorted(snapshot.members.values(), key=lambda m: m.id):
        if member.kind in GAP_MEMBER_KINDS:
            for insee in member.communes:
                coverers[insee].append(member.id)
    return dict(coverers)


def _communes_with_projects(snapshot: Snapshot, domain: str) -> set[str]:
    """Communes whose commune or EPCI already has a project in the domain: not a gap."""
    busy: set[str] = set()
    for initiative in snapshot.initiatives:
        member = snapshot.members.get(initiative.member_id)
        if initiative.domain == domain and member is not None and member.kind in GAP_MEMBER_KINDS:
            busy |= member.communes
    return busy


@dataclass(frozen=True, slots=True)
class NeighbourStats:
    neighbours: list[tuple[str, int]]  # (INSEE, assets of the domain)
    equipped_share: float


def _neighbour_stats(
    analysis: Analysis, insee: str, equipped: dict[str, int]
) -> NeighbourStats | None:
    """The commune's neighbours and their equipment, if they make it a gap; None otherwise."""
    neighbours = sorted(analysis.places.adjacent(insee))
    with_equipment = [code for code in neighbours if code in equipped]
    population = sum(analysis.territory.commune(c).population for c in neighbours)
    if len(with_equipment) < analysis.rules.coverage_gap_min_equipped_neighbours or not population:
        return None
    share = sum(analysis.territory.commune(c).population for c in with_equipment) / population
    if share <= analysis.rules.coverage_gap_min_neighbour_share:
        return None
    return NeighbourStats([(c, equipped.get(c, 0)) for c in neighbours], share)


def _coverage_gap(
    analysis: Analysis,
    domain: Domain,
    insee: str,
    member_ids: list[int],
    stats: NeighbourStats,
    rank: int,
    candidates: Sequence[object],
) -> ProposalDraft:
    commune = analysis.territory.commune(insee)
    words = domain_words(domain.value)
    figures = say.GapFigures(
        population=commune.population,
        equipped_neighbours=sum(1 for _, count in stats.neighbours if count),
        neighbours=len(stats.neighbours),
        equipped_share=stats.equipped_share,
        rank=rank,
        candidates=len(candidates),
    )
    return ProposalDraft(
        kind=ProposalKind.coverage_gap,
        domain=domain,
        member_ids=sorted(member_ids),
        communes=[insee],
        key=f"commune:{insee}",
        title=say.coverage_gap_title(words, commune.name),
        explanation=say.coverage_gap_text(name=commune.name, words=words, figures=figures),
        evidence={
            "commune": insee,
            "population": commune.population,
            "neighbours": [
                {
                    "insee": code,
                    "population": analysis.territory.commune(code).population,
                    "assets": count,
                }
                for code, count in stats.neighbours
            ],
            "equipped_neighbours": figures.equipped_neighbours,
            "equipped_population_share": round(stats.equipped_share, 4),
            "rank": rank,
            "candidates": len(candidates),
            "min_neighbour_share": analysis.rules.coverage_gap_min_neighbour_share,
        },
        score=float(commune.population),
    )


def duplicate_efforts(analysis: Analysis) -> list[ProposalDraft]:
    """One device model, or one supplier, bought separately at unit prices far apart."""
    comparisons = model_comparisons(analysis.snapshot) + supplier_comparisons(analysis.snapshot)
    return [
        _duplicate_effort(analysis, comparison)
        for comparison in comparisons
        if len(comparison.prices) > 1 and comparison.spread > analysis.rules.duplicate_price_spread
    ]


def _duplicate_effort(analysis: Analysis, comparison: PriceComparison) -> ProposalDraft:
    member_ids = [p.member_id for p in comparison.prices]
    return ProposalDraft(
        kind=ProposalKind.duplicate_effort,
        domain=Domain(comparison.domain),
        member_ids=sorted(member_ids),
        communes=analysis.communes(member_ids),
        key=comparison.key,
        title=say.duplicate_title(comparison.name),
        explanation=say.duplicate_text(
            subject=comparison.subject,
            prices=[(analysis.member(p.member_id).name, p.unit_price) for p in comparison.prices],
            spread=comparison.spread,
            savings=comparison.savings,
        ),
        evidence={
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
        },
        score=float(comparison.savings),
    )


RULES: tuple[Rule, ...] = (joint_purchases, shared_networks, coverage_gaps, duplicate_efforts)
