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
from convergence.registry.schemas import DeviceModelCreate, DeviceModelUpdate, FieldMapping
from convergence.web.deps import EngineDep, RuntimeDep
from convergence.web.pages.form_errors import FieldErrors, domain_errors, field_errors
from convergence.web.pages.inventory import period_words
from convergence.web.pages.rendering import flash, render_page
from convergence.web.pages.session import AdminPage, OperatorPage, PageUser
from convergence.web.pages.submitted import FormDep

router = APIRouter()
MODEL_FIELDS = ("vendor", "model", "domain", "codec")
PERIOD_FIELD = "expected_period_min"
IGNORE = "ignorer"
FIELD_MAX = 200
PERIOD_MAX_MIN = 7 * 24 * 60  # the schema's bound (a week), in minutes
PERIOD_ERROR = (
    "Saisissez un nombre entier de minutes entre 0 et 10 080 (une semaine) ; "
    "0 pour un modèle qui n'émet pas de données."
)


class PeriodRefused(ValueError):
    """The expected period typed in the form is not a whole number of minutes in range."""


def expected_period_s(text: str) -> int | None:
    """Seconds from the minutes typed in the form; None when left blank (period unknown)."""
    if not text:
        return None
    try:
        minutes = int(text)
    except ValueError:
        raise PeriodRefused(text) from None
    if not 0 <= minutes <= PERIOD_MAX_MIN:
        raise PeriodRefused(text)
    return minutes * 60


@router.get("/admin/modeles")
def models_page(request: Request, viewer: AdminPage, engine: EngineDep) -> Response:
    return _models_page(request, engine, viewer=viewer)


@router.post("/admin/modeles")
def create_model(
    request: Request, viewer: OperatorPage, engine: EngineDep, form: FormDep
) -> Response:
    values: dict[str, Any] = form.present(*MODEL_FIELDS, PERIOD_FIELD)
    try:
        period = expected_period_s(values.pop(PERIOD_FIELD, ""))
    except PeriodRefused as refused:
        values[PERIOD_FIELD] = str(refused)
        errors = {PERIOD_FIELD: PERIOD_ERROR}
        return _models_page(request, engine, viewer=viewer, values=values, errors=errors)
    try:
        data = DeviceModelCreate.model_validate(values | {"expected_period_s": period})
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


@router.post("/admin/modeles/{device_model_id}/periode")
def change_period(
    request: Request, device_model_id: int, viewer: OperatorPage, engine: EngineDep, form: FormDep
) -> Response:
    """A model's expected period changed (silence rules and device health read it)."""
    try:
        period = expected_period_s(form.text(PERIOD_FIELD))
    except PeriodRefused:
        flash(request, PERIOD_ERROR)
        return RedirectResponse("/admin/modeles", status_code=303)
    with engine.begin() as conn:
        model = service.update_device_model(
            conn,
            scope=viewer.scope,
            device_model_id=device_model_id,
            data=DeviceModelUpdate(expected_period_s=period),
        )
    flash(
        request, f"Période d'émission attendue du modèle {model.vendor} {model.model} enregistrée."
    )
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
        period_max=PERIOD_MAX_MIN,
        period_words=period_words,
        period_field=PERIOD_FIELD,
        errors=errors or {},
    )
