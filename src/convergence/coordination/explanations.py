"""The plain-French sentences that say why a partnership is proposed, and the titles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from convergence import french_format as fr
from convergence.coordination.wording import (
    count_of,
    join_names,
    month_span,
    technology_label,
    together,
)
from convergence.registry.kinds import NetworkTechnology
from convergence.servicelines import EquipmentWords

PURCHASING_CENTRE = "la centrale d'achat du syndicat"
NAMES_SHOWN = 5  # a sentence names at most this many members, then says how many more
PRICES_SHOWN = 4  # beyond, a sentence gives the range of prices instead of each one
# Networks run by a telecom operator: what members share there is a contract, not antennas.
OPERATED_NETWORKS = frozenset(
    {
        NetworkTechnology.nbiot.value,
        NetworkTechnology.sigfox.value,
        NetworkTechnology.cellular.value,
    }
)


@dataclass(frozen=True, slots=True)
class PurchaseVolume:
    projects: int
    units: int | None  # None when no project gave its number of units
    units_missing: int  # projects that did not give it
    budget_eur: Decimal | None


def joint_purchase_title(words: EquipmentWords, names: Sequence[str]) -> str:
    return f"Achat groupé — {words.label} : {join_names(names, limit=NAMES_SHOWN)}"


def joint_purchase_text(
    *,
    names: Sequence[str],
    relation: str,
    words: EquipmentWords,
    start_dates: Sequence[date],
    volume: PurchaseVolume,
) -> str:
    """« Versailles et Le Chesnay-Rocquencourt, communes voisines, prévoient toutes deux… »"""
    return (
        f"{join_names(names, limit=NAMES_SHOWN)}, {relation}, prévoient {together(len(names))} "
        f"{words.things} "
        f"{month_span(start_dates)} : un achat groupé via {PURCHASING_CENTRE} porterait sur "
        f"{_volume(words, volume)}."
    )


def _volume(words: EquipmentWords, volume: PurchaseVolume) -> str:
    if volume.units is None:
        text = count_of(volume.projects, "projet", "projets")
    else:
        at_least = "au moins " if volume.units_missing else ""
        text = at_least + count_of(volume.units, words.unit, words.units)
    if volume.budget_eur is not None:
        text += f" pour un budget cumulé de {fr.euros(volume.budget_eur)}"
    return text


def shared_network_title(technology: str, names: Sequence[str]) -> str:
    return (
        f"Réseau partagé — {technology_label(technology)} : {join_names(names, limit=NAMES_SHOWN)}"
    )


def shared_network_text(
    *, networks: Sequence[tuple[str, bool]], technology: str, shared_km2: float
) -> str:
    """Who runs or plans a network of ``technology`` and what sharing it would spare."""
    label = technology_label(technology)
    who = join_names(
        [f"{name} ({'en service' if running else 'en projet'})" for name, running in networks],
        limit=NAMES_SHOWN,
    )
    if technology in OPERATED_NETWORKS:
        return (
            f"{who} ont chacune leur propre abonnement {label} sur des zones qui se recouvrent "
            f"({fr.number(shared_km2)} km² en commun) : un contrat de connectivité commun, "
            "négocié par le syndicat, ferait baisser le prix par objet connecté."
        )
    return (
        f"{who} ont chacune leur propre réseau {label} et leurs couvertures se recouvrent sur "
        f"{fr.number(shared_km2)} km² : un réseau {label} partagé éviterait de doubler les "
        "antennes, le serveur de réseau et leur maintenance."
    )


def coverage_gap_title(words: EquipmentWords, name: str) -> str:
    return f"Prochaine vague — {words.label} : {name}"


@dataclass(frozen=True, slots=True)
class GapFigures:
    population: int
    equipped_neighbours: int
    neighbours: int
    equipped_share: float  # of the neighbours' population
    rank: int
    candidates: int


def coverage_gap_text(*, name: str, words: EquipmentWords, figures: GapFigures) -> str:
    """« Viroflay (17 237 habitants) n'a aucun capteur… alors que 3 de ses 5 voisines… »"""
    return (
        f"{name} ({fr.thousands(figures.population)} habitants) n'a {words.none} alors que "
        f"{figures.equipped_neighbours} de ses {figures.neighbours} communes voisines en sont "
        f"équipées, soit {fr.percent(figures.equipped_share)} de leur population : elle est "
        f"candidate pour la prochaine vague de déploiement (rang {figures.rank} sur "
        f"{figures.candidates} par population)."
    )


def duplicate_title(subject: str) -> str:
    return f"Achats en double — {subject}"


def duplicate_text(
    *, subject: str, prices: Sequence[tuple[str, Decimal]], spread: float, savings: Decimal
) -> str:
    """Who buys the same thing at which unit price, and what a common contract would save."""
    names = [name for name, _ in prices]
    return (
        f"{join_names(names, limit=NAMES_SHOWN)} achètent séparément {subject} à des prix "
        f"différents : {_unit_prices(prices)} (écart de {fr.percent(spread)}). "
        f"Un marché commun via {PURCHASING_CENTRE} alignerait les prix : au prix le plus bas, "
        f"l'économie aurait été de {fr.euros(savings)}."
    )


def _unit_prices(prices: Sequence[tuple[str, Decimal]]) -> str:
    """« 310 € l'unité pour A, 420 € pour B », or the range when there are many."""
    if len(prices) > PRICES_SHOWN:
        (low_name, low), (high_name, high) = prices[0], prices[-1]
        return (
            f"de {fr.euros(low)} l'unité pour {low_name} à {fr.euros(high)} pour {high_name}, "
            f"entre {len(prices)} adhérents"
        )
    return ", ".join(
        f"{fr.euros(price)} l'unité pour {name}" if i == 0 else f"{fr.euros(price)} pour {name}"
        for i, (name, price) in enumerate(prices)
    )
