"""The comparison of a commune with its EPCI and département, as the dashboard writes it.

A territory whose value comes from the commune alone is no comparison (the commune against
itself): it says so instead. Levels in decibels are logarithmic: their differences are in
dB, never in percent. A rank among fewer than three communes says nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass

from convergence import french_format as fr
from convergence.indicators.schemas import ComparedOut, ComparisonOut

MIN_PEERS = 3
ALONE = "seule la commune partage ses données à cette échelle : pas de comparaison"


@dataclass(frozen=True, slots=True)
class ComparedRow:
    zone: str
    value: str
    per_inhabitant: str
    gap: str


def is_decibel(unit: str) -> bool:
    return unit.startswith("dB")


def gap_text(own: ComparedOut, row: ComparedOut) -> str:
    """The commune's gap to ``row``: in dB for decibel levels, in percent otherwise."""
    if row.covered_population <= own.covered_population:
        return ALONE
    unit = row.value.unit
    if is_decibel(unit):
        if own.value.value is None or row.value.value is None:
            return "—"
        difference = own.value.value - row.value.value
        sign = "+" if difference > 0 else "−" if difference < 0 else ""
        return f"{sign}{fr.number(abs(difference), 1)} {unit}"
    return fr.signed_percent(row.commune_gap_percent)


def value_text(row: ComparedOut) -> str:
    if row.value.unit in ("nombre", "classe"):
        return fr.number(row.value.value, 0)
    return fr.auto(row.value.value, row.value.unit)


def per_inhabitant_text(row: ComparedOut) -> str:
    found = row.per_inhabitant
    if found is None or found.value is None:
        return "—"
    return f"{fr.number(found.value, 3)} {found.unit}"


def compared_rows(comparison: ComparisonOut) -> list[ComparedRow]:
    """The rows of one comparison, the commune first."""
    if not comparison.rows:
        return []
    own = comparison.rows[0]
    return [
        ComparedRow(
            zone=row.zone.name,
            value=value_text(row),
            per_inhabitant=per_inhabitant_text(row),
            gap="—" if index == 0 else gap_text(own, row),
        )
        for index, row in enumerate(comparison.rows)
    ]


def rank_text(comparison: ComparisonOut) -> str:
    """The commune's rank among comparable communes, or why there is none."""
    rank = comparison.rank
    if rank.out_of < MIN_PEERS:
        return (
            f"Pas de rang : moins de trois communes de {rank.stratum} partagent leurs données "
            "avec vous."
        )
    if not rank.position:
        return "Pas de rang : la commune n'a pas de valeur sur la période."
    order = "plus haut" if rank.higher_is_better else "plus bas"
    first = "re" if rank.position == 1 else "e"
    return (
        f"Rang : {rank.position}{first} sur {rank.out_of} communes de {rank.stratum} dont les "
        f"données vous sont accessibles ({order} = meilleur)."
    )


def _compared_value(row: ComparedOut, per_inhabitant: bool) -> tuple[float | None, str]:
    """The value compared with the peers (per inhabitant when the metric is) and its unit."""
    if per_inhabitant and row.per_inhabitant is not None:
        return row.per_inhabitant.value, row.per_inhabitant.unit
    return row.value.value, row.value.unit


def _difference(own: float, median: float, unit: str) -> str:
    if is_decibel(unit):
        difference = own - median
        sign = "+" if difference > 0 else "−" if difference < 0 else ""
        return f"{sign}{fr.number(abs(difference), 1)} {unit}"
    if not median:
        return "—"
    return fr.signed_percent(100 * (own / median - 1))


def peers_text(comparison: ComparisonOut) -> str:
    """The commune against the median and interquartile range of comparable communes, or why
    there is no such comparison."""
    peers = comparison.rank.peers
    if peers is None or not comparison.rows:
        return ""
    stratum = comparison.rank.stratum
    if peers.median is None:
        others = (
            "aucune autre commune"
            if peers.count == 0
            else (
                f"{peers.count} autre{'s' if peers.count > 1 else ''} commune"
                f"{'s' if peers.count > 1 else ''}"
            )
        )
        return (
            f"Pas de comparaison avec des communes comparables : {others} de {stratum} dans "
            f"{peers.area} ne partage{'nt' if peers.count > 1 else ''} cette donnée avec vous "
            "(il en faut au moins trois)."
        )
    own, unit = _compared_value(comparison.rows[0], comparison.per_inhabitant)
    shown = "" if unit in ("nombre", "classe") else unit

    def value(v: float | None) -> str:
        return fr.auto(v, shown)

    text = (
        f"Communes comparables ({peers.count} communes de {stratum} dans {peers.area}) : "
        f"médiane {value(peers.median)}, la moitié d'entre elles entre "
        f"{value(peers.first_quartile)} et {value(peers.third_quartile)}."
    )
    if own is None:
        return text + " La commune n'a pas de valeur sur la période."
    gap = _difference(own, peers.median, unit)
    return text + f" La commune : {value(own)} ({gap} par rapport à la médiane)."
