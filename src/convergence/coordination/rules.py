"""The partnership rules, one function per rule: from a snapshot of the territory to drafts.

- joint purchase: members that are neighbours (a shared border, or the same EPCI/EPT) with
  projects of the same domain in idea, planned or procurement whose start dates lie within
  ``joint_purchase_window_days`` of each other; pairs chain into one group as long as the
  group spans no more than the window (a longer chain is cut from its earliest project);
- shared network: members running or planning their own network of one technology whose
  coverages (see ``coverage``: discs of ``shared_network_radius_m`` around their equipment,
  or their communes plus that range) share more than ``shared_network_min_overlap_km2``;
- coverage gap: a commune without equipment of a domain while at least
  ``coverage_gap_min_equipped_neighbours`` of its bordering communes have some and these hold
  more than ``coverage_gap_min_neighbour_share`` of the neighbours' population;
- duplicate effort: one device model, or one supplier in one domain, bought by several
  members at unit prices whose spread (highest − lowest) / lowest exceeds
  ``duplicate_price_spread``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from itertools import combinations, islice

import numpy as np
import shapely

from convergence.coordination import explanations as say
from convergence.coordination.analysis import Analysis, group_by
from convergence.coordination.clusters import connected_groups
from convergence.coordination.coverage import area_km2
from convergence.coordination.evidence import (
    coverage_gap_evidence,
    duplicate_evidence,
    joint_purchase_evidence,
    shared_network_evidence,
)
from convergence.coordination.neighbourhood import Neighbourhood, NeighbourStats, Relation
from convergence.coordination.networks import MemberNetwork, member_networks, network_coverage
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
GAP_MEMBER_KINDS = frozenset({MemberKind.commune, MemberKind.epci})

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
        for group in _purchase_groups(analysis, items):
            if len({i.member_id for i in group}) > 1:
                drafts.append(_joint_purchase(analysis, domain, group))
    return drafts


def _purchase_groups(
    analysis: Analysis, items: Sequence[InitiativeInfo]
) -> list[list[InitiativeInfo]]:
    """Projects linked by neighbourhood and dates; a group never spans more than the window.

    Links chain (March–July, July–November): a chain longer than the window is cut, from its
    earliest project on, into runs that fit in it, and each run is grouped again.
    """
    by_id = {i.id: i for i in items}
    window = analysis.rules.joint_purchase_window_days
    groups = []
    for component in connected_groups(by_id, _purchase_links(analysis, items)):
        for run in _runs_within_window([by_id[i] for i in component], window):
            in_run = {i.id: i for i in run}
            links = _purchase_links(analysis, run)
            groups += [[in_run[i] for i in group] for group in connected_groups(in_run, links)]
    return groups


def _runs_within_window(
    items: Sequence[InitiativeInfo], window_days: int
) -> list[list[InitiativeInfo]]:
    """Consecutive runs of projects, by start date, each within ``window_days``."""
    runs: list[list[InitiativeInfo]] = []
    for item in sorted(items, key=lambda i: (i.start_date, i.id)):
        first = runs[-1][0].start_date if runs else None
        if first is None or item.start_date is None or (item.start_date - first).days > window_days:
            runs.append([item])
        else:
            runs[-1].append(item)
    return runs


def _purchase_links(analysis: Analysis, items: Sequence[InitiativeInfo]) -> list[tuple[int, int]]:
    """Pairs of projects of neighbouring members starting within the window of each other."""
    window = timedelta(days=analysis.rules.joint_purchase_window_days)
    dated = sorted(
        ((i.start_date, i) for i in items if i.start_date is not None),
        key=lambda pair: (pair[0], pair[1].id),
    )
    links = []
    for position, (start, first) in enumerate(dated):
        # Sorted by start date: only the projects that follow, up to the window, need a look.
        for later, second in islice(dated, position + 1, None):
            if later - start > window:
                break
            if first.member_id != second.member_id and analysis.relation(
                first.member_id, second.member_id
            ):
                links.append((first.id, second.id))
    return links


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
        domain=domain,
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
        evidence=joint_purchase_evidence(analysis, chosen, volume),
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
    return f"{noun} voisines de proche en proche"


def shared_networks(analysis: Analysis) -> list[ProposalDraft]:
    """Members with their own networks of one technology whose coverages overlap."""
    drafts = []
    for technology in analysis.rules.shared_network_technologies:
        networks = member_networks(analysis.snapshot, technology.value)
        coverages = {m: _coverage(analysis, n) for m, n in networks.items()}
        overlaps = _overlaps(analysis, coverages)
        for group in connected_groups(sorted(networks), overlaps):
            if len(group) > 1:
                chosen = {m: networks[m] for m in group}
                shared = {pair: piece for pair, piece in overlaps.items() if pair[0] in chosen}
                drafts.append(_shared_network(analysis, technology.value, chosen, shared))
    return drafts


def _coverage(analysis: Analysis, network: MemberNetwork) -> shapely.Geometry:
    communes = analysis.member(network.member_id).communes
    return network_coverage(
        network, communes=communes, radius_m=analysis.rules.shared_network_radius_m
    )


def _overlaps(
    analysis: Analysis, coverages: dict[int, shapely.Geometry]
) -> dict[tuple[int, int], shapely.Geometry]:
    """Pairs of members whose coverages share more than the threshold, with what they share."""
    members = sorted(coverages)
    shapes = np.array([coverages[m] for m in members], dtype=object)
    # The tree finds the pairs that touch at all (a few, not n²); then one vectorised pass.
    first, second = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    ordered = first < second
    first, second = first[ordered], second[ordered]
    pieces = shapely.intersection(shapes[first], shapes[second])
    areas = shapely.area(pieces) / 1_000_000
    threshold = analysis.rules.shared_network_min_overlap_km2
    return {
        (members[a], members[b]): piece
        for a, b, piece, area in zip(first, second, pieces, areas, strict=True)
        if area > threshold and area > 0
    }


def _shared_network(
    analysis: Analysis,
    technology: str,
    networks: dict[int, MemberNetwork],
    shared: dict[tuple[int, int], shapely.Geometry],
) -> ProposalDraft:
    overlaps = {pair: area_km2(piece) for pair, piece in shared.items()}
    # The surface covered by at least two of the networks, counted once.
    shared_km2 = area_km2(shapely.union_all(list(shared.values())))
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
        evidence=shared_network_evidence(analysis, technology, networks, overlaps, shared_km2),
        score=round(shared_km2, 3),
    )


def coverage_gaps(analysis: Analysis) -> list[ProposalDraft]:
    """Communes left without a kind of equipment that most of their neighbours have."""
    coverers = _coverers(analysis.snapshot)
    drafts = []
    for domain in analysis.rules.coverage_gap_domains:
        equipped = analysis.snapshot.equipped.get(domain, {})
        busy = _communes_with_projects(analysis.snapshot, domain)
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
    domain: str,
    insee: str,
    member_ids: list[int],
    stats: NeighbourStats,
    rank: int,
    candidates: Sequence[object],
) -> ProposalDraft:
    commune = analysis.territory.commune(insee)
    words = domain_words(domain)
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
        evidence=coverage_gap_evidence(analysis, insee, stats, figures),
        score=float(commune.population),
    )


def duplicate_efforts(analysis: Analysis) -> list[ProposalDraft]:
    """One device model, or one supplier, bought separately at unit prices far apart."""
    by_model = model_comparisons(analysis.snapshot)
    # The same members buying one model from its supplier is one purchase seen twice: the
    # supplier's comparison adds nothing to the model's.
    seen = {(c.domain, _buyers(c)) for c in by_model}
    by_supplier = [
        c for c in supplier_comparisons(analysis.snapshot) if (c.domain, _buyers(c)) not in seen
    ]
    return [
        _duplicate_effort(analysis, comparison)
        for comparison in by_model + by_supplier
        if len(comparison.prices) > 1 and comparison.spread > analysis.rules.duplicate_price_spread
    ]


def _buyers(comparison: PriceComparison) -> frozenset[int]:
    return frozenset(p.member_id for p in comparison.prices)


def _duplicate_effort(analysis: Analysis, comparison: PriceComparison) -> ProposalDraft:
    member_ids = [p.member_id for p in comparison.prices]
    return ProposalDraft(
        kind=ProposalKind.duplicate_effort,
        domain=comparison.domain,
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
        evidence=duplicate_evidence(analysis, comparison),
        score=float(comparison.savings),
    )


RULES: tuple[Rule, ...] = (joint_purchases, shared_networks, coverage_gaps, duplicate_efforts)
