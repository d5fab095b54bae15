"""A person's access to images, checked against habilitations when it happens, and logged.

Granted or refused, every attempt on an existing camera leaves a line in the register of the
camera's member. A refusal is written first and the caller raises after the transaction
commits, so the refusal survives the error it turns into.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from convergence.db.types import utcnow
from convergence.errors import PermissionDenied
from convergence.members.scope import MemberScope
from convergence.members.tables import users
from convergence.video import register
from convergence.video.habilitations import current_habilitation, systems_open_to
from convergence.video.kinds import Outcome
from convergence.video.queries import camera_out, camera_unscoped, cameras_query
from convergence.video.schemas import AccessIn, CameraOut
from convergence.video.tables import video_cameras

REFUSED_MESSAGE = (
    "accès refusé : aucune habilitation en cours pour cette caméra (refus inscrit au "
    "registre) / access refused: no current habilitation for this camera (refusal logged)"
)


@dataclass(frozen=True, slots=True)
class AccessDecision:
    granted: bool
    entry_id: int | None
    habilitation_id: int | None = None
    reason: str = ""
    message: str = REFUSED_MESSAGE

    def raise_if_refused(self) -> None:
        if not self.granted:
            raise PermissionDenied(self.message, entry_id=self.entry_id, reason=self.reason)


def user_id_of(scope: MemberScope) -> int | None:
    """The person behind the scope; machines (API tokens) are never habilitated."""
    kind, _, number = scope.actor.partition(":")
    return int(number) if kind == "user" and number.isdigit() else None


def decide(
    conn: Connection, *, scope: MemberScope, data: AccessIn, at: datetime | None = None
) -> AccessDecision:
    """Check the caller's habilitation for the camera now and write the register line."""
    at = at or utcnow()
    camera = camera_unscoped(conn, asset_id=data.camera_asset_id)
    if camera is None:
        return AccessDecision(False, None, reason="unknown camera")
    user_id = user_id_of(scope)
    habilitation = None
    if user_id is not None and camera.system_id is not None:
        habilitation = current_habilitation(
            conn, user_id=user_id, system_id=camera.system_id, at=at
        )
    habilitation_id = None if habilitation is None else habilitation.id
    reason = _refusal_reason(user_id, camera, habilitation is not None)
    entry = register.Entry(
        member_id=camera.member_id,
        system_id=camera.system_id,
        agent=scope.actor,
        agent_name=_agent_name(conn, user_id),
        action=data.action,
        outcome=Outcome.refused if reason else Outcome.granted,
        motive=data.motive,
        procedure_number=data.procedure_number,
        requester=data.requester,
        recipient=data.recipient,
        camera_asset_id=camera.asset_id,
        clips=_clips(data),
        details={"reason": reason} if reason else {"habilitation_id": habilitation_id},
    )
    entry_id = register.append(conn, entry)
    return AccessDecision(not reason, entry_id, habilitation_id, reason)


def _refusal_reason(user_id: int | None, camera: CameraOut, habilitated: bool) -> str:
    if user_id is None:
        return "API tokens are not habilitated to view images"
    if camera.system_id is None:
        return "camera in no authorised system"
    return "" if habilitated else "no current habilitation for this system"


def _clips(data: AccessIn) -> list[dict[str, str]]:
    if data.start is None or data.end is None:
        return []
    return [
        {
            "camera_asset_id": str(data.camera_asset_id),
            "start": data.start.isoformat(),
            "end": data.end.isoformat(),
        }
    ]


def _agent_name(conn: Connection, user_id: int | None) -> str:
    if user_id is None:
        return ""
    row = conn.execute(
        select(users.c.full_name, users.c.email).where(users.c.id == user_id)
    ).first()
    return "" if row is None else (row.full_name or row.email)


def watchable_cameras(
    conn: Connection, *, scope: MemberScope, at: datetime | None = None
) -> list[CameraOut]:
    """Cameras the caller may watch right now, whichever member they belong to."""
    user_id = user_id_of(scope)
    if user_id is None:
        return []
    system_ids = systems_open_to(conn, user_id=user_id, at=at or utcnow())
    if not system_ids:
        return []
    query = cameras_query().where(video_cameras.c.system_id.in_(system_ids))
    return [camera_out(row) for row in conn.execute(query)]
