"""Integrations with LoRaWAN network servers: set-up instructions and their ingest tokens."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import Connection
from starlette.responses import Response

from convergence.errors import ConvergenceError, NotFound
from convergence.ingest.schemas import IntegrationCreate, IntegrationKind, IntegrationOut
from convergence.ingest.service import create_integration, list_integrations
from convergence.members import tokens
from convergence.members.queries import member_names
from convergence.members.roles import TokenScope
from convergence.members.schemas import TokenCreate, TokenCreated
from convergence.members.scope import MemberScope
from convergence.web.deps import EngineDep, SettingsDep
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.form_errors import FieldErrors, domain_errors, field_errors
from convergence.web.pages.ingest_admin.labels import INGEST_LABELS
from convergence.web.pages.member_choice import chosen_member, member_options
from convergence.web.pages.rendering import flash
from convergence.web.pages.session import AdminPage, PageUser
from convergence.web.pages.submitted import FormDep, SubmittedForm

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}
# Where each network server posts its uplinks (ChirpStack adds ?event=… by itself).
RECEIVER_PATHS = {
    IntegrationKind.chirpstack: "/api/v1/ingest/chirpstack",
    IntegrationKind.tts: "/api/v1/ingest/tts",
    IntegrationKind.http: "/api/v1/ingest",
}


def receiver_url(base: str, kind: IntegrationKind) -> str:
    """The address to paste in the network server, from the platform's public address."""
    return base.rstrip("/") + RECEIVER_PATHS.get(kind, "/api/v1/ingest")


def public_base(request: Request, settings: SettingsDep) -> str:
    """The public address of the platform (CONVERGENCE_PUBLIC_URL, else this request's)."""
    return settings.public_url or str(request.base_url)


@router.get("/admin/integrations")
def integrations_page(
    request: Request, viewer: AdminPage, engine: EngineDep, settings: SettingsDep
) -> Response:
    values = {"kind": IntegrationKind.chirpstack.value, "name": "", "application_ids": ""}
    return _page(request, engine, settings, viewer=viewer, values=values, errors={})


@router.post("/admin/integrations")
def add_integration(
    request: Request, viewer: AdminPage, engine: EngineDep, settings: SettingsDep, form: FormDep
) -> Response:
    values = {n: form.text(n) for n in ("kind", "name", "application_ids", "member_id")}
    try:
        data = IntegrationCreate.model_validate(_integration_fields(form, viewer))
        with engine.begin() as conn:
            created = create_integration(conn, scope=viewer.scope, data=data)
    except ValidationError as error:
        errors = field_errors(error)
        return _page(request, engine, settings, viewer=viewer, values=values, errors=errors)
    except ConvergenceError as error:
        errors = domain_errors(error, fields={})
        return _page(request, engine, settings, viewer=viewer, values=values, errors=errors)
    flash(request, f"L'intégration « {created.name} » est créée : créez maintenant son jeton.")
    return RedirectResponse(f"/admin/integrations#integration-{created.id}", status_code=303)


def _integration_fields(form: SubmittedForm, viewer: PageUser) -> dict[str, Any]:
    applications = [a.strip() for a in form.text("application_ids").split(",") if a.strip()]
    return {
        "kind": form.text("kind"),
        "name": form.text("name"),
        "config": {"application_ids": applications},
        "member_id": chosen_member(form, viewer=viewer),
    }


@router.post("/admin/integrations/{integration_id:int}/jeton")
def create_integration_token(
    request: Request,
    integration_id: int,
    viewer: AdminPage,
    engine: EngineDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    with engine.begin() as conn:
        integration = visible_integration(conn, viewer.scope, integration_id)
        created = ingest_token(conn, viewer.scope, integration)
    response = render_data_page(
        request,
        "admin/integration_token.html",
        viewer=viewer,
        integration=integration,
        token=created,
        url=receiver_url(public_base(request, settings), integration.kind),
        ingest_labels=INGEST_LABELS,
    )
    response.headers.update(NO_STORE)
    return response


def ingest_token(conn: Connection, scope: MemberScope, integration: IntegrationOut) -> TokenCreated:
    """A new ``ingest`` token of the integration's member, bound to the integration."""
    data = TokenCreate(
        name=f"Intégration {integration.name}"[:200],
        scopes=[TokenScope.ingest],
        integration_id=integration.id,
    )
    return tokens.create_token_scoped(conn, scope=scope, member_id=integration.member_id, data=data)


def visible_integration(
    conn: Connection, scope: MemberScope, integration_id: int
) -> IntegrationOut:
    """An integration of a member the scope reads; NotFound otherwise."""
    for integration in list_integrations(conn, scope=scope):
        if integration.id == integration_id:
            return integration
    raise NotFound(f"intégration {integration_id} introuvable / integration not found")


def _page(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    *,
    viewer: PageUser,
    values: dict[str, str],
    errors: FieldErrors,
) -> Response:
    with engine.connect() as conn:
        found = list_integrations(conn, scope=viewer.scope)
        members = member_options(conn, viewer=viewer)
        names = member_names(conn, scope=viewer.scope)
    base = public_base(request, settings)
    return render_data_page(
        request,
        "admin/integrations.html",
        viewer=viewer,
        status_code=422 if errors else 200,
        integrations=found,
        urls={kind: receiver_url(base, kind) for kind in IntegrationKind},
        members=members,
        member_names=names,
        kinds=list(INGEST_LABELS["integration_kind"].items()),
        ingest_labels=INGEST_LABELS,
        values=values,
        errors=errors,
    )
