"""French words of the alerts pages: statuses, severities, rule kinds, channels, cadences."""

from __future__ import annotations

from collections.abc import Mapping

from convergence.alerts.kinds import (
    AlertAction,
    AlertStatus,
    Cadence,
    Channel,
    RuleKind,
    Severity,
)

ALERT_STATUSES: Mapping[str, str] = {
    AlertStatus.firing: "En cours",
    AlertStatus.acknowledged: "Prise en charge",
    AlertStatus.resolved: "Levée",
}
SEVERITIES: Mapping[str, str] = {
    Severity.info: "Information",
    Severity.warning: "Avertissement",
    Severity.critical: "Critique",
}
RULE_KINDS: Mapping[str, str] = {
    RuleKind.threshold: "Seuil",
    RuleKind.rate: "Vitesse de variation",
    RuleKind.event: "Événement",
    RuleKind.silence: "Silence de l'équipement",
    RuleKind.indicator: "Classe d'indicateur",
}
ACTIONS: Mapping[str, str] = {
    AlertAction.fired: "Déclenchée",
    AlertAction.escalated: "Aggravée",
    AlertAction.acknowledged: "Prise en charge",
    AlertAction.resolved: "Levée",
}
CHANNELS: Mapping[str, str] = {
    Channel.email: "Courriel",
    Channel.webhook: "Webhook (adresse web appelée par Convergence)",
}
CADENCES: Mapping[str, str] = {
    Cadence.immediate: "À chaque alerte (déclenchement et levée)",
    Cadence.daily_digest: "Résumé quotidien",
}
# The list's status filter: open alerts by default, then each status, then everything.
STATUS_FILTERS: Mapping[str, str] = {
    "ouvertes": "Ouvertes (en cours ou prises en charge)",
    AlertStatus.firing: "En cours",
    AlertStatus.acknowledged: "Prises en charge",
    AlertStatus.resolved: "Levées",
    "toutes": "Toutes",
}
ALERT_LABELS: Mapping[str, Mapping[str, str]] = {
    "alert_status": ALERT_STATUSES,
    "severity": SEVERITIES,
    "rule_kind": RULE_KINDS,
    "action": ACTIONS,
    "channel": CHANNELS,
    "cadence": CADENCES,
    "status_filter": STATUS_FILTERS,
}
