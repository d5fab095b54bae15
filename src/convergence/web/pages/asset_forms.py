"""Creating and editing a piece of equipment through HTML forms (technicians and admins)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import Connection
from starlette.responses import Response

from convergence.errors import ConvergenceError, PermissionDenied
from convergence.registry import queries, service
from convergence.registry.schemas import AssetCreate, AssetOut, AssetUpdate
from convergence.web.deps import EngineDep, RuntimeDep
from convergence.web.pages.form_errors import (
    ASSET_ERROR_FIELDS,
    FieldErrors,
    domain_errors,
    field_errors,
)
from convergence.web.pages.inventory import commune_choices, initiative_names, may_change
from convergence.web.pages.member_choice import chosen_member, member_options
from convergence.web.pages.rendering import render_page
from convergence.web.pages.session import PageUser, WriterPage
from convergence.web.pages.submitted import FormDep, SubmittedForm

router = APIRouter()
CREATE_FIELDS = (
    "name", "kind", "domain", "status", "device_model_id", "dev_eui", "ocpp_id", "serial",
    "lon", "lat", "installed_on", "cost_eur", "initiative_id", "tags",
)  # fmt: skip
UPDATE_FIELDS = (
    "name", "status", "device_model_id", "lon", "lat", "installed_on", "cost_eur",
    "initiative_id", "tags",
)  # fmt: skip
DECIMAL_FIELDS = ("lon", "lat", "cost_eur")
# Fields a link may prefill, e.g. "register this device" on the discovered devices page.
PREFILLED_FIELDS = ("name", "kind", "domain", "dev_eui", "serial", "ocpp_id", "member_id")


@router.get("/inventaire/nouveau")
def new_asset_page(request: Request, viewer: WriterPage, engine: EngineDep) -> Response:
    defaults = {
        "kind": "sensor",
        "domain": "other",
        "status": "planned",
        "member_id": str(viewer.scope.member_id),
    }
    prefilled = {n: v for n in PREFILLED_FIELDS if (v := request.query_params.get(n, "").strip())}
    return _form_page(request, engine, viewer=viewer, asset=None, values=defaults | prefilled)


@router.post("/inventaire/nouveau")
def create_asset(
    request: Request, viewer: WriterPage, engine: EngineDep, runtime: RuntimeDep, form: FormDep
) -> Response:
    try:
        data = AssetCreate.model_validate(
            form_values(form, CREATE_FIELDS) | {"member_id": chosen_member(form, viewer=viewer)}
        )
        with runtime.begin() as conn:
            asset = service.create_asset(
                conn, scope=viewer.scope, data=data, listeners=runtime.registry_listeners
            )
    except (ValidationError, ConvergenceError) as error:
        return _refused(request, engine, viewer=viewer, asset=None, form=form, error=error)
    return RedirectResponse(f"/inventaire/{asset.id}", status_code=303)


@router.get("/inventaire/{asset_id:int}/modifier")
def edit_asset_page(
    request: Request, asset_id: int, viewer: WriterPage, engine: EngineDep
) -> Response:
    asset = _changeable_asset(engine, viewer=viewer, asset_id=asset_id)
    return _form_page(request, engine, viewer=viewer, asset=asset, values=asset_form_values(asset))


@router.post("/inventaire/{asset_id:int}/modifier")
def update_asset(
    request: Request, asset_id: int, viewer: WriterPage, engine: EngineDep, form: FormDep
) -> Response:
    asset = _changeable_asset(engine, viewer=viewer, asset_id=asset_id)
    try:
        data = AssetUpdate.model_validate(update_values(form))
        with engine.begin() as conn:
            service.update_asset(conn, scope=viewer.scope, asset_id=asset_id, data=data)
    except (ValidationError, ConvergenceError) as error:
        return _refused(request, engine, viewer=viewer, asset=asset, form=form, error=error)
    return RedirectResponse(f"/inventaire/{asset_id}", status_code=303)


def form_values(form: SubmittedForm, names: tuple[str, ...]) -> dict[str, Any]:
    """The non-blank fields, with decimal commas and comma-separated tags understood."""
    values: dict[str, Any] = form.present(*names)
    for name in DECIMAL_FIELDS:
        if name in values:
            values[name] = values[name].replace(",", ".").replace(" ", "")
    if "tags" in values:
        values["tags"] = [t.strip() for t in values["tags"].split(",") if t.strip()]
    return values


def update_values(form: SubmittedForm) -> dict[str, Any]:
    """Every editable field: a blank one clears the value (the name and status stay required)."""
    values: dict[str, Any] = dict.fromkeys(UPDATE_FIELDS) | form_values(form, UPDATE_FIELDS)
    values["name"] = values["name"] or ""
    values["tags"] = values["tags"] or []
    if values["status"] is None:
        del values["status"]
    return values


def asset_form_values(asset: AssetOut) -> dict[str, str]:
    """The asset's fields as the form shows them."""
    values = asset.model_dump(mode="json", include=set(CREATE_FIELDS))
    shown = {k: "" if v is None else str(v) for k, v in values.items()}
    shown["tags"] = ", ".join(asset.tags)
    return shown


def _changeable_asset(engine: EngineDep, *, viewer: PageUser, asset_id: int) -> AssetOut:
    with engine.connect() as conn:
        asset = queries.get_asset(conn, scope=viewer.scope, asset_id=asset_id)
    if not may_change(viewer.scope, asset.member_id):
        raise PermissionDenied("cet équipement appartient à un autre adhérent / read-only")
    return asset


def _refused(
    request: Request,
    engine: EngineDep,
    *,
    viewer: PageUser,
    asset: AssetOut | None,
    form: SubmittedForm,
    error: ValidationError | ConvergenceError,
) -> Response:
    errors = (
        field_errors(error)
        if isinstance(error, ValidationError)
        else domain_errors(error, fields=ASSET_ERROR_FIELDS)
    )
    return _form_page(
        request, engine, viewer=viewer, asset=asset, values=dict(form.fields), errors=errors
    )


def _form_page(
    request: Request,
    engine: EngineDep,
    *,
    viewer: PageUser,
    asset: AssetOut | None,
    values: dict[str, str],
    errors: FieldErrors | None = None,
) -> Response:
    with engine.connect() as conn:
        choices = _choices(conn, viewer=viewer)
    return render_page(
        request,
        "inventory/form.html",
        viewer=viewer,
        status_code=422 if errors else 200,
        asset=asset,
        values=values,
        errors=errors or {},
        **choices,
    )


def _choices(conn: Connection, *, viewer: PageUser) -> dict[str, Any]:
    return {
        "focus_communes": [code for code, _ in commune_choices(conn, scope=viewer.scope)],
        "device_models": {m.id: f"{m.vendor} {m.model}" for m in queries.list_device_models(conn)},
        "initiatives": initiative_names(conn, scope=viewer.scope),
        "members": member_options(conn, viewer=viewer) if viewer.is_operator else {},
    }
