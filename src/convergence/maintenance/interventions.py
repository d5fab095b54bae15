"""Interventions reported on a ticket: notes, photos within limits, a proposal to close.

Photos are kept in the database with their ticket's member (so they follow its isolation,
backups and deletion). Limits keep a report bounded: a few images of a few megabytes each,
recognised by their first bytes, not by the name the sender gave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from convergence.db.inserts import insert_one
from convergence.errors import InvalidInput, NotFound, PayloadTooLarge
from convergence.maintenance import queries
from convergence.maintenance.access import require_ticket_worker
from convergence.maintenance.kinds import OPEN_STATUSES, TicketAction, TicketStatus
from convergence.maintenance.schemas import TicketOut
from convergence.maintenance.tables import interventions, photos
from convergence.maintenance.tickets import history
from convergence.members.scope import MemberScope

UNSCOPED = {
    "closure_proposed_at": "read for a ticket its caller has already found through its scope",
}

MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_NOTES = 10_000
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


@dataclass(frozen=True, slots=True)
class Photo:
    filename: str
    data: bytes


def image_type(data: bytes) -> str | None:
    """The image type its first bytes show (JPEG, PNG, WebP), else None."""
    for magic, content_type in SIGNATURES.items():
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photos(found: list[Photo]) -> list[tuple[Photo, str]]:
    """Each photo with its type; a clear refusal for too many, too big or not an image."""
    if len(found) > MAX_PHOTOS:
        raise InvalidInput(f"au plus {MAX_PHOTOS} photos par compte rendu / at most {MAX_PHOTOS}")
    checked = []
    for photo in found:
        if len(photo.data) > MAX_PHOTO_BYTES:
            raise PayloadTooLarge(
                f"la photo « {photo.filename} » dépasse 5 Mo : réduisez-la / photo larger than 5 MB"
            )
        content_type = image_type(photo.data)
        if content_type is None:
            raise InvalidInput(
                f"« {photo.filename} » n'est pas une image JPEG, PNG ou WebP / not an image"
            )
        checked.append((photo, content_type))
    return checked


def report_intervention(
    conn: Connection,
    *,
    scope: MemberScope,
    ticket_id: int,
    notes: str,
    photos_in: list[Photo],
    proposes_closure: bool,
    now: datetime,
) -> TicketOut:
    """Write what was done on site, with photos; optionally propose to close the ticket."""
    ticket = queries.ticket_row(conn, scope=scope, ticket_id=ticket_id)
    require_ticket_worker(scope, ticket.member_id)
    if TicketStatus(ticket.status) not in OPEN_STATUSES | {TicketStatus.resolved}:
        raise InvalidInput("ce ticket est clos / ticket is closed")
    if not notes.strip() or len(notes) > MAX_NOTES:
        raise InvalidInput("le compte rendu doit être rempli (10 000 caractères au plus)")
    checked = check_photos(photos_in)
    intervention_id = insert_one(
        conn, interventions, ticket_id=ticket_id, member_id=ticket.member_id, ts=now,
        notes=notes, proposes_closure=proposes_closure, actor=scope.actor,
    )  # fmt: skip
    for photo, content_type in checked:
        conn.execute(photos.insert().values(
            intervention_id=intervention_id, member_id=ticket.member_id,
            filename=photo.filename[:200], content_type=content_type, size=len(photo.data),
            data=photo.data,
        ))  # fmt: skip
    action = TicketAction.closure_proposed if proposes_closure else TicketAction.intervention
    history(conn, ticket_id, ticket.member_id, now, action, scope.actor, notes[:2000],
            {"photos": len(checked), "intervention_id": intervention_id})  # fmt: skip
    return queries.get_ticket(conn, scope=scope, ticket_id=ticket_id, now=now)


def closure_proposed_at(conn: Connection, *, ticket_id: int) -> datetime | None:
    """When the contractor last proposed to close the ticket, if it did."""
    found: datetime | None = conn.execute(
        select(func.max(interventions.c.ts)).where(
            interventions.c.ticket_id == ticket_id, interventions.c.proposes_closure.is_(True)
        )
    ).scalar()
    return found


def photo(conn: Connection, *, scope: MemberScope, photo_id: int) -> tuple[str, bytes]:
    """A photo of a ticket the caller reads: its type and bytes."""
    row = conn.execute(
        select(photos.c.content_type, photos.c.data, interventions.c.ticket_id)
        .join(interventions, interventions.c.id == photos.c.intervention_id)
        .where(photos.c.id == photo_id)
    ).first()
    if row is None:
        raise NotFound(f"photo {photo_id} introuvable / photo not found")
    queries.ticket_row(conn, scope=scope, ticket_id=row.ticket_id)  # NotFound when not readable
    return str(row.content_type), bytes(row.data)


def list_interventions(
    conn: Connection, *, scope: MemberScope, ticket_id: int
) -> list[dict[str, object]]:
    """The interventions of a ticket the caller reads, with their photo ids."""
    queries.ticket_row(conn, scope=scope, ticket_id=ticket_id)
    rows = conn.execute(
        select(interventions)
        .where(interventions.c.ticket_id == ticket_id)
        .order_by(interventions.c.id)
    ).all()
    found = []
    for row in rows:
        ids = conn.execute(
            select(photos.c.id).where(photos.c.intervention_id == row.id).order_by(photos.c.id)
        ).scalars()
        found.append({
            "id": row.id, "ts": row.ts, "notes": row.notes,
            "proposes_closure": row.proposes_closure, "actor": row.actor,
            "photo_ids": list(ids),
        })  # fmt: skip
    return found
