"""Administration of the shared catalogue of device models (the operator adds models)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from convergence.decoders.quantities import catalogue
from convergence.errors import ConvergenceError
from convergence.ingest.unmapped import replay_for_model, unmapped_by_model
from convergence.registry import queries, service
from convergence.registry.schemas import DeviceModelCreate, FieldMapping
from convergence.web.deps import EngineDep, RuntimeDep
from convergence.web.pages.form_errors import FieldErrors, domain_errors, field_errors
from convergence.web.pages.rendering import flash, render_page
from convergence.web.pages.session import AdminPage, OperatorPage, PageUser
from convergence.web.pages.submitted import FormDep

router = APIRouter()
MODEL_FIELDS = ("vendor", "model", "domain", "codec")
IGNORE = "ignorer"
FIELD_MAX = 200


@router.get("/admin/modeles")
def models_page(request: Request, viewer: AdminPage, engine: EngineDep) -> Response:
    return _models_page(request, engine, viewer=viewer)


@router.post("/admin/modeles")
def create_model(
    request: Request, viewer: OperatorPage, engine: EngineDep, form: FormDep
) -> Response:
    values: dict[str, Any] = form.present(*MODEL_FIELDS)
    try:
        data = DeviceModelCreate.model_validate(values)
        with engine.begin() as conn:
            model = service.create_device_model(conn, scope=viewer.scope, data=data)
    except ValidationError as error:
        return _models_page(
            request, engine, viewer=viewer, values=values, errors=field_errors(error)
        )
    except ConvergenceError as error:
        errors = domain_errors(error, fields={})
        return _models_page(request, engine, viewer=viewer, values=values, errors=errors)
    flash(request, f"Modèle {model.vendor} {model.model} ajouté au catalogue.")
    return RedirectResponse("/admin/modeles", status_code=303)


@router.post("/admin/modeles/{device_model_id}/champs")
def map_field(
    request: Request,
    device_model_id: int,
    viewer: OperatorPage,
    runtime: RuntimeDep,
    form: FormDep,
) -> Response:
    """One unrecognised field: mapped to a quantity or ignored, then what waited is replayed."""
    field, choice = form.fields.get("field", ""), form.fields.get("choice", "")
    known = {q.id for q in catalogue()} | {IGNORE}
    if not field or len(field) > FIELD_MAX or choice not in known:
        flash(request, "Choisissez une grandeur du catalogue ou « ignorer » pour ce champ.")
        return RedirectResponse("/admin/modeles", status_code=303)
    mapping = FieldMapping(ignore=True) if choice == IGNORE else FieldMapping(quantity=choice)
    with runtime.begin() as conn:
        model = service.map_field(
            conn, scope=viewer.scope, device_model_id=device_model_id, field=field, mapping=mapping
        )
        report = replay_for_model(conn, device_model_id=device_model_id, pipeline=runtime.pipeline)
    what = "ignoré" if mapping.ignore else f"relié à la grandeur {choice}"
    flash(
        request,
        f"Champ {field} du modèle {model.vendor} {model.model} {what} ; "
        f"{len(report.replayed)} message(s) rejoué(s), {report.stored} mesure(s) enregistrée(s).",
    )
    return RedirectResponse("/admin/modeles", status_code=303)


def _models_page(
    request: Request,
    engine: EngineDep,
    *,
    viewer: PageUser,
    values: dict[str, Any] | None = None,
    errors: FieldErrors | None = None,
) -> Response:
    with engine.connect() as conn:
        models = queries.list_device_models(conn)
        unmapped = unmapped_by_model(conn, scope=viewer.scope)
    return render_page(
        request,
        "admin/models.html",
        viewer=viewer,
        status_code=422 if errors else 200,
        models=models,
        unmapped=unmapped,
        quantities=[(q.id, f"{q.label_fr} ({q.unit})") for q in catalogue()],
        ignore=IGNORE,
        values=values or {"domain": "air"},
        errors=errors or {},
    )
