"""Habilitations: who may see a system's images, when; checked at the moment of access.

A designated agent or a police liaison account holds a mandate between two dates; a pooled
supervision-centre operator acts for a commune only inside the weekly slots it delegated
(local time, Europe/Paris), as the 2021 « sécurité globale » law lets a syndicat mixte do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update

from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import NotFound
from convergence.members import audit
from convergence.members.queries import get_user
from convergence.members.scope import MemberScope, member_clause, require_admin, require_write
from convergence.paris_time import PARIS
from convergence.video.kinds import HabilitationKind
from convergence.video.queries import get_system
from convergence.video.schemas import HabilitationCreate, HabilitationOut, Slot
from convergence.video.tables import video_habilitations

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = (
    "habilitations are checked for the user at the moment of access, whoever they serve"
)


def grant(conn: Connection, *, scope: MemberScope, data: HabilitationCreate) -> HabilitationOut:
    """Designate a user for a system (the controller's administrators only)."""
    system = get_system(conn, scope=scope, system_id=data.system_id)
    require_write(require_admin(scope), system.member_id)
    get_user(conn, user_id=data.user_id)  # the agent may belong to another member (pooling)
    new_id = insert_one(
        conn,
        video_habilitations,
        member_id=system.member_id,
        system_id=system.id,
        user_id=data.user_id,
        kind=data.kind.value,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        slots=[s.model_dump() for s in data.slots],
        granted_by=scope.actor,
        created_at=utcnow(),
    )
    details = data.model_dump(mode="json")
    audit.record(
        conn,
        actor=scope.actor,
        action="video.habilitation.grant",
        member_id=system.member_id,
        target=str(new_id),
        details=details,
    )
    return get_habilitation(conn, scope=scope, habilitation_id=new_id)


def revoke(conn: Connection, *, scope: MemberScope, habilitation_id: int) -> HabilitationOut:
    found = get_habilitation(conn, scope=scope, habilitation_id=habilitation_id)
    require_write(require_admin(scope), found.member_id)
    conn.execute(
        update(video_habilitations)
        .where(video_habilitations.c.id == habilitation_id)
        .values(revoked_at=utcnow())
    )
    audit.record(
        conn,
        actor=scope.actor,
        action="video.habilitation.revoke",
        member_id=found.member_id,
        target=str(habilitation_id),
    )
    return get_habilitation(conn, scope=scope, habilitation_id=habilitation_id)


def _out(row: Row[Any]) -> HabilitationOut:
    fields = {name: getattr(row, name) for name in HabilitationOut.model_fields}
    return HabilitationOut(**fields)


def get_habilitation(
    conn: Connection, *, scope: MemberScope, habilitation_id: int
) -> HabilitationOut:
    row = conn.execute(
        select(video_habilitations).where(
            video_habilitations.c.id == habilitation_id,
            member_clause(scope, video_habilitations.c.member_id),
        )
    ).first()
    if row is None:
        raise NotFound(f"habilitation {habilitation_id} introuvable / not found")
    return _out(row)


def list_habilitations(
    conn: Connection, *, scope: MemberScope, system_id: int | None = None
) -> list[HabilitationOut]:
    query = (
        select(video_habilitations)
        .where(member_clause(scope, video_habilitations.c.member_id))
        .order_by(video_habilitations.c.id)
    )
    if system_id is not None:
        query = query.where(video_habilitations.c.system_id == system_id)
    return [_out(row) for row in conn.execute(query)]


def in_slots(slots: list[Slot], at: datetime) -> bool:
    """True if ``at`` falls in one of the weekly slots, read in Paris local time."""
    local = at.astimezone(PARIS)
    clock = local.strftime("%H:%M")
    return any(s.weekday == local.weekday() and s.start <= clock < s.end for s in slots)


def current_habilitation(
    conn: Connection, *, user_id: int, system_id: int, at: datetime
) -> HabilitationOut | None:
    """The user's mandate for the system valid at ``at``, if any (slots included)."""
    rows = conn.execute(
        select(video_habilitations).where(
            video_habilitations.c.user_id == user_id,
            video_habilitations.c.system_id == system_id,
            video_habilitations.c.revoked_at.is_(None),
            video_habilitations.c.valid_from <= at,
            video_habilitations.c.valid_until > at,
        )
    )
    for habilitation in map(_out, rows):
        if habilitation.kind is not HabilitationKind.pooled_operator:
            return habilitation
        if in_slots(habilitation.slots, at):
            return habilitation
    return None


def systems_open_to(conn: Connection, *, user_id: int, at: datetime) -> list[int]:
    """Systems whose images the user may see at ``at``."""
    rows = conn.execute(
        select(video_habilitations.c.system_id)
        .where(
            video_habilitations.c.user_id == user_id,
            video_habilitations.c.revoked_at.is_(None),
            video_habilitations.c.valid_from <= at,
            video_habilitations.c.valid_until > at,
        )
        .distinct()
    )
    system_ids = [row.system_id for row in rows]
    return [
        s for s in system_ids if current_habilitation(conn, user_id=user_id, system_id=s, at=at)
    ]
