"""Administration: its index, and the members (adhérents) with their sharing level."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from convergence.alerts.defaults import install_default_rules
from convergence.errors import ConvergenceError, NotFound
from convergence.members import queries, service
from convergence.members.roles import MemberKind
from convergence.members.schemas import MemberCreate, MemberOut, MemberSettings
from convergence.web.deps import EngineDep
from convergence.web.pages.form_errors import FieldErrors, domain_errors, field_errors
from convergence.web.pages.labels import SHARE_LEVEL_EXPLANATIONS
from convergence.web.pages.rendering import flash, render_page
from convergence.web.pages.session import AdminPage, OperatorPage, PageUser
from convergence.web.pages.submitted import FormDep

router = APIRouter()
MEMBER_FIELDS = ("siren", "name", "kind", "insee", "share_level")


@router.get("/admin")
def admin_page(request: Request, viewer: AdminPage) -> Response:
    return render_page(request, "admin/index.html", viewer=viewer)


@router.get("/admin/adherents")
def members_page(request: Request, viewer: AdminPage, engine: EngineDep) -> Response:
    return _members_page(request, engine, viewer=viewer)


@router.post("/admin/adherents")
def create_member(
    request: Request, viewer: OperatorPage, engine: EngineDep, form: FormDep
) -> Response:
    values: dict[str, Any] = form.present(*MEMBER_FIELDS)
    try:
        data = MemberCreate.model_validate(values)
        with engine.begin() as conn:
            member = service.create_member(conn, data=data, actor=viewer.scope.actor)
            install_default_rules(conn, scope=viewer.scope, member_id=member.id)
    except ValidationError as error:
        return _members_page(
            request, engine, viewer=viewer, values=values, errors=field_errors(error)
        )
    except ConvergenceError as error:
        errors = domain_errors(error, fields={})
        return _members_page(request, engine, viewer=viewer, values=values, errors=errors)
    return RedirectResponse(f"/admin/adherents/{member.id}", status_code=303)


@router.get("/admin/adherents/{member_id:int}")
def member_page(request: Request, member_id: int, viewer: AdminPage, engine: EngineDep) -> Response:
    member = _administered_member(engine, viewer=viewer, member_id=member_id)
    return _member_page(request, viewer=viewer, member=member)


@router.post("/admin/adherents/{member_id:int}/partage")
def change_share_level(
    request: Request, member_id: int, viewer: AdminPage, engine: EngineDep, form: FormDep
) -> Response:
    member = _administered_member(engine, viewer=viewer, member_id=member_id)
    try:
        data = MemberSettings.model_validate({"share_level": form.text("share_level") or None})
        with engine.begin() as conn:
            service.update_member_settings(conn, scope=viewer.scope, member_id=member_id, data=data)
    except ValidationError as error:
        return _member_page(request, viewer=viewer, member=member, errors=field_errors(error))
    flash(request, "Niveau de partage enregistré.")
    return RedirectResponse(f"/admin/adherents/{member_id}", status_code=303)


def _administered_member(engine: EngineDep, *, viewer: PageUser, member_id: int) -> MemberOut:
    """The member if the viewer administers it (the operator: all); NotFound otherwise."""
    if not viewer.is_operator and member_id != viewer.scope.member_id:
        raise NotFound(f"adhérent {member_id} introuvable / member not found")
    with engine.connect() as conn:
        return queries.get_member(conn, member_id=member_id)


def _members_page(
    request: Request,
    engine: EngineDep,
    *,
    viewer: PageUser,
    values: dict[str, Any] | None = None,
    errors: FieldErrors | None = None,
) -> Response:
    with engine.connect() as conn:
        members = (
            queries.list_members(conn, scope=viewer.scope)
            if viewer.is_operator
            else [queries.get_member(conn, member_id=viewer.scope.member_id)]
        )
    return render_page(
        request,
        "admin/members.html",
        viewer=viewer,
        status_code=422 if errors else 200,
        members=members,
        values=values or {"kind": "commune", "share_level": "aggregates"},
        errors=errors or {},
    )


def _member_page(
    request: Request, *, viewer: PageUser, member: MemberOut, errors: FieldErrors | None = None
) -> Response:
    return render_page(
        request,
        "admin/member.html",
        viewer=viewer,
        status_code=422 if errors else 200,
        member=member,
        shares=member.kind is MemberKind.commune,
        explanations=SHARE_LEVEL_EXPLANATIONS,
        errors=errors or {},
    )
