"""Maintenance forms beyond the ticket's own actions: exclusions with their evidence, and the
inspections and preventive plans (décret 2017-26) — schedule one, record one done."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from convergence.db.types import utcnow
from convergence.errors import ConvergenceError
from convergence.maintenance import inspections, service
from convergence.maintenance.inspections import InspectionCreate, InspectionDone, InspectionKind
from convergence.maintenance.schemas import ExclusionCreate
from convergence.members.scope import writable_member_ids
from convergence.paris_time import PARIS
from convergence.registry.queries import list_assets
from convergence.registry.schemas import AssetFilters
from convergence.web.deps import EngineDep
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.form_errors import GENERAL, field_errors, french_part
from convergence.web.pages.maintenance_labels import MAINTENANCE_LABELS
from convergence.web.pages.rendering import flash
from convergence.web.pages.session import CurrentUserPage, PageUser
from convergence.web.pages.submitted import FormDep

router = APIRouter()
KIND_LABELS = {
    InspectionKind.annual_inspection: "Contrôle annuel (décret 2017-26)",
    InspectionKind.preventive: "Maintenance préventive",
}


def local_instant(value: str) -> datetime:
    """A ``datetime-local`` field, read as Paris time, in UTC."""
    return datetime.fromisoformat(value).replace(tzinfo=PARIS).astimezone(UTC)


FIELD_NAMES = {
    "reason": "motif", "started_at": "début", "ended_at": "fin",
    "evidence": "preuve (5 caractères au moins)", "asset_id": "équipement", "kind": "type",
    "title": "intitulé", "every_months": "périodicité", "due_on": "échéance",
    "done_on": "date du contrôle", "inspector": "contrôleur", "marking": "marquage",
}  # fmt: skip


def _refusal(error: ValidationError | ConvergenceError | ValueError) -> str:
    """What was wrong, in French."""
    if isinstance(error, ConvergenceError):
        return french_part(error.message)
    if isinstance(error, ValidationError):
        return "; ".join(
            french_part(v.removeprefix("Valeur refusée : ")) if k == GENERAL
            else f"{FIELD_NAMES.get(k, k)} : {v.rstrip('.').lower()}"
            for k, v in field_errors(error).items()
        )  # fmt: skip
    return "une date, une heure ou un nombre est illisible"


@router.post("/maintenance/tickets/{ticket_id:int}/exclusion")
def exclude(
    request: Request, ticket_id: int, viewer: CurrentUserPage, engine: EngineDep, form: FormDep
) -> Response:
    """An agreed exclusion (grid outage, vandalism…) with its evidence: the delays skip it."""
    try:
        data = ExclusionCreate(
            reason=form.text("reason"),
            started_at=local_instant(form.text("started_at")),
            ended_at=local_instant(form.text("ended_at")),
            evidence=form.text("evidence"),
        )
        with engine.begin() as conn:
            service.record_exclusion(conn, scope=viewer.scope, ticket_id=ticket_id, data=data,
                                     now=utcnow())  # fmt: skip
        flash(
            request, "L'exclusion est enregistrée : cette période ne compte plus dans les délais."
        )
    except (ValidationError, ConvergenceError, ValueError) as error:
        flash(request, f"Exclusion refusée : {_refusal(error)}.")
    return RedirectResponse(f"/maintenance/tickets/{ticket_id}", status_code=303)


def _may_plan(viewer: PageUser) -> bool:
    if viewer.scope.is_contractor:
        return False
    allowed = writable_member_ids(viewer.scope)
    return allowed is None or bool(allowed)


@router.get("/maintenance/controles")
def inspections_page(request: Request, viewer: CurrentUserPage, engine: EngineDep) -> Response:
    """Inspections and preventive visits: due ones first, then those done; forms to act."""
    may_plan = _may_plan(viewer)
    with engine.connect() as conn:
        found = inspections.list_inspections(conn, scope=viewer.scope, pending_only=False)
        equipment = (
            list_assets(conn, scope=viewer.scope, filters=AssetFilters(limit=1000)).items
            if may_plan else []
        )  # fmt: skip
    pending = sorted((i for i in found if i.done_on is None), key=lambda i: i.due_on)
    done = sorted((i for i in found if i.done_on is not None), key=lambda i: i.done_on or i.due_on,
                  reverse=True)  # fmt: skip
    return render_data_page(
        request, "maintenance/inspections.html", viewer=viewer, pending=pending, done=done,
        equipment=equipment, may_plan=may_plan, kinds=KIND_LABELS,
        today=utcnow().astimezone(PARIS).date(), m_labels=MAINTENANCE_LABELS,
    )  # fmt: skip


def _back() -> Response:
    return RedirectResponse("/maintenance/controles", status_code=303)


@router.post("/maintenance/controles")
def schedule(
    request: Request, viewer: CurrentUserPage, engine: EngineDep, form: FormDep
) -> Response:
    """Plan an annual inspection or a preventive visit of an equipment."""
    try:
        kind = InspectionKind(form.text("kind"))
        data = InspectionCreate(
            asset_id=int(form.text("asset_id") or 0), kind=kind,
            title=form.text("title") or KIND_LABELS[kind],
            every_months=int(form.text("every_months") or 12),
            due_on=date.fromisoformat(form.text("due_on")),
        )  # fmt: skip
        with engine.begin() as conn:
            inspections.schedule(conn, scope=viewer.scope, data=data)
        flash(request, "Le contrôle est planifié : un rappel partira 30 jours avant l'échéance.")
    except (ValidationError, ConvergenceError, ValueError) as error:
        flash(request, f"Planification refusée : {_refusal(error)}.")
    return _back()


@router.post("/maintenance/controles/{inspection_id:int}/realise")
def record_done(
    request: Request, inspection_id: int, viewer: CurrentUserPage, engine: EngineDep,
    form: FormDep,
) -> Response:  # fmt: skip
    """Record an inspection done (inspector, marking); the next one is planned."""
    try:
        data = InspectionDone(
            done_on=date.fromisoformat(form.text("done_on")), inspector=form.text("inspector"),
            marking=form.text("marking"), notes=form.text("notes"),
        )  # fmt: skip
        with engine.begin() as conn:
            inspections.record_done(conn, scope=viewer.scope, inspection_id=inspection_id,
                                    data=data)  # fmt: skip
        flash(request, "Le contrôle est enregistré ; le suivant est planifié.")
    except (ValidationError, ConvergenceError, ValueError) as error:
        flash(request, f"Enregistrement refusé : {_refusal(error)}.")
    return _back()
