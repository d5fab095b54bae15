"""Peer comparison: the median and interquartile range of the other communes of the stratum,
in the EPCI, else the département; none under three communes. Medians computed by hand."""

from __future__ import annotations

import pytest

from convergence.indicators.comparison import peer_statistics, quartiles
from convergence.indicators.schemas import PeersOut, TerritoryLevel
from convergence.indicators.views import commune_zone, departement_zone, epci_zones, peer_areas
from convergence.territory.reference import load_territory
from convergence.web.pages.comparison_rows import peers_text
from tests.web.test_comparison_rows import comparison, row


def areas(insee: str) -> list[tuple[str, frozenset[str]]]:
    return peer_areas([commune_zone(insee), *epci_zones(insee), departement_zone(insee)])


def populations(*codes: str) -> dict[str, int]:
    territory = load_territory()
    return {c: territory.commune(c).population for c in codes}


def test_quartiles_interpolate_between_order_statistics() -> None:
    # [1, 2, 3, 4]: positions 0.75, 1.5, 2.25 → 1.75, 2.5, 3.25.
    assert quartiles([4.0, 1.0, 3.0, 2.0]) == pytest.approx((1.75, 2.5, 3.25))
    # [10, 14, 30]: positions 0.5, 1, 1.5 → 12, 14, 22.
    assert quartiles([30.0, 10.0, 14.0]) == pytest.approx((12.0, 14.0, 22.0))


def test_peers_in_the_epci_never_count_the_commune_itself() -> None:
    # Le Chesnay-Rocquencourt and its three peers of 20,000–49,999 inhabitants in Versailles
    # Grand Parc: La Celle-Saint-Cloud, Saint-Cyr-l'École, Vélizy-Villacoublay.
    values = {"78158": 20.0, "78126": 10.0, "78545": 30.0, "78640": 14.0, "78646": 99.0}
    peers = peer_statistics("78158", values, populations(*values), areas=areas("78158"))
    assert peers.area == "l'intercommunalité CA Versailles Grand Parc (CAVGP)"
    assert peers.count == 3  # Versailles is of another stratum, the commune is not its peer
    assert (peers.first_quartile, peers.median, peers.third_quartile) == pytest.approx(
        (12.0, 14.0, 22.0)
    )


def test_too_few_peers_in_the_epci_look_in_the_departement() -> None:
    # Bois-d'Arcy (10,000–19,999): two peers in its EPCI (Fontenay-le-Fleury, Viroflay), so
    # the département: those two and Andrésy, Aubergenville → [3, 5, 8, 13] → 4.5, 6.5, 9.25.
    values = {"78073": 1.0, "78242": 5.0, "78686": 13.0, "78015": 3.0, "78029": 8.0}
    peers = peer_statistics("78073", values, populations(*values), areas=areas("78073"))
    assert peers.area == "le département Yvelines (78)"
    assert peers.count == 4
    assert (peers.first_quartile, peers.median, peers.third_quartile) == pytest.approx(
        (4.5, 6.5, 9.25)
    )


def test_fewer_than_three_peers_give_no_comparison() -> None:
    # Versailles' only peer of 50,000–99,999 inhabitants in the Yvelines is Sartrouville.
    values = {"78646": 40.0, "78586": 35.0, "78158": 20.0, "78126": None}
    peers = peer_statistics("78646", values, populations(*values), areas=areas("78646"))
    assert (peers.count, peers.median, peers.first_quartile, peers.third_quartile) == (
        1, None, None, None,
    )  # fmt: skip
    assert peers.area == "le département Yvelines (78)"


def test_a_commune_without_peers_sharing_says_so() -> None:
    rows = [row("Versailles", TerritoryLevel.COMMUNE, 62.0, "dB(A)", 85_000)]
    alone = comparison(rows, out_of=1, position=1)
    alone.rank.peers = PeersOut(
        area="le département Yvelines (78)", count=1, median=None, first_quartile=None,
        third_quartile=None,
    )  # fmt: skip
    assert peers_text(alone) == (
        "Pas de comparaison avec des communes comparables : 1 autre commune de 20 000 à "
        "100 000 habitants dans le département Yvelines (78) ne partage cette donnée avec vous "
        "(il en faut au moins trois)."
    )
    alone.rank.peers = PeersOut(
        area="l'intercommunalité CA Versailles Grand Parc", count=4, median=60.5,
        first_quartile=58.0, third_quartile=64.25,
    )  # fmt: skip
    assert peers_text(alone) == (
        "Communes comparables (4 communes de 20 000 à 100 000 habitants dans l'intercommunalité "
        "CA Versailles Grand Parc) : médiane 60,5 dB(A), la moitié d'entre elles entre 58 dB(A) "
        "et 64,2 dB(A). La commune : 62 dB(A) (+1,5 dB(A) par rapport à la médiane)."
    )
