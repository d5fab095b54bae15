"""The air line's default alert rules: a silent air sensor, and the French air-quality
information and alert thresholds.

Code de l'environnement, article R221-1 (décret n° 2010-1250 du 21 octobre 2010), with the
procedures of the arrêté du 7 avril 2016 relatif au déclenchement des procédures préfectorales
en cas d'épisodes de pollution de l'air ambiant:

- O3: information 180 µg/m³, alert 240 µg/m³ (hourly mean);
- NO2: information 200 µg/m³, alert 400 µg/m³ (hourly mean);
- SO2: information 300 µg/m³ (hourly mean), alert 500 µg/m³ over three consecutive hours;
- PM10: information 50 µg/m³, alert 80 µg/m³ (daily mean): compared with the mean of the last
  24 hours' valid readings (needing 18 hours of them, as the daily air values), so an episode
  is told while it happens rather than after midnight.

The rules watch the member's air sensors, which report hourly means. An information
threshold is a warning, an alert threshold is critical.
"""

from __future__ import annotations

from dataclasses import dataclass

from convergence.alerts.defaults import silence_rule
from convergence.alerts.kinds import Comparison, Severity, TargetKind
from convergence.alerts.schemas import RuleCreate, ThresholdParams

NAME = "air"
HOUR_S = 3600


@dataclass(frozen=True, slots=True)
class AirThreshold:
    quantity: str
    name_fr: str
    label: str  # « seuil d'information » / « seuil d'alerte »
    limit: float
    severity: Severity
    min_duration_s: int = 0
    mean_over_s: int = 0


AIR_THRESHOLDS = (
    AirThreshold("o3", "Ozone", "seuil d'information", 180, Severity.warning),
    AirThreshold("o3", "Ozone", "seuil d'alerte", 240, Severity.critical),
    AirThreshold("no2", "Dioxyde d'azote", "seuil d'information", 200, Severity.warning),
    AirThreshold("no2", "Dioxyde d'azote", "seuil d'alerte", 400, Severity.critical),
    AirThreshold("so2", "Dioxyde de soufre", "seuil d'information", 300, Severity.warning),
    # Three consecutive hourly means: the first and the third are two hours apart.
    AirThreshold("so2", "Dioxyde de soufre", "seuil d'alerte", 500, Severity.critical, 2 * HOUR_S),
    AirThreshold(
        "pm10", "Particules PM10", "seuil d'information", 50, Severity.warning, 0, 24 * HOUR_S
    ),
    AirThreshold(
        "pm10", "Particules PM10", "seuil d'alerte", 80, Severity.critical, 0, 24 * HOUR_S
    ),
)


def threshold_rule(member_id: int, threshold: AirThreshold) -> RuleCreate:
    """One regulatory threshold as a rule on the member's air sensors."""
    t = threshold
    return RuleCreate(
        name=f"{t.name_fr} : {t.label} ({t.limit:g} µg/m³"
        f"{' en moyenne journalière' if t.mean_over_s else ''})",
        member_id=member_id,
        target_kind=TargetKind.domain,
        domain=NAME,
        severity=t.severity,
        params=ThresholdParams(
            quantity=t.quantity,
            comparison=Comparison.above,
            limit=t.limit,
            min_duration_s=t.min_duration_s,
            threshold_label=t.label,
            mean_over_s=t.mean_over_s,
        ),
        cooldown_s=3 * HOUR_S,
    )


def air_alert_rules(member_id: int) -> list[RuleCreate]:
    """A silent air sensor, then the information and alert thresholds."""
    silent = silence_rule(member_id, domain=NAME, label="qualité de l'air")
    return [silent, *(threshold_rule(member_id, t) for t in AIR_THRESHOLDS)]
