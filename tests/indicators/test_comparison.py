"""Per-inhabitant comparisons commune / EPCI / département and rank among similar communes."""

from __future__ import annotations

import pytest

from convergence.errors import InvalidInput
from convergence.indicators.comparison import (
    TerritoryLevel,
    TerritoryTotal,
    aggregate,
    compare_territories,
    per_inhabitant,
    population_class,
    rank_among_similar,
)
from convergence.indicators.results import Completeness, Measure, Unit


def kwh(value: float | None) -> Measure:
    return Measure(value, Unit.KWH, "relevés", Completeness(1, 1, 1.0, "mois"))


def commune(code: str, value: float | None, population: int) -> TerritoryTotal:
    return TerritoryTotal(TerritoryLevel.COMMUNE, code, code, kwh(value), population)


def test_commune_against_its_epci_and_departement_per_inhabitant() -> None:
    # Commune A: 120 000 kWh / 8 000 hab. = 15 kWh/hab.
    # EPCI = A + B (300 000 kWh, 12 000 hab.) + C (no data, 5 000 hab.):
    #   420 000 kWh / 20 000 hab. covered = 21 kWh/hab.; coverage 20 000 / 25 000 = 80 %.
    #   Commune gap = 100 × (15 / 21 − 1) = −28.57 %.
    # Département: 5 000 000 kWh / 250 000 hab. = 20 kWh/hab.; gap = 100 × (15/20 − 1) = −25 %.
    a = commune("78001", 120_000, 8_000)
    epci = aggregate(
        [a, commune("78002", 300_000, 12_000), commune("78003", None, 5_000)],
        level=TerritoryLevel.EPCI,
        code="200058519",
        name="CA test",
    )
    departement = TerritoryTotal(
        TerritoryLevel.DEPARTEMENT, "78", "Yvelines", kwh(5_000_000), 250_000
    )
    rows = compare_territories(a, epci, departement)
    assert [r.per_inhabitant.value for r in rows] == [15.0, 21.0, 20.0]
    assert rows[0].commune_gap_percent == 0.0
    assert rows[1].commune_gap_percent == pytest.approx(-28.57, abs=0.01)
    assert rows[2].commune_gap_percent == pytest.approx(-25.0)
    assert rows[1].per_inhabitant.completeness.ratio == pytest.approx(0.8)
    assert rows[1].per_inhabitant.unit_label == "kWh/hab."
    assert epci.total.completeness.present == 2


def test_per_inhabitant_without_value() -> None:
    assert per_inhabitant(commune("78003", None, 5_000)).value is None


@pytest.mark.parametrize(
    ("population", "label"),
    [
        (99, "0 à 99 hab."),
        (3_499, "2000 à 3499 hab."),
        (3_500, "3500 à 4999 hab."),
        (100_000, "100000 hab. et plus"),
    ],
)
def test_population_classes(population: int, label: str) -> None:
    assert population_class(population).label == label


def test_rank_among_communes_of_the_same_population_class() -> None:
    # Stratum 5 000–9 999: X1 15, X2 10, X3 20, X4 15 kWh/hab.; X5 (12 000 hab.) is in another
    # stratum, X6 has no value. Lower is better: X2 1st, X1 and X4 tied 2nd, X3 4th.
    # X1: position 2 of 4; better than X3 only: 1 of the 3 other peers = 33.3 %.
    values = {"X1": 15.0, "X2": 10.0, "X3": 20.0, "X4": 15.0, "X5": 5.0, "X6": None}
    populations = {"X1": 8000, "X2": 6000, "X3": 9000, "X4": 7000, "X5": 12000, "X6": 5500}
    rank = rank_among_similar("X1", values, populations, higher_is_better=False)
    assert (rank.position, rank.out_of) == (2, 4)
    assert rank.better_than_percent == pytest.approx(33.33, abs=0.01)
    assert rank.population_class.label == "5000 à 9999 hab."
    assert rank_among_similar("X3", values, populations, higher_is_better=True).position == 1
    assert rank_among_similar("X6", values, populations, higher_is_better=False).position is None


def test_rank_needs_the_population() -> None:
    with pytest.raises(InvalidInput):
        rank_among_similar("Z", {"Z": 1.0}, {}, higher_is_better=True)
