"""The rights desk: filmed people's requests to see their images, answered within a month.

A refusal is motivated (third parties' privacy, a procedure under way, State security or
public safety, or no images any more) from a template the agent completes; the answer names
the departmental video-protection commission the person may refer to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update

from convergence import french_format as fr
from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import Conflict, NotFound
from convergence.members import audit
from convergence.members.scope import MemberScope, member_clause, require_write
from convergence.paris_time import PARIS, local_day
from convergence.video.kinds import AccessRequestStatus
from convergence.video.schemas import (
    AccessRequestAnswer,
    AccessRequestCreate,
    AccessRequestOut,
    RefusalGround,
)
from convergence.video.tables import video_access_requests

GROUNDS = {
    RefusalGround.third_parties: "la communication porterait atteinte à la vie privée de tiers "
    "visibles sur les images",
    RefusalGround.ongoing_procedure: "les images sont nécessaires à une procédure judiciaire en "
    "cours",
    RefusalGround.state_security: "la communication porterait atteinte à la sûreté de l'État",
    RefusalGround.public_safety: "la communication porterait atteinte à la sécurité publique",
    RefusalGround.no_images: "aucune image vous concernant n'est conservée pour ce lieu et cette "
    "période (les images sont détruites à l'issue de la durée de conservation autorisée)",
}
REFUSAL_TEMPLATE = (
    "Madame, Monsieur,\n\nVotre demande d'accès aux images de vidéoprotection du {place}, "
    "entre le {start} et le {end}, reçue le {received}, ne peut être satisfaite : {ground}.\n"
    "{note}Vous pouvez saisir la commission départementale de vidéoprotection de toute "
    "difficulté relative à ce refus."
)
GRANT_TEMPLATE = (
    "Madame, Monsieur,\n\nVotre demande d'accès aux images de vidéoprotection du {place}, "
    "entre le {start} et le {end}, reçue le {received}, est acceptée. {note}"
)


def one_month_after(moment: datetime) -> datetime:
    """The same day of the next month (the last day of a shorter month), local time."""
    local = moment.astimezone(PARIS)
    year, month = local.year + local.month // 12, local.month % 12 + 1
    for day in (local.day, 30, 29, 28):
        try:
            return local.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def record(conn: Connection, *, scope: MemberScope, data: AccessRequestCreate) -> AccessRequestOut:
    member_id = data.member_id or scope.member_id
    require_write(scope, member_id)
    received = data.received_at or utcnow()
    values = data.model_dump(exclude={"member_id", "received_at"})
    new_id = insert_one(
        conn,
        video_access_requests,
        **values,
        member_id=member_id,
        received_at=received,
        due_at=one_month_after(received),
        status=AccessRequestStatus.open.value,
        answer="",
    )
    audit.record(conn, actor=scope.actor, action="video.access_request.record",
                 member_id=member_id, target=str(new_id))  # fmt: skip
    return get(conn, scope=scope, request_id=new_id)


def answer(
    conn: Connection, *, scope: MemberScope, request_id: int, data: AccessRequestAnswer
) -> AccessRequestOut:
    """Answer the request: granted, or refused on a ground, from the templates."""
    found = get(conn, scope=scope, request_id=request_id)
    require_write(scope, found.member_id)
    if found.status != AccessRequestStatus.open.value:
        raise Conflict("demande déjà traitée / this request was already answered")
    text = letter(found, data)
    status = AccessRequestStatus.granted if data.granted else AccessRequestStatus.refused
    conn.execute(
        update(video_access_requests)
        .where(video_access_requests.c.id == request_id)
        .values(status=status.value, answer=text, answered_at=utcnow())
    )
    audit.record(conn, actor=scope.actor, action="video.access_request.answer",
                 member_id=found.member_id, target=str(request_id),
                 details={"status": status.value})  # fmt: skip
    return get(conn, scope=scope, request_id=request_id)


def letter(found: AccessRequestOut, data: AccessRequestAnswer) -> str:
    fields = {
        "place": found.place,
        "start": fr.when(found.window_start),
        "end": fr.when(found.window_end),
        "received": fr.day(local_day(found.received_at)),
        "note": f"{data.note.strip()}\n" if data.note.strip() else "",
    }
    if data.granted:
        return GRANT_TEMPLATE.format(**fields).strip()
    assert data.ground is not None
    return REFUSAL_TEMPLATE.format(**fields, ground=GROUNDS[data.ground])


def _out(row: Row[Any]) -> AccessRequestOut:
    fields = {k: getattr(row, k) for k in AccessRequestOut.model_fields if k != "overdue"}
    overdue = row.status == AccessRequestStatus.open.value and row.due_at < utcnow()
    return AccessRequestOut(**fields, overdue=overdue)


def get(conn: Connection, *, scope: MemberScope, request_id: int) -> AccessRequestOut:
    row = conn.execute(
        select(video_access_requests).where(
            video_access_requests.c.id == request_id,
            member_clause(scope, video_access_requests.c.member_id),
        )
    ).first()
    if row is None:
        raise NotFound(f"demande {request_id} introuvable / access request not found")
    return _out(row)


def list_requests(conn: Connection, *, scope: MemberScope) -> list[AccessRequestOut]:
    query = (
        select(video_access_requests)
        .where(member_clause(scope, video_access_requests.c.member_id))
        .order_by(video_access_requests.c.due_at, video_access_requests.c.id)
    )
    return [_out(row) for row in conn.execute(query)]
