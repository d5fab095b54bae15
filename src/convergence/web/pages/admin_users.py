"""Administration of users: the list, and a form to create one with a role."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from convergence.errors import ConvergenceError
from convergence.members import queries, service
from convergence.members.roles import Role
from convergence.members.schemas import UserCreate
from convergence.members.scope import require_write
from convergence.web.deps import EngineDep
from convergence.web.pages.form_errors import FieldErrors, domain_errors, field_errors
from convergence.web.pages.labels import ROLES
from convergence.web.pages.member_choice import chosen_member, member_options
from convergence.web.pages.rendering import flash, render_page
from convergence.web.pages.session import AdminPage, PageUser
from convergence.web.pages.submitted import FormDep

router = APIRouter()
USER_FIELDS = ("email", "full_name", "role", "password")


@router.get("/admin/utilisateurs")
def users_page(request: Request, viewer: AdminPage, engine: EngineDep) -> Response:
    return _users_page(request, engine, viewer=viewer)


@router.post("/admin/utilisateurs")
def create_user(request: Request, viewer: AdminPage, engine: EngineDep, form: FormDep) -> Response:
    values: dict[str, Any] = form.present(*USER_FIELDS)
    try:
        member_id = chosen_member(form, viewer=viewer)
        require_write(viewer.scope, member_id)
        data = UserCreate.model_validate(values)
        with engine.begin() as conn:
            user = service.create_user(
                conn, member_id=member_id, data=data, actor=viewer.scope.actor
            )
    except ValidationError as error:
        return _users_page(request, engine, viewer=viewer, form=values, errors=field_errors(error))
    except ConvergenceError as error:
        errors = domain_errors(error, fields={})
        return _users_page(request, engine, viewer=viewer, form=values, errors=errors)
    flash(request, f"Utilisateur {user.email} créé avec le rôle « {ROLES[user.role]} ».")
    return RedirectResponse("/admin/utilisateurs", status_code=303)


def _users_page(
    request: Request,
    engine: EngineDep,
    *,
    viewer: PageUser,
    form: dict[str, Any] | None = None,
    errors: FieldErrors | None = None,
) -> Response:
    with engine.connect() as conn:
        users = [
            u
            for u in queries.list_users(conn, scope=viewer.scope)
            if viewer.is_operator or u.member_id == viewer.scope.member_id
        ]
        members = member_options(conn, viewer=viewer)
    values = {k: v for k, v in (form or {"role": "viewer"}).items() if k != "password"}
    return render_page(
        request,
        "admin/users.html",
        viewer=viewer,
        status_code=422 if errors else 200,
        users=users,
        members=members,
        roles={r: t for r, t in ROLES.items() if viewer.is_operator or r != Role.operator_admin},
        values=values,
        errors=errors or {},
    )
