"""Shared network: members running or planning their own network of one technology, with
coverages that overlap."""

from __future__ import annotations

import math
import re

import pytest

from convergence.coordination.coverage import METRES_PER_DEGREE, X_SCALE
from convergence.coordination.schemas import CoordinationRules, ProposalKind
from convergence.registry.kinds import AssetKind, Domain, InitiativeStatus, NetworkTechnology
from tests.coordination.builders import (
    BOULOGNE,
    LE_CHESNAY,
    MANTES,
    VERSAILLES,
    Builder,
    point_in,
)

LORAWAN = NetworkTechnology.lorawan


def _network(
    build: Builder, insee: str, status: InitiativeStatus, technology: NetworkTechnology = LORAWAN
) -> tuple[int, int, int]:
    """A member with a project on ``technology`` and a gateway of it in its commune."""
    member = build.commune(insee)
    project = build.project(member, status=status, network=technology)
    gateway = build.equipment(
        member, at=insee, kind=AssetKind.gateway, domain=Domain.network, initiative_id=project
    )
    return member, project, gateway


def _lens_km2(first: tuple[float, float], second: tuple[float, float], radius: float) -> float:
    """Area shared by two discs, from the textbook formula."""
    dx = (first[0] - second[0]) * X_SCALE
    dy = (first[1] - second[1]) * METRES_PER_DEGREE
    d = math.hypot(dx, dy)
    area = 2 * radius**2 * math.acos(d / (2 * radius)) - d / 2 * math.sqrt(4 * radius**2 - d**2)
    return area / 1e6


def test_overlapping_lorawan_networks_of_two_neighbours_get_a_shared_network(
    build: Builder,
) -> None:
    versailles, v_project, v_gateway = _network(build, VERSAILLES, InitiativeStatus.operating)
    chesnay, c_project, _ = _network(build, LE_CHESNAY, InitiativeStatus.planned)
    _network(build, MANTES, InitiativeStatus.operating)  # 30 km away

    build.generate()

    [proposal] = build.proposals()
    assert proposal.kind is ProposalKind.shared_network
    assert proposal.domain == Domain.network
    assert {m.id for m in proposal.members} == {versailles, chesnay}
    assert re.fullmatch(
        r"Versailles \(en service\) et Le Chesnay-Rocquencourt \(en projet\) ont chacune leur "
        r"propre réseau LoRaWAN et leurs couvertures se recouvrent sur \d+,\d km² : un réseau "
        r"LoRaWAN partagé éviterait de doubler les antennes, le serveur de réseau et leur "
        r"maintenance\.",
        proposal.explanation,
    ), proposal.explanation
    expected = _lens_km2(point_in(VERSAILLES), point_in(LE_CHESNAY), 2000)
    assert proposal.evidence["shared_km2"] == pytest.approx(expected, rel=0.02)
    networks = {n["member_id"]: n for n in proposal.evidence["networks"]}
    assert networks[versailles] == {
        "member_id": versailles,
        "status": "running",
        "coverage": "equipment",
        "initiative_ids": [v_project],
        "asset_count": 1,
        "asset_ids": [v_gateway],
    }
    assert networks[chesnay]["initiative_ids"] == [c_project]


def test_networks_of_different_technologies_are_not_shared(build: Builder) -> None:
    _network(build, VERSAILLES, InitiativeStatus.operating)
    _network(build, LE_CHESNAY, InitiativeStatus.planned, NetworkTechnology.sigfox)
    build.generate()
    assert build.proposals() == []


def test_a_smaller_radio_range_separates_the_networks(build: Builder) -> None:
    _network(build, VERSAILLES, InitiativeStatus.operating)
    _network(build, LE_CHESNAY, InitiativeStatus.planned)
    build.generate(CoordinationRules(shared_network_radius_m=500))
    assert build.proposals() == []


def test_planned_networks_without_equipment_cover_their_communes_plus_the_range(
    build: Builder,
) -> None:
    # Versailles and Boulogne-Billancourt are 5.1 km apart, border to border.
    versailles, boulogne = build.commune(VERSAILLES), build.commune(BOULOGNE)
    for member in (versailles, boulogne):
        build.project(member, domain=Domain.network, network=NetworkTechnology.nbiot)
    build.generate()
    assert build.proposals() == []

    build.generate(CoordinationRules(shared_network_radius_m=3000))
    [proposal] = build.proposals()
    assert proposal.explanation.startswith(
        "Boulogne-Billancourt (en projet) et Versailles (en projet) ont chacune leur propre "
        "abonnement NB-IoT sur des zones qui se recouvrent"
    )
    assert "un contrat de connectivité commun" in proposal.explanation
    assert {n["coverage"] for n in proposal.evidence["networks"]} == {"communes"}


def test_a_gateway_tagged_with_its_technology_counts_without_a_project(build: Builder) -> None:
    versailles = build.commune(VERSAILLES)
    build.equipment(
        versailles, at=VERSAILLES, kind=AssetKind.gateway, domain=Domain.network, tags=["LoRaWAN"]
    )
    _network(build, LE_CHESNAY, InitiativeStatus.planned)
    build.generate()
    [proposal] = build.proposals()
    assert proposal.explanation.startswith("Versailles (en service) et Le Chesnay-Rocquencourt")
