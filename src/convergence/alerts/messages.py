"""The French texts of alert notifications: e-mail subject, plain text, HTML, webhook JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from convergence import french_format as fr
from convergence.alerts.kinds import DeliveryEvent
from convergence.alerts.schemas import AlertOut
from convergence.alerts.wording import SEVERITY_FR, commune_label

SIGNATURE = "— Convergence, plateforme territoriale de données"


@dataclass(frozen=True, slots=True)
class EmailContent:
    subject: str
    text: str
    html: str


def alert_subject(alert: AlertOut, event: DeliveryEvent) -> str:
    """« [Convergence] Alerte critique : Crue de la Bièvre — Capteur pont »."""
    if event is DeliveryEvent.resolved:
        return f"[Convergence] Fin d'alerte : {alert.rule_name} — {alert.asset_name}"
    return (
        f"[Convergence] Alerte {SEVERITY_FR[alert.severity]} : "
        f"{alert.rule_name} — {alert.asset_name}"
    )


def _facts(alert: AlertOut, event: DeliveryEvent) -> list[tuple[str, str]]:
    facts = [
        ("Règle", alert.rule_name),
        ("Équipement", f"{alert.asset_name} (n° {alert.asset_id})"),
        ("Commune", commune_label(alert.commune_insee)),
        ("Gravité", SEVERITY_FR[alert.severity]),
        ("Déclenchée le", f"{fr.when(alert.opened_at)} (heure de Paris)"),
        ("Constat", alert.message),
    ]
    if event is DeliveryEvent.resolved and alert.resolved_at is not None:
        facts.append(("Levée le", f"{fr.when(alert.resolved_at)} (heure de Paris)"))
    return facts


def _lead(alert: AlertOut, event: DeliveryEvent) -> str:
    if event is DeliveryEvent.resolved:
        return f"L'alerte n° {alert.id} est levée : la situation est revenue à la normale."
    return (
        f"Une alerte (n° {alert.id}) vient de se déclencher. Elle reste ouverte tant que la "
        "condition persiste et se lève d'elle-même quand la situation revient à la normale."
    )


def alert_email(alert: AlertOut, event: DeliveryEvent) -> EmailContent:
    """The e-mail sent to a subscriber when an alert fires or is resolved."""
    facts = _facts(alert, event)
    lead = _lead(alert, event)
    text = "\n".join(["Bonjour,", "", lead, "", *(f"{k} : {v}" for k, v in facts), "", SIGNATURE])
    rows = "".join(
        f'<tr><th scope="row" style="text-align:left;padding-right:1em">{escape(k)}</th>'
        f"<td>{escape(v)}</td></tr>"
        for k, v in facts
    )
    html = (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{escape(alert_subject(alert, event))}</title></head><body>"
        f"<p>Bonjour,</p><p>{escape(lead)}</p><table>{rows}</table>"
        f"<p>{escape(SIGNATURE)}</p></body></html>"
    )
    return EmailContent(alert_subject(alert, event), text, html)


def webhook_body(alert: AlertOut, event: DeliveryEvent) -> str:
    """The exact JSON body a webhook receives (the bytes that are signed)."""
    document = {
        "type": f"alert.{event.value}",
        "alert": alert.model_dump(mode="json", exclude={"history"}),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
