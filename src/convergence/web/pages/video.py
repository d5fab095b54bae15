"""Video-protection pages: the overview of systems, cameras and requisitions; the public
information page of a commune (its systems and their signs, open to anyone)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from convergence import french_format
from convergence.db.types import utcnow
from convergence.errors import NotFound
from convergence.members.tables import members
from convergence.territory.reference import load_territory
from convergence.video import queries, register, summary
from convergence.video.kinds import ACTION_LABELS, PURPOSE_LABELS, REQUISITION_LABELS
from convergence.video.perimeter import FLAG_LABELS
from convergence.web.deps import EngineDep
from convergence.web.pages.rendering import render_page
from convergence.web.pages.session import CurrentUserPage
from convergence.web.templating import render

router = APIRouter()
REGISTER_LINES = 20


@router.get("/videoprotection")
def video_page(request: Request, viewer: CurrentUserPage, engine: EngineDep) -> Response:
    """Systems (expiry, renewal), cameras needing attention, open requisitions, register."""
    with engine.connect() as conn:
        seen = summary.overview(conn, scope=viewer.scope, now=utcnow())
        lines = register.list_entries(conn, scope=viewer.scope, limit=REGISTER_LINES)
    return render_page(
        request,
        "video/overview.html",
        viewer=viewer,
        seen=seen,
        register_lines=lines if viewer.can_administer else [],
        purposes=PURPOSE_LABELS,
        flags=FLAG_LABELS,
        actions=ACTION_LABELS,
        statuses=REQUISITION_LABELS,
        now=utcnow(),
        fr=french_format,
    )


@router.get("/videoprotection/information/{insee}")
def public_page(request: Request, insee: str, engine: EngineDep) -> Response:
    """What the public must be told (CSI L251-1 ff.): the commune's systems and their signs."""
    commune = load_territory().commune(insee)
    with engine.connect() as conn:
        member_id = conn.execute(
            members.select().with_only_columns(members.c.id).where(members.c.insee == insee)
        ).scalar()
        if member_id is None:
            raise NotFound(f"commune {insee} non adhérente / not a member")
        systems = queries.public_systems_unscoped(conn, member_id=member_id)
    return render(
        request,
        "video/public.html",
        commune=commune,
        systems=systems,
        purposes=PURPOSE_LABELS,
    )
