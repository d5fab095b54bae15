"""Projects (initiatives): the list with its filters, the creation form, a project's page."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from convergence.errors import ConvergenceError, InvalidInput
from convergence.members.queries import member_names
from convergence.registry import queries, service
from convergence.registry.kinds import InitiativeStatus, known_domains
from convergence.registry.schemas import AssetFilters, InitiativeCreate
from convergence.web.deps import EngineDep
from convergence.web.pages.form_errors import FieldErrors, domain_errors, field_errors
from convergence.web.pages.member_choice import chosen_member, member_options
from convergence.web.pages.rendering import render_page
from convergence.web.pages.session import CurrentUserPage, PageUser, WriterPage
from convergence.web.pages.submitted import FormDep, SubmittedForm

router = APIRouter()
PAGE_SIZE = 50
ASSETS_SHOWN = 100
FIELDS = (
    "name", "domain", "status", "budget_eur", "start_date", "end_date", "supplier", "network",
    "units", "description",
)  # fmt: skip


@router.get("/projets")
def initiatives_page(
    request: Request,
    viewer: CurrentUserPage,
    engine: EngineDep,
    domaine: str = "",
    statut: str = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    domain = _choice(known_domains(), domaine)
    status = _choice(list(InitiativeStatus.__members__), statut)
    with engine.connect() as conn:
        results = queries.list_initiatives(
            conn,
            scope=viewer.scope,
            domain=domain,
            status=status,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        members = member_names(conn, scope=viewer.scope)
    return render_page(
        request,
        "initiatives/list.html",
        viewer=viewer,
        results=results,
        values={"domaine": domain or "", "statut": status or ""},
        errors={},
        page=page,
        page_count=max(1, math.ceil(results.total / PAGE_SIZE)),
        page_query=lambda n: urlencode({"domaine": domaine, "statut": statut, "page": n}),
        members=members if len(members) > 1 else {},
    )


@router.get("/projets/nouveau")
def new_initiative_page(request: Request, viewer: WriterPage, engine: EngineDep) -> Response:
    defaults = {"domain": "air", "status": "idea", "member_id": str(viewer.scope.member_id)}
    return _form_page(request, engine, viewer=viewer, values=defaults)


@router.post("/projets/nouveau")
def create_initiative(
    request: Request, viewer: WriterPage, engine: EngineDep, form: FormDep
) -> Response:
    try:
        data = InitiativeCreate.model_validate(initiative_values(form, viewer=viewer))
        with engine.begin() as conn:
            initiative = service.create_initiative(conn, scope=viewer.scope, data=data)
    except ValidationError as error:
        return _form_page(request, engine, viewer=viewer, form=form, errors=field_errors(error))
    except ConvergenceError as error:
        errors = domain_errors(error, fields={})
        return _form_page(request, engine, viewer=viewer, form=form, errors=errors)
    return RedirectResponse(f"/projets/{initiative.id}", status_code=303)


@router.get("/projets/{initiative_id:int}")
def initiative_page(
    request: Request, initiative_id: int, viewer: CurrentUserPage, engine: EngineDep
) -> Response:
    with engine.connect() as conn:
        initiative = queries.get_initiative(conn, scope=viewer.scope, initiative_id=initiative_id)
        filters = AssetFilters(initiative_id=initiative_id, limit=ASSETS_SHOWN)
        assets = queries.list_assets(conn, scope=viewer.scope, filters=filters)
        members = member_names(conn, scope=viewer.scope)
    return render_page(
        request,
        "initiatives/initiative.html",
        viewer=viewer,
        initiative=initiative,
        assets=assets,
        member_name=members.get(initiative.member_id, ""),
    )


def initiative_values(form: SubmittedForm, *, viewer: PageUser) -> dict[str, Any]:
    """The non-blank fields of the form, with a decimal comma understood in the budget."""
    values: dict[str, Any] = form.present(*FIELDS)
    if "budget_eur" in values:
        values["budget_eur"] = values["budget_eur"].replace(",", ".").replace(" ", "")
    return values | {"member_id": chosen_member(form, viewer=viewer)}


def _choice(known: list[str], value: str) -> str | None:
    if not value:
        return None
    if value not in known:
        raise InvalidInput(f"filtre inconnu : {value!r}")
    return value


def _form_page(
    request: Request,
    engine: EngineDep,
    *,
    viewer: PageUser,
    values: dict[str, str] | None = None,
    form: SubmittedForm | None = None,
    errors: FieldErrors | None = None,
) -> Response:
    with engine.connect() as conn:
        members = member_options(conn, viewer=viewer) if viewer.is_operator else {}
    return render_page(
        request,
        "initiatives/form.html",
        viewer=viewer,
        status_code=422 if errors else 200,
        values=dict(form.fields) if form else values or {},
        errors=errors or {},
        members=members,
    )
