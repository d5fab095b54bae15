"""The French words of proposals: domains, technologies, lists of names, months, amounts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from convergence import french_format as fr
from convergence.registry.kinds import Domain, NetworkTechnology


@dataclass(frozen=True, slots=True)
class DomainWords:
    things: str  # what a commune deploys, with its article: « des capteurs de qualité de l'air »
    none: str  # « aucun capteur de qualité de l'air »
    unit: str  # one piece of equipment
    units: str  # several
    label: str  # the domain as a title says it


DOMAIN_WORDS = {
    Domain.air: DomainWords(
        "des capteurs de qualité de l'air",
        "aucun capteur de qualité de l'air",
        "capteur",
        "capteurs",
        "qualité de l'air",
    ),
    Domain.noise: DomainWords(
        "des capteurs de bruit", "aucun capteur de bruit", "capteur", "capteurs", "bruit"
    ),
    Domain.traffic: DomainWords(
        "des compteurs de trafic", "aucun compteur de trafic", "compteur", "compteurs", "trafic"
    ),
    Domain.water: DomainWords(
        "des capteurs de niveau d'eau",
        "aucun capteur de niveau d'eau",
        "capteur",
        "capteurs",
        "eau et crues",
    ),
    Domain.lighting: DomainWords(
        "de l'éclairage public connecté",
        "aucun éclairage public connecté",
        "point lumineux",
        "points lumineux",
        "éclairage public",
    ),
    Domain.charging: DomainWords(
        "des bornes de recharge",
        "aucune borne de recharge",
        "point de charge",
        "points de charge",
        "recharge électrique",
    ),
    Domain.video: DomainWords(
        "des caméras de vidéoprotection",
        "aucune caméra de vidéoprotection",
        "caméra",
        "caméras",
        "vidéoprotection",
    ),
    Domain.network: DomainWords(
        "des équipements de réseau",
        "aucun équipement de réseau",
        "équipement",
        "équipements",
        "réseaux",
    ),
    Domain.other: DomainWords(
        "des équipements connectés",
        "aucun équipement connecté",
        "équipement",
        "équipements",
        "autres équipements",
    ),
}

TECHNOLOGY_LABELS = {
    NetworkTechnology.lorawan: "LoRaWAN",
    NetworkTechnology.nbiot: "NB-IoT",
    NetworkTechnology.sigfox: "Sigfox",
    NetworkTechnology.cellular: "4G/5G",
    NetworkTechnology.fibre: "fibre optique",
    NetworkTechnology.wifi: "Wi-Fi",
    NetworkTechnology.wired: "filaire",
    NetworkTechnology.other: "autre technologie",
}

TOGETHER = {2: "toutes deux", 3: "toutes trois", 4: "toutes quatre"}


def domain_words(domain: str) -> DomainWords:
    """The words of a domain; an unknown domain reads as generic equipment."""
    known = {d.value: words for d, words in DOMAIN_WORDS.items()}
    return known.get(domain, DOMAIN_WORDS[Domain.other])


def technology_label(technology: str) -> str:
    """« LoRaWAN », « NB-IoT »…, as people write them."""
    known = {t.value: label for t, label in TECHNOLOGY_LABELS.items()}
    return known.get(technology, technology)


def count_of(number: int, singular: str, plural: str) -> str:
    """« 1 capteur », « 24 capteurs », « 1 200 capteurs »."""
    return f"{fr.thousands(number)} {singular if number == 1 else plural}"


def join_names(names: Sequence[str], *, limit: int | None = None) -> str:
    """« A », « A et B », « A, B et C »; past ``limit`` names, « A, B et 7 autres » (never
    « et 1 autres »: one name more is written out)."""
    if limit is not None and len(names) > limit + 1:
        return f"{', '.join(names[:limit])} et {len(names) - limit} autres"
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} et {names[-1]}"


def together(count: int) -> str:
    """« toutes deux », « toutes trois »… for ``count`` collectivités doing the same thing."""
    return TOGETHER.get(count, "toutes")


def month_span(dates: Iterable[date]) -> str:
    """« en mars 2027 », « entre mars et juin 2027 », « entre novembre 2026 et février 2027 »."""
    ordered = sorted(dates)
    first, last = ordered[0], ordered[-1]
    if (first.year, first.month) == (last.year, last.month):
        return f"en {fr.month(first.year, first.month)}"
    if first.year == last.year:
        return f"entre {fr.MONTHS[first.month - 1]} et {fr.month(last.year, last.month)}"
    return f"entre {fr.month(first.year, first.month)} et {fr.month(last.year, last.month)}"
