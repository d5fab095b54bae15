"""Coverage gaps: communes without a kind of equipment that most of their neighbours have,
weighted by population and ranked by it."""

from __future__ import annotations

from convergence.coordination.schemas import CoordinationRules, ProposalKind
from convergence.registry.kinds import Domain, InitiativeStatus
from tests.coordination.builders import (
    BOULOGNE,
    CHAVILLE,
    ISSY,
    MEUDON,
    SAINT_CLOUD,
    SEVRES,
    Builder,
)


def _equip(build: Builder, *communes: str, domain: Domain = Domain.air) -> None:
    """Equipment of the operator standing in each commune."""
    for insee in communes:
        build.equipment(build.territory.operator.id, at=insee, domain=domain)


def test_a_commune_whose_neighbours_are_mostly_equipped_is_a_candidate(build: Builder) -> None:
    # Boulogne's neighbours: Issy (67 669), Meudon (46 334), Saint-Cloud, Sèvres.
    _equip(build, ISSY, MEUDON)
    build.generate()
    [proposal] = build.proposals()
    assert proposal.kind is ProposalKind.coverage_gap
    assert proposal.domain == Domain.air
    assert [m.id for m in proposal.members] == [build.territory.boulogne.id]
    assert [c.insee for c in proposal.communes] == [BOULOGNE]
    assert proposal.explanation == (
        "Boulogne-Billancourt (119\u202f019 habitants) n'a aucun capteur de qualité de l'air alors "
        "que 2 de ses 4 communes voisines en sont équipées, soit 69\u202f% de leur population : "
        "elle est candidate pour la prochaine vague de déploiement (rang 1 sur 1 par population)."
    )
    assert proposal.evidence["equipped_population_share"] == round(114_003 / 166_161, 4)
    assert proposal.score == 119_019


def test_the_neighbours_share_is_weighted_by_population_and_candidates_ranked(
    build: Builder,
) -> None:
    sevres = build.commune(SEVRES)
    # Sèvres: 3 of its 5 neighbours equipped, but only 43 % of their population (Boulogne
    # weighs 119 019 of 226 891): a majority of communes, not of people.
    _equip(build, ISSY, MEUDON, SAINT_CLOUD, CHAVILLE)
    build.generate()
    assert [p.communes[0].insee for p in build.proposals()] == [BOULOGNE]

    build.generate(CoordinationRules(coverage_gap_min_neighbour_share=0.4))
    ranked = build.proposals()
    assert [(p.communes[0].insee, p.evidence["rank"]) for p in ranked] == [
        (BOULOGNE, 1),
        (SEVRES, 2),
    ]
    assert [m.id for m in ranked[1].members] == [sevres]
    assert "rang 2 sur 2 par population" in ranked[1].explanation


def test_one_equipped_neighbour_is_not_enough(build: Builder) -> None:
    _equip(build, ISSY)  # 41 % of Boulogne's neighbours' population, and one commune
    build.generate(CoordinationRules(coverage_gap_min_neighbour_share=0.3))
    assert build.proposals() == []


def test_a_commune_with_a_project_of_its_own_is_no_gap(build: Builder) -> None:
    _equip(build, ISSY, MEUDON)
    build.project(build.territory.boulogne.id, status=InitiativeStatus.idea)
    build.generate()
    assert build.proposals() == []


def test_retired_equipment_does_not_count_and_other_domains_are_separate(
    build: Builder,
) -> None:
    operator = build.territory.operator.id
    build.equipment(operator, at=ISSY, status="retired")
    build.equipment(operator, at=MEUDON, status="retired")
    _equip(build, ISSY, MEUDON, domain=Domain.noise)
    build.generate()
    [proposal] = build.proposals()
    assert proposal.domain == Domain.noise
    assert "n'a aucun capteur de bruit" in proposal.explanation
