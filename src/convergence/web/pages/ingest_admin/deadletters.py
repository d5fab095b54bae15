"""Administration of the dead-letter store: what was refused, why, and its replay."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from convergence.ingest import queries, replay
from convergence.ingest.envelope import Source, Status
from convergence.ingest.schemas import DeadLetterFilters, ReplayReport
from convergence.members.queries import member_names
from convergence.web.deps import EngineDep, RuntimeDep
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.ingest_admin.labels import INGEST_LABELS
from convergence.web.pages.rendering import flash
from convergence.web.pages.session import OperatorPage, WriterPage
from convergence.web.pages.submitted import FormDep

router = APIRouter()
PAGE_SIZE = 50
PREVIEW = 300
ALL = "tous"


@dataclass(frozen=True, slots=True)
class DeadLetterQuery:
    """The list's filters as people pick them; unknown values fall back to the defaults."""

    status: str = Status.pending.value
    source: str = ""
    reason: str = ""
    page: int = 1

    def filters(self) -> DeadLetterFilters:
        return DeadLetterFilters(
            status=None if self.status == ALL else Status(self.status),
            source=Source(self.source) if self.source else None,
            reason_code=self.reason or None,
            limit=PAGE_SIZE,
            offset=(self.page - 1) * PAGE_SIZE,
        )

    def values(self) -> dict[str, str]:
        return {"statut": self.status, "source": self.source, "motif": self.reason}

    def query(self, page: int) -> str:
        return urlencode({k: v for k, v in self.values().items() if v} | {"page": page})


def dead_letter_query(
    statut: str = Status.pending.value, source: str = "", motif: str = "", page: int = 1
) -> DeadLetterQuery:
    return DeadLetterQuery(
        status=statut if statut in Status.__members__ or statut == ALL else Status.pending.value,
        source=source if source in Source.__members__ else "",
        reason=motif[:40],
        page=max(1, page),
    )


DeadLetterQueryDep = Annotated[DeadLetterQuery, Depends(dead_letter_query)]


# Technicians see and replay their member's dead letters, as the API lets them: refused
# messages are their devices' messages.
@router.get("/admin/messages-rejetes")
def dead_letters_page(
    request: Request,
    viewer: WriterPage,
    engine: EngineDep,
    runtime: RuntimeDep,
    chosen: DeadLetterQueryDep,
) -> Response:
    with engine.connect() as conn:
        found = queries.list_dead_letters(conn, scope=viewer.scope, filters=chosen.filters())
        members = member_names(conn, scope=viewer.scope)
    return render_data_page(
        request,
        "admin/dead_letters.html",
        viewer=viewer,
        letters=found,
        chosen=chosen,
        values=chosen.values(),
        errors={},
        page_count=max(1, math.ceil(found.total / PAGE_SIZE)),
        page_query=chosen.query,
        status_choices=[*INGEST_LABELS["dead_letter_status"].items(), (ALL, "Tous")],
        members=members if viewer.is_operator else {},
        ingest_labels=INGEST_LABELS,
        preview=PREVIEW,
        # The codecs this server suspended: the operator's to lift (suspensions.py).
        suspensions=runtime.pipeline.codecs.suspensions.current() if viewer.is_operator else [],
    )


@router.post("/admin/messages-rejetes/{dead_letter_id:int}/rejouer")
def replay_dead_letter(
    request: Request,
    dead_letter_id: int,
    viewer: WriterPage,
    engine: EngineDep,
    runtime: RuntimeDep,
    form: FormDep,
) -> Response:
    with runtime.begin() as conn:
        report = replay.replay_one(
            conn, scope=viewer.scope, pipeline=runtime.pipeline, dead_letter_id=dead_letter_id
        )
    flash(request, replay_message(dead_letter_id, report))
    return RedirectResponse("/admin/messages-rejetes", status_code=303)


@router.post("/admin/messages-rejetes/decodeurs/{codec}/lever")
def lift_codec_suspension(
    request: Request, codec: str, viewer: OperatorPage, runtime: RuntimeDep, form: FormDep
) -> Response:
    """Let a suspended codec run again; its frames kept meanwhile wait for a replay."""
    if runtime.pipeline.codecs.suspensions.lift(codec):
        message = (
            f"Le décodeur {codec} n'est plus suspendu : rejouez ses messages (motif "
            "codec_suspended) une fois corrigé."
        )
    else:
        message = f"Le décodeur {codec} n'était pas suspendu."
    flash(request, message)
    return RedirectResponse("/admin/messages-rejetes", status_code=303)


@router.post("/admin/messages-rejetes/{dead_letter_id:int}/abandonner")
def discard_dead_letter(
    request: Request, dead_letter_id: int, viewer: WriterPage, engine: EngineDep, form: FormDep
) -> Response:
    with engine.begin() as conn:
        replay.discard(conn, scope=viewer.scope, dead_letter_id=dead_letter_id)
    flash(request, f"Le message n° {dead_letter_id} est abandonné (il reste conservé).")
    return RedirectResponse("/admin/messages-rejetes", status_code=303)


def replay_message(dead_letter_id: int, report: ReplayReport) -> str:
    """What a replay did, in one sentence."""
    if dead_letter_id in report.replayed:
        return (
            f"Le message n° {dead_letter_id} est rejoué : {report.stored} mesure(s) "
            f"enregistrée(s), {report.duplicates} déjà présente(s)."
        )
    if dead_letter_id in report.still_refused:
        return f"Le message n° {dead_letter_id} est de nouveau refusé : voir le motif ci-dessous."
    return f"Le message n° {dead_letter_id} avait déjà été rejoué."
