"""Air thresholds in words: which text, which averaging, what was found over the period."""

from __future__ import annotations

from collections.abc import Mapping

from convergence import french_format as fr
from convergence.indicators.notation import pollutant
from convergence.indicators.regulations.air import Averaging, ThresholdKind
from convergence.indicators.result_schemas import ThresholdOut

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


def threshold_row(threshold: ThresholdOut) -> tuple[str, str, str]:
    """(the threshold and its text, its value and averaging, what was found)."""
    name = (
        f"{KIND_FR.get(threshold.kind, threshold.kind)} {pollutant(threshold.pollutant.value)} "
        f"({TABLES_FR.get(threshold.table, threshold.table)})"
    )
    value = (
        f"{fr.number(threshold.threshold, 0)} µg/m³, "
        f"{AVERAGING_FR.get(threshold.averaging, threshold.averaging)}"
    )
    statistic = threshold.statistic
    if statistic.unit == "nombre":
        found = f"{fr.number(statistic.value, 0)} dépassement(s)"
        if threshold.allowed_per_year is not None:
            found += f" ({threshold.allowed_per_year} autorisé(s) par an)"
    else:
        found = fr.auto(statistic.value, statistic.unit)
    return name, value, found
