"""Air figures in words: which text, which averaging, what was found over the period.

Every value found goes through ``french_format.figure`` with its completeness, as the other
domains' figures do (« données insuffisantes (x %) » below its rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from convergence import french_format as fr
from convergence.indicators.notation import pollutant
from convergence.indicators.regulations.air import Averaging, ThresholdKind
from convergence.indicators.result_schemas import AtmoLikeIndexOut, ThresholdOut
from convergence.indicators.schemas import MeasureOut

AVERAGING_FR: Mapping[str, str] = {
    Averaging.HOUR: "moyenne horaire",
    Averaging.THREE_CONSECUTIVE_HOURS: "3 heures consécutives",
    Averaging.DAY: "moyenne journalière",
    Averaging.DAILY_MAX_8H: "maximum journalier des moyennes sur 8 h",
    Averaging.YEAR: "moyenne annuelle",
    Averaging.O3_PEAK_SEASON: "saison de l'ozone",
}
KIND_FR: Mapping[str, str] = {
    ThresholdKind.LIMIT_VALUE: "Valeur limite",
    ThresholdKind.TARGET_VALUE: "Valeur cible",
    ThresholdKind.GUIDELINE: "Ligne directrice",
    ThresholdKind.INTERIM_TARGET: "Objectif intermédiaire",
    ThresholdKind.INFORMATION: "Seuil d'information",
    ThresholdKind.ALERT: "Seuil d'alerte",
    ThresholdKind.QUALITY_OBJECTIVE: "Objectif de qualité",
}
TABLES_FR: Mapping[str, str] = {
    "EU_2008_50": "directive 2008/50/CE",
    "WHO_2021": "OMS 2021",
    "FR_PROCEDURES": "procédures préfectorales",
}


def statistic_decimals(statistic: MeasureOut) -> int:
    """A count of exceedances in whole numbers, a mean to one decimal."""
    return 0 if statistic.unit == "nombre" else 1


def threshold_row(threshold: ThresholdOut) -> tuple[str, str, str, str]:
    """(the threshold and its text, its value and averaging, what was found, its data)."""
    name = (
        f"{KIND_FR.get(threshold.kind, threshold.kind)} {pollutant(threshold.pollutant.value)} "
        f"({TABLES_FR.get(threshold.table, threshold.table)})"
    )
    value = (
        f"{fr.number(threshold.threshold, 0)} µg/m³, "
        f"{AVERAGING_FR.get(threshold.averaging, threshold.averaging)}"
    )
    statistic = threshold.statistic
    found = fr.figure(statistic, statistic_decimals(statistic))
    if statistic.unit == "nombre" and statistic.publishable:
        found += " dépassement(s)"
    if statistic.unit == "nombre" and threshold.allowed_per_year is not None:
        found += f" ({threshold.allowed_per_year} autorisé(s) par an)"
    return name, value, found, fr.completeness(statistic)


def period_means(thresholds: Sequence[ThresholdOut]) -> list[tuple[str, MeasureOut]]:
    """Each pollutant's mean over the period (the statistic of its annual thresholds), by name.

    Every annual threshold of a pollutant carries the same mean of the same hours, so the
    first one found is taken.
    """
    means: dict[str, MeasureOut] = {}
    for t in thresholds:
        if t.averaging == Averaging.YEAR and t.statistic.value is not None:
            means.setdefault(t.pollutant.value, t.statistic)
    return [(pollutant(p), means[p]) for p in sorted(means)]


def index_measure(index: AtmoLikeIndexOut) -> MeasureOut:
    """A daily index as a figure: its class, publishable when every measured pollutant is in."""
    return MeasureOut(
        value=float(index.code) if index.code > 0 else None,
        unit=index.unit,
        rule=index.rule,
        completeness=index.completeness,
        publishable=index.code > 0 and index.completeness.complete,
    )


def pollutants_words(pollutants: Sequence[str]) -> str:
    """« SO₂ », « SO₂, PM2,5 »: pollutants named for a reader."""
    return ", ".join(pollutant(p) for p in pollutants)


def not_measured_words(index: AtmoLikeIndexOut) -> str:
    """« calculé sans SO₂ (non mesuré) », or nothing when every pollutant is measured."""
    if not index.not_measured:
        return ""
    plural = "s" if len(index.not_measured) > 1 else ""
    return f"calculé sans {pollutants_words(index.not_measured)} (non mesuré{plural})"


def index_basis(index: AtmoLikeIndexOut) -> str:
    """What a daily index rests on, in words.

    « complet, calculé sans SO₂ (non mesuré) »; « partiel (sans PM2,5 : données
    insuffisantes) : classe minimale » when a measured pollutant lacks data.
    """
    words = str(index.status)
    if index.lacking:
        words += f" (sans {pollutants_words(index.lacking)} : données insuffisantes)"
    if index.code > 0 and not index_measure(index).publishable:
        words += " : classe minimale"
    not_measured = not_measured_words(index)
    return f"{words}, {not_measured}" if not_measured else words


@dataclass(frozen=True, slots=True)
class IndexClassDays:
    """The days of a period whose index fell in one class, and how many of them were
    partial (a measured pollutant lacking data: the class is a minimum)."""

    code: int
    label: str
    colour: str | None
    days: int
    partial: int


def days_by_class(indices: Iterable[AtmoLikeIndexOut]) -> list[IndexClassDays]:
    """How many days of each class a period had, best class first, « Indisponible » last:
    a long period's indices in a table that stays short."""
    classes: dict[int, IndexClassDays] = {}
    for index in indices:
        known = classes.get(index.code) or IndexClassDays(
            index.code, index.label, index.colour, 0, 0
        )
        partial = index.code > 0 and not index_measure(index).publishable
        classes[index.code] = replace(known, days=known.days + 1, partial=known.partial + partial)
    return [classes[code] for code in sorted(classes, key=lambda code: (code <= 0, code))]
