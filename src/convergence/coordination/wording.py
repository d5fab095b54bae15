"""The French words of proposals: domains, technologies, lists of names, months, amounts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from convergence import french_format as fr
from convergence.registry.kinds import Domain, NetworkTechnology
from convergence.servicelines import EquipmentWords, service_lines

# Words of the core's domains that no service line brings; a line brings its own
# (``ServiceLine.words``).
DOMAIN_WORDS = {
    Domain.network: EquipmentWords(
        "des équipements de réseau",
        "aucun équipement de réseau",
        "équipement",
        "équipements",
        "réseaux",
    ),
    Domain.other: EquipmentWords(
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


def domain_words(domain: str) -> EquipmentWords:
    """The words of a domain: its service line's, else the core's; else generic equipment."""
    lines = service_lines()
    if domain in lines and (words := lines.get(domain).words) is not None:
        return words
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
