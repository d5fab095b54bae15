"""Maintenance pages: the tickets with their clocks, one ticket with its actions (the contractor
portal is the same pages: a contractor's agent sees only the tickets of its contracts)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile
from starlette.responses import Response

from convergence import french_format as fr
from convergence.db.types import utcnow
from convergence.errors import Conflict, ConvergenceError, InvalidInput
from convergence.maintenance import inspections, interventions, queries, service
from convergence.maintenance.interventions import MAX_PHOTO_BYTES, MAX_PHOTOS, Photo
from convergence.maintenance.kinds import OPEN_STATUSES, TicketStatus
from convergence.maintenance.monthly import monthly_sla, parse_month
from convergence.members.scope import writable_member_ids
from convergence.paris_time import PARIS
from convergence.web.deps import EngineDep, check_csrf
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.form_errors import french_part
from convergence.web.pages.maintenance_forms import router as forms_router
from convergence.web.pages.maintenance_labels import MAINTENANCE_LABELS, minutes
from convergence.web.pages.maintenance_public import router as public_router
from convergence.web.pages.maintenance_qr import router as qr_router
from convergence.web.pages.rendering import flash
from convergence.web.pages.session import CurrentUserPage, PageUser
from convergence.web.pages.submitted import CSRF_FIELD, FormDep

router = APIRouter()
router.include_router(public_router)
router.include_router(qr_router)
router.include_router(forms_router)  # before the ticket actions' catch-all path
NOTE_MAX = 2000


def _helpers() -> dict[str, Any]:
    return {"m_labels": MAINTENANCE_LABELS, "minutes": minutes, "cents": fr.cents}


@router.get("/maintenance")
def tickets_page(request: Request, viewer: CurrentUserPage, engine: EngineDep) -> Response:
    """Open tickets first, then the others; the contracts the viewer reads."""
    now = utcnow()
    with engine.connect() as conn:
        found = queries.list_tickets(conn, scope=viewer.scope, now=now)
        contracts = queries.list_contracts(conn, scope=viewer.scope)
        due = inspections.list_inspections(conn, scope=viewer.scope)
    open_first = sorted(found, key=lambda t: t.status not in OPEN_STATUSES)
    return render_data_page(
        request, "maintenance/list.html", viewer=viewer, tickets=open_first,
        contracts=contracts, inspections=due, open_statuses=OPEN_STATUSES, **_helpers(),
    )  # fmt: skip


def _may_decide(viewer: PageUser, member_id: int) -> bool:
    """Member-side decisions: pause, resume, close (not the contractor's)."""
    if viewer.scope.is_contractor:
        return False
    allowed = writable_member_ids(viewer.scope)
    return allowed is None or member_id in allowed


@router.get("/maintenance/tickets/{ticket_id:int}")
def ticket_page(
    request: Request, ticket_id: int, viewer: CurrentUserPage, engine: EngineDep
) -> Response:
    with engine.connect() as conn:
        ticket = queries.get_ticket(conn, scope=viewer.scope, ticket_id=ticket_id, now=utcnow())
        history = queries.ticket_history(conn, scope=viewer.scope, ticket_id=ticket_id)
        works = interventions.list_interventions(conn, scope=viewer.scope, ticket_id=ticket_id)
        excluded = queries.list_exclusions(conn, scope=viewer.scope, ticket_id=ticket_id)
    is_open = ticket.status in OPEN_STATUSES
    may_work = viewer.scope.is_contractor or _may_decide(viewer, ticket.member_id)
    return render_data_page(
        request, "maintenance/ticket.html", viewer=viewer, ticket=ticket, history=history,
        works=works, can_acknowledge=may_work and ticket.status is TicketStatus.open,
        can_report=may_work and (is_open or ticket.status is TicketStatus.resolved),
        can_decide=_may_decide(viewer, ticket.member_id), values={}, errors={},
        exclusions=excluded, can_exclude=_may_exclude(viewer, ticket.member_id), **_helpers(),
    )  # fmt: skip


def _may_exclude(viewer: PageUser, member_id: int) -> bool:
    """Exclusions are agreed by the member's administrators (the contract's signatories)."""
    return _may_decide(viewer, member_id) and viewer.scope.can_administer


def _back(ticket_id: int) -> Response:
    return RedirectResponse(f"/maintenance/tickets/{ticket_id}", status_code=303)


@router.post("/maintenance/tickets/{ticket_id:int}/prise-en-charge")
def acknowledge(
    request: Request, ticket_id: int, viewer: CurrentUserPage, engine: EngineDep, form: FormDep
) -> Response:
    try:
        with engine.begin() as conn:
            service.acknowledge_ticket(conn, scope=viewer.scope, ticket_id=ticket_id,
                                       now=utcnow(), note=form.text("note")[:NOTE_MAX])  # fmt: skip
        flash(request, "Le ticket est pris en charge : le délai d'intervention est arrêté.")
    except Conflict as error:
        flash(request, f"Action impossible : {french_part(error.message)}.")
    return _back(ticket_id)


@router.post("/maintenance/tickets/{ticket_id:int}/intervention")
async def report(
    request: Request, ticket_id: int, viewer: CurrentUserPage, engine: EngineDep
) -> Response:
    """The intervention report form: notes, photos, and a box to propose closure."""
    form = await request.form(max_files=MAX_PHOTOS + 1)
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    check_csrf(request, fields.get(CSRF_FIELD))
    photos = []
    for name, value in form.multi_items():
        if name == "photos" and isinstance(value, UploadFile) and value.filename:
            photos.append(Photo(value.filename, await value.read(MAX_PHOTO_BYTES + 1)))
    await form.close()
    try:
        with engine.begin() as conn:
            interventions.report_intervention(
                conn, scope=viewer.scope, ticket_id=ticket_id,
                notes=fields.get("notes", "").strip(), photos_in=photos,
                proposes_closure=fields.get("cloture") == "oui", now=utcnow(),
            )  # fmt: skip
        flash(request, "Le compte rendu d'intervention est enregistré.")
    except ConvergenceError as error:
        flash(request, f"Compte rendu refusé : {french_part(error.message)}.")
    return _back(ticket_id)


@router.post("/maintenance/tickets/{ticket_id:int}/{action}")
def decide(
    request: Request, ticket_id: int, action: str, viewer: CurrentUserPage, engine: EngineDep,
    form: FormDep,
) -> Response:  # fmt: skip
    """Member-side actions: mise en attente, reprise, clôture."""
    use_cases = {
        "attente": (service.pause_ticket, "Le ticket attend l'adhérent : délais suspendus."),
        "reprise": (service.resume_ticket, "Les délais courent de nouveau."),
        "cloture": (service.close_ticket, "Le ticket est clôturé."),
    }  # fmt: skip
    if action not in use_cases:
        flash(request, "Action inconnue.")
        return _back(ticket_id)
    use_case, done = use_cases[action]
    try:
        with engine.begin() as conn:
            use_case(conn, scope=viewer.scope, ticket_id=ticket_id, now=utcnow(),
                     note=form.text("note")[:NOTE_MAX] or done)  # fmt: skip
        flash(request, done)
    except Conflict as error:
        flash(request, f"Action impossible : {french_part(error.message)}.")
    return _back(ticket_id)


@router.get("/maintenance/rapport")
def report_page(
    request: Request, viewer: CurrentUserPage, engine: EngineDep, mois: str = ""
) -> Response:
    """The month's SLA per contract: the member's contracts, or all of them for the operator."""
    today = utcnow().astimezone(PARIS).date()
    try:
        first = parse_month(mois) if mois else today.replace(day=1)
    except InvalidInput:
        first = today.replace(day=1)
    with engine.connect() as conn:
        months = monthly_sla(conn, scope=viewer.scope, month=first, now=utcnow())
    return render_data_page(
        request, "maintenance/report.html", viewer=viewer, months=months,
        month=first.strftime("%Y-%m"), **_helpers(),
    )  # fmt: skip
