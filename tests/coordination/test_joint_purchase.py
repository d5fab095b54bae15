"""Joint purchase: neighbours planning the same kind of equipment at about the same time."""

from __future__ import annotations

from datetime import date

from convergence.coordination.schemas import CoordinationRules, ProposalKind, ProposalStatus
from convergence.registry.kinds import Domain, InitiativeStatus
from tests.coordination.builders import BOUGIVAL, LE_CHESNAY, MANTES, VERSAILLES, Builder

MARCH_2027, JUNE_2027 = date(2027, 3, 1), date(2027, 6, 15)


def test_two_adjacent_communes_planning_air_sensors_get_one_joint_purchase(
    build: Builder,
) -> None:
    versailles, chesnay, mantes = (build.commune(c) for c in (VERSAILLES, LE_CHESNAY, MANTES))
    first = build.project(versailles, start=MARCH_2027, units=12, budget=48_000)
    second = build.project(
        chesnay, status=InitiativeStatus.idea, start=JUNE_2027, units=12, budget=48_000
    )
    build.project(mantes, start=date(2027, 4, 1), units=6)  # far away: not in the group

    report = build.generate()

    [proposal] = build.proposals()
    assert report.created == [proposal.id]
    assert proposal.kind is ProposalKind.joint_purchase
    assert proposal.domain == Domain.air
    assert proposal.status is ProposalStatus.proposed
    assert proposal.explanation == (
        "Versailles et Le Chesnay-Rocquencourt, communes voisines, prévoient toutes deux des "
        "capteurs de qualité de l'air entre mars et juin 2027 : un achat groupé via la centrale "
        "d'achat du syndicat porterait sur 24 capteurs pour un budget cumulé de 96\u202f000 €."
    )
    assert {m.id for m in proposal.members} == {versailles, chesnay}
    assert [c.insee for c in proposal.communes] == [LE_CHESNAY, VERSAILLES]
    assert proposal.evidence["initiative_ids"] == [first, second]
    assert proposal.evidence["units_total"] == 24
    assert proposal.evidence["budget_eur_total"] == 96_000
    assert proposal.evidence["relations"] == [
        {"members": sorted([versailles, chesnay]), "relation": "adjacent"}
    ]


def test_a_commune_far_away_gets_no_proposal(build: Builder) -> None:
    build.project(build.commune(VERSAILLES), start=MARCH_2027, units=12)
    build.project(build.commune(MANTES), start=MARCH_2027, units=12)
    build.generate()
    assert build.proposals() == []


def test_communes_of_the_same_epci_count_as_neighbours(build: Builder) -> None:
    versailles, bougival = build.commune(VERSAILLES), build.commune(BOUGIVAL)
    build.project(versailles, start=MARCH_2027, units=10)
    build.project(bougival, status=InitiativeStatus.procurement, start=JUNE_2027, units=4)
    build.generate()
    [proposal] = build.proposals()
    assert proposal.explanation.startswith(
        "Versailles et Bougival, communes membres de CA Versailles Grand Parc (CAVGP), "
        "prévoient toutes deux des capteurs de qualité de l'air entre mars et juin 2027"
    )
    assert proposal.explanation.endswith("porterait sur 14 capteurs.")
    assert proposal.evidence["relations"][0]["relation"] == "same_grouping"


def test_projects_already_operating_or_deploying_are_not_grouped(build: Builder) -> None:
    versailles, chesnay = build.commune(VERSAILLES), build.commune(LE_CHESNAY)
    build.project(versailles, start=MARCH_2027, units=12)
    build.project(chesnay, status=InitiativeStatus.operating, start=JUNE_2027, units=12)
    build.project(chesnay, status=InitiativeStatus.deploying, start=JUNE_2027, units=12)
    build.generate()
    assert build.proposals() == []


def test_start_dates_further_apart_than_the_window_are_not_grouped(build: Builder) -> None:
    versailles, chesnay = build.commune(VERSAILLES), build.commune(LE_CHESNAY)
    build.project(versailles, start=MARCH_2027, units=12)
    build.project(chesnay, start=date(2027, 11, 1), units=12)  # 245 days later
    build.project(chesnay, units=12)  # no start date: cannot be placed in time
    build.generate()
    assert build.proposals() == []

    build.generate(CoordinationRules(joint_purchase_window_days=300))
    [proposal] = build.proposals()
    assert "entre mars et novembre 2027" in proposal.explanation


def test_different_domains_are_not_grouped(build: Builder) -> None:
    build.project(build.commune(VERSAILLES), start=MARCH_2027, units=12)
    build.project(build.commune(LE_CHESNAY), domain=Domain.noise, start=MARCH_2027, units=3)
    build.generate()
    assert build.proposals() == []


def test_three_communes_form_one_group_with_unknown_volumes_said_so(build: Builder) -> None:
    versailles, chesnay, bougival = (build.commune(c) for c in (VERSAILLES, LE_CHESNAY, BOUGIVAL))
    build.project(versailles, domain=Domain.noise, start=date(2026, 11, 1), units=5)
    build.project(chesnay, domain=Domain.noise, start=date(2027, 1, 10), units=3)
    build.project(bougival, domain=Domain.noise, start=date(2027, 2, 1))
    build.generate()
    [proposal] = build.proposals()
    assert proposal.explanation == (
        "Versailles, Le Chesnay-Rocquencourt et Bougival, communes membres de CA Versailles "
        "Grand Parc (CAVGP), prévoient toutes trois des capteurs de bruit entre novembre 2026 "
        "et février 2027 : un achat groupé via la centrale d'achat du syndicat porterait sur "
        "au moins 8 capteurs."
    )
    assert proposal.evidence["units_unknown"] == 1


def test_regenerating_keeps_one_proposal_its_status_and_refreshes_its_evidence(
    build: Builder,
) -> None:
    versailles, chesnay = build.commune(VERSAILLES), build.commune(LE_CHESNAY)
    build.project(versailles, start=MARCH_2027, units=12)
    build.project(chesnay, start=JUNE_2027, units=12)
    build.generate()
    [proposal] = build.proposals()
    build.send(proposal.id)

    again = build.generate()
    assert again.created == []
    assert again.updated == []
    assert again.unchanged == [proposal.id]

    build.project(versailles, start=date(2027, 4, 1), units=6)  # joins the same group
    refreshed = build.generate()
    [after] = build.proposals()
    assert refreshed.updated == [proposal.id]
    assert refreshed.created == []
    assert after.id == proposal.id
    assert after.status is ProposalStatus.sent
    assert after.evidence["units_total"] == 30
    assert "porterait sur 30 capteurs" in after.explanation


def test_a_proposal_the_data_no_longer_supports_turns_stale_and_keeps_its_status(
    build: Builder,
) -> None:
    build.project(build.commune(VERSAILLES), start=MARCH_2027, units=12)
    build.project(build.commune(LE_CHESNAY), start=JUNE_2027, units=12)
    build.generate()
    [proposal] = build.proposals()
    build.send(proposal.id)

    report = build.generate(CoordinationRules(joint_purchase_window_days=30))
    assert report.stale == [proposal.id]
    assert build.proposals() == []
    [stale] = build.proposals(include_stale=True)
    assert stale.stale_since is not None
    assert stale.status is ProposalStatus.sent

    build.generate()
    [back] = build.proposals()
    assert back.id == proposal.id
    assert back.stale_since is None


def test_a_chain_of_projects_longer_than_the_window_is_cut_from_its_earliest(
    build: Builder,
) -> None:
    versailles, chesnay, bougival = (build.commune(c) for c in (VERSAILLES, LE_CHESNAY, BOUGIVAL))
    build.project(versailles, start=date(2027, 1, 10), units=10)
    build.project(chesnay, start=date(2027, 5, 10), units=5)  # 120 days after Versailles
    build.project(bougival, start=date(2027, 9, 10), units=2)  # 123 days after Le Chesnay
    build.generate()
    [proposal] = build.proposals()
    assert {m.id for m in proposal.members} == {versailles, chesnay}
    assert "entre janvier et mai 2027" in proposal.explanation
