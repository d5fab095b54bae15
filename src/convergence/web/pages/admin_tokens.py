"""Administration of API tokens: list, create (the secret is shown once), revoke."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from convergence.errors import ConvergenceError
from convergence.members import tokens
from convergence.members.queries import member_names
from convergence.members.schemas import TokenCreate
from convergence.web.deps import EngineDep
from convergence.web.pages.form_errors import FieldErrors, domain_errors, field_errors
from convergence.web.pages.member_choice import chosen_member, member_options
from convergence.web.pages.rendering import flash, render_page
from convergence.web.pages.session import AdminPage, PageUser
from convergence.web.pages.submitted import FormDep

router = APIRouter()
# The secret is in this response only: no browser or proxy may keep a copy.
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/admin/jetons")
def tokens_page(request: Request, viewer: AdminPage, engine: EngineDep) -> Response:
    return _tokens_page(request, engine, viewer=viewer)


@router.post("/admin/jetons")
def create_token(request: Request, viewer: AdminPage, engine: EngineDep, form: FormDep) -> Response:
    values: dict[str, Any] = {"name": form.text("name"), "scopes": form.lists.get("scopes", [])}
    try:
        member_id = chosen_member(form, viewer=viewer)
        data = TokenCreate.model_validate(values)
        with engine.begin() as conn:
            created = tokens.create_token_scoped(
                conn, scope=viewer.scope, member_id=member_id, data=data
            )
            member = member_names(conn, scope=viewer.scope).get(member_id, "")
    except ValidationError as error:
        return _tokens_page(
            request, engine, viewer=viewer, values=values, errors=field_errors(error)
        )
    except ConvergenceError as error:
        errors = domain_errors(error, fields={})
        return _tokens_page(request, engine, viewer=viewer, values=values, errors=errors)
    response = render_page(
        request, "admin/token_created.html", viewer=viewer, token=created, member_name=member
    )
    response.headers.update(NO_STORE)
    return response


@router.post("/admin/jetons/{token_id:int}/revoquer")
def revoke_token(
    request: Request, token_id: int, viewer: AdminPage, engine: EngineDep, form: FormDep
) -> Response:
    with engine.begin() as conn:
        token = tokens.revoke_token(conn, scope=viewer.scope, token_id=token_id)
    flash(request, f"Le jeton « {token.name} » ({token.prefix}…) est révoqué.")
    return RedirectResponse("/admin/jetons", status_code=303)


def _tokens_page(
    request: Request,
    engine: EngineDep,
    *,
    viewer: PageUser,
    values: dict[str, Any] | None = None,
    errors: FieldErrors | None = None,
) -> Response:
    with engine.connect() as conn:
        listed = [
            t
            for t in tokens.list_tokens(conn, scope=viewer.scope)
            if viewer.is_operator or t.member_id == viewer.scope.member_id
        ]
        members = member_options(conn, viewer=viewer)
    return render_page(
        request,
        "admin/tokens.html",
        viewer=viewer,
        status_code=422 if errors else 200,
        tokens=listed,
        members=members,
        values=values or {"name": "", "scopes": ["read"]},
        errors=errors or {},
    )
