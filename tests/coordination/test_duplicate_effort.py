"""Duplicate effort: the same device model or supplier bought separately at different prices."""

from __future__ import annotations

from convergence.coordination.schemas import CoordinationRules, ProposalKind
from convergence.registry.kinds import Domain
from tests.coordination.builders import Builder


def test_one_device_model_bought_at_different_prices_is_flagged(build: Builder) -> None:
    versailles, boulogne = build.territory.versailles.id, build.territory.boulogne.id
    model = build.device_model("Milesight", "AM307")
    cheap = [build.equipment(versailles, device_model_id=model, cost="310") for _ in range(2)]
    dear = build.equipment(boulogne, device_model_id=model, cost="420")
    build.equipment(boulogne, device_model_id=model)  # no cost: no price to compare

    build.generate()

    [proposal] = build.proposals()
    assert proposal.kind is ProposalKind.duplicate_effort
    assert proposal.domain == Domain.air
    assert proposal.title == "Achats en double — Milesight AM307"
    assert proposal.explanation == (
        "Versailles et Boulogne-Billancourt achètent séparément le même modèle Milesight AM307 "
        "à des prix différents : 310 € l'unité pour Versailles, 420 € pour Boulogne-Billancourt "
        "(écart de 35\u202f%). Un marché commun via la centrale d'achat du syndicat alignerait les "
        "prix : au prix le plus bas, l'économie aurait été de 110 €."
    )
    assert proposal.evidence["prices"] == [
        {
            "member_id": versailles,
            "units": 2,
            "unit_price_eur": 310.0,
            "total_eur": 620.0,
            "asset_ids": cheap,
        },
        {
            "member_id": boulogne,
            "units": 1,
            "unit_price_eur": 420.0,
            "total_eur": 420.0,
            "asset_ids": [dear],
        },
    ]
    assert proposal.evidence["savings_eur"] == 110.0


def test_prices_within_the_threshold_are_not_flagged(build: Builder) -> None:
    model = build.device_model("Milesight", "AM307")
    build.equipment(build.territory.versailles.id, device_model_id=model, cost="310")
    build.equipment(build.territory.boulogne.id, device_model_id=model, cost="350")  # +13 %
    build.generate()
    assert build.proposals() == []

    build.generate(CoordinationRules(duplicate_price_spread=0.1))
    assert len(build.proposals()) == 1


def test_one_member_buying_at_two_prices_is_not_duplicate_effort(build: Builder) -> None:
    model = build.device_model("Milesight", "AM307")
    build.equipment(build.territory.versailles.id, device_model_id=model, cost="310")
    build.equipment(build.territory.versailles.id, device_model_id=model, cost="620")
    build.generate()
    assert build.proposals() == []


def test_one_supplier_paid_different_unit_prices_by_two_members_is_flagged(
    build: Builder,
) -> None:
    versailles, boulogne = build.territory.versailles.id, build.territory.boulogne.id
    first = build.project(versailles, units=10, budget=30_000, supplier="Acme Capteurs")
    second = build.project(boulogne, units=5, budget=20_000, supplier="ACME capteurs ")
    build.project(boulogne, domain=Domain.noise, units=5, budget=90_000, supplier="Acme Capteurs")

    build.generate()

    [proposal] = build.proposals()
    assert proposal.explanation == (
        "Versailles et Boulogne-Billancourt achètent séparément des capteurs de qualité de l'air "
        "au même fournisseur, Acme Capteurs, à des prix différents : 3\u202f000 € l'unité pour "
        "Versailles, 4\u202f000 € pour Boulogne-Billancourt (écart de 33\u202f%). Un marché "
        "commun via la centrale d'achat du syndicat alignerait les prix : au prix le plus bas, "
        "l'économie aurait été de 5\u202f000 €."
    )
    assert [p["initiative_ids"] for p in proposal.evidence["prices"]] == [[first], [second]]


def test_one_purchase_seen_by_model_and_by_supplier_is_one_proposal(build: Builder) -> None:
    versailles, boulogne = build.territory.versailles.id, build.territory.boulogne.id
    model = build.device_model("Acme Capteurs", "AQ-1")
    for member, cost, budget in ((versailles, "3000", 30_000), (boulogne, "4000", 20_000)):
        project = build.project(member, units=10, budget=budget, supplier="Acme Capteurs")
        build.equipment(member, device_model_id=model, cost=cost, initiative_id=project)

    build.generate()

    [proposal] = build.proposals()
    assert proposal.title == "Achats en double — Acme Capteurs AQ-1"
