"""E-mails to the contractor of a ticket, queued in the alerts' outbox.

The alerts package already sends e-mail with retries and back-off from its outbox
(``alert_deliveries``); maintenance writes its notices there (no alert attached) in the
transaction that changes the ticket, so a notice is never lost nor sent for a rolled-back
change. ``convergence alerts evaluate`` (or the reactor with a configuration) sends them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from convergence import french_format as fr
from convergence.alerts.kinds import Channel, DeliveryEvent
from convergence.alerts.notifications import queue_delivery
from convergence.maintenance.kinds import TicketAction
from convergence.maintenance.tables import contractors, contracts, tickets
from convergence.registry.tables import assets

UNSCOPED_REASON = "queues the e-mail of a ticket its caller already holds (system notices)"

SIGNATURE = "— Convergence, plateforme territoriale de données"
LEADS = {
    TicketAction.opened: "Un nouveau ticket de maintenance vous est confié",
    TicketAction.reopened: "Un ticket de maintenance est rouvert (le défaut est revenu)",
    TicketAction.restored: "Le service est rétabli sur un équipement de votre contrat",
}


def queue_ticket_notice(
    conn: Connection, *, ticket_id: int, action: TicketAction, now: datetime
) -> int | None:
    """Queue the e-mail of ``action`` to the ticket's contractor; None without a contractor."""
    if action not in LEADS:
        return None
    row = conn.execute(
        select(
            tickets, assets.c.name.label("asset_name"), contractors.c.email, contracts.c.reference
        )
        .join(assets, assets.c.id == tickets.c.asset_id)
        .join(contracts, contracts.c.id == tickets.c.contract_id)
        .join(contractors, contractors.c.id == contracts.c.contractor_id)
        .where(tickets.c.id == ticket_id)
    ).first()
    if row is None:
        return None
    subject = f"[Convergence] {LEADS[action]} : ticket n° {row.id} — {row.asset_name}"
    return queue_delivery(
        conn,
        member_id=row.member_id,
        alert_id=None,
        subscription_id=None,
        channel=Channel.email,
        event=DeliveryEvent.resolved if action is TicketAction.restored else DeliveryEvent.fired,
        recipient=row.email,
        subject=subject,
        body=_body(row, action),
        html=None,
        now=now,
    )


def _body(row: Row[Any], action: TicketAction) -> str:
    get = row._mapping.__getitem__
    lines = [
        f"{LEADS[action]}.",
        "",
        f"Ticket : n° {get('id')} — {get('title')}",
        f"Contrat : {get('reference')}",
        f"Équipement : {get('asset_name')} (n° {get('asset_id')})",
        f"Ouvert le : {fr.when(get('opened_at'))} (heure de Paris)",
    ]
    if get("error_code"):
        lines.append(f"Code d'erreur OCPP : {get('error_code')}")
    if get("vendor_error_code"):
        lines.append(f"Code d'erreur constructeur : {get('vendor_error_code')}")
    if get("restored_at"):
        lines.append(f"Rétabli le : {fr.when(get('restored_at'))} (heure de Paris)")
    lines += ["", f"Constat : {get('description')}", "", SIGNATURE]
    return "\n".join(lines)
