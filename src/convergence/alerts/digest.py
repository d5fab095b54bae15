"""The daily digest for elected officials: the day's alerts of each commune, in French.

The day is a local day in Europe/Paris (23 to 25 hours). An alert belongs to the digest
when it was open at any moment of that day: opened that day, resolved that day, or still
open from before. Recipients: the member's active elected officials (role ``elected``) and
anyone with a ``daily_digest`` e-mail subscription to the member.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from sqlalchemy import Connection, or_, select

from convergence import french_format as fr
from convergence.alerts.kinds import Cadence, Channel, DeliveryEvent
from convergence.alerts.notifications import queue_delivery
from convergence.alerts.queries import alerts_of_period, readable_member
from convergence.alerts.schemas import AlertOut
from convergence.alerts.tables import alert_subscriptions
from convergence.alerts.wording import SEVERITY_FR, commune_label
from convergence.indicators.timewindows import local_day_window
from convergence.members.queries import get_member
from convergence.members.roles import Role
from convergence.members.scope import MemberScope
from convergence.members.tables import users

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the daily digest is a platform job writing to every member's subscribers"

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CommuneDigest:
    insee: str | None
    opened: list[AlertOut]
    resolved: list[AlertOut]
    still_open: list[AlertOut]


@dataclass(frozen=True, slots=True)
class Digest:
    member_id: int
    member_name: str
    day: date
    communes: list[CommuneDigest]

    @property
    def empty(self) -> bool:
        return not self.communes


def day_label(day: date) -> str:
    """« 28 novembre 2026 »."""
    return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}"


def build_digest(
    conn: Connection, *, scope: MemberScope, member_id: int | None, day: date
) -> Digest:
    """The alerts of one member's communes over one local day."""
    member_id = readable_member(scope, member_id)
    window = local_day_window(day)
    found = alerts_of_period(
        conn, scope=scope, member_id=member_id, start=window.start_utc, end=window.end_utc
    )
    by_commune: dict[str | None, list[AlertOut]] = defaultdict(list)
    for alert in found:
        by_commune[alert.commune_insee].append(alert)
    communes = [
        CommuneDigest(
            insee=insee,
            opened=[a for a in items if window.contains(a.opened_at)],
            resolved=[a for a in items if a.resolved_at and window.contains(a.resolved_at)],
            still_open=[a for a in items if a.resolved_at is None],
        )
        for insee, items in sorted(by_commune.items(), key=lambda kv: kv[0] or "")
    ]
    return Digest(member_id, get_member(conn, member_id=member_id).name, day, communes)


def _line(alert: AlertOut) -> str:
    hour = fr.clock(alert.opened_at)
    return (
        f"n° {alert.id} ({SEVERITY_FR[alert.severity]}) {alert.rule_name} — {alert.asset_name} "
        f": {alert.message} (depuis {hour})"
    )


def _sections(part: CommuneDigest) -> list[tuple[str, list[AlertOut]]]:
    return [
        ("Alertes déclenchées dans la journée", part.opened),
        ("Alertes levées dans la journée", part.resolved),
        ("Alertes toujours en cours", part.still_open),
    ]


def digest_subject(digest: Digest) -> str:
    return f"[Convergence] Alertes du {day_label(digest.day)} — {digest.member_name}"


def digest_text(digest: Digest) -> str:
    """The digest as plain French text."""
    lines = ["Bonjour,", "", f"Voici les alertes du {day_label(digest.day)} pour "
             f"{digest.member_name}.", ""]  # fmt: skip
    if digest.empty:
        lines += ["Aucune alerte ce jour : aucun équipement n'a signalé d'anomalie.", ""]
    for part in digest.communes:
        lines += [f"== {commune_label(part.insee)} ==", ""]
        for title, items in _sections(part):
            lines.append(f"{title} : {len(items)}")
            lines += [f"  - {_line(a)}" for a in items]
        lines.append("")
    return "\n".join([*lines, "— Convergence, plateforme territoriale de données"])


def digest_html(digest: Digest) -> str:
    """The digest as simple HTML (headings and lists)."""
    parts = [f"<p>Voici les alertes du {escape(day_label(digest.day))} pour "
             f"{escape(digest.member_name)}.</p>"]  # fmt: skip
    if digest.empty:
        parts.append("<p>Aucune alerte ce jour.</p>")
    for part in digest.communes:
        parts.append(f"<h2>{escape(commune_label(part.insee))}</h2>")
        for title, items in _sections(part):
            entries = "".join(f"<li>{escape(_line(a))}</li>" for a in items)
            parts.append(f"<h3>{escape(title)} : {len(items)}</h3><ul>{entries}</ul>")
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>'
        f"{escape(digest_subject(digest))}</title></head><body>{''.join(parts)}</body></html>"
    )


def digest_recipients(conn: Connection, *, member_id: int) -> list[str]:
    """E-mails of the member's elected officials and of its digest subscribers."""
    subscribers = select(alert_subscriptions.c.user_id).where(
        alert_subscriptions.c.member_id == member_id,
        alert_subscriptions.c.cadence == Cadence.daily_digest.value,
        alert_subscriptions.c.channel == Channel.email.value,
    )
    rows = conn.execute(
        select(users.c.email).where(
            users.c.is_active.is_(True),
            or_(
                (users.c.member_id == member_id) & (users.c.role == Role.elected.value),
                users.c.id.in_(subscribers),
            ),
        )
    )
    return sorted({r.email for r in rows})


def queue_digest(conn: Connection, *, digest: Digest, now: datetime) -> list[int]:
    """Queue the digest e-mail to each recipient; returns the delivery ids."""
    text, html, subject = digest_text(digest), digest_html(digest), digest_subject(digest)
    return [
        queue_delivery(
            conn,
            member_id=digest.member_id,
            alert_id=None,
            subscription_id=None,
            channel=Channel.email,
            event=DeliveryEvent.digest,
            recipient=email,
            subject=subject,
            body=text,
            html=html,
            now=now,
        )
        for email in digest_recipients(conn, member_id=digest.member_id)
    ]
