"""Alert rules: the member's rules (the default ones included), a threshold rule created or
changed through a form, a rule switched off and on.

Who may change a rule is who may change the member's data (``require_write``: technicians
and administrators of the member, the operator for every member); the others read.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from convergence.alerts import queries, service
from convergence.alerts.kinds import RuleKind, Severity, TargetKind
from convergence.alerts.schemas import RuleCreate, RuleOut, RuleUpdate, ThresholdParams
from convergence.errors import ConvergenceError, InvalidInput
from convergence.web.deps import EngineDep
from convergence.web.pages import alerts_rule_words as words
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.form_errors import FieldErrors, domain_errors, field_errors
from convergence.web.pages.inventory import commune_choices, may_change
from convergence.web.pages.member_choice import chosen_member, member_options
from convergence.web.pages.rendering import flash
from convergence.web.pages.session import CurrentUserPage, PageUser, WriterPage
from convergence.web.pages.submitted import FormDep, SubmittedForm

router = APIRouter()
RULES_PATH = "/alertes/regles"
TARGET_KINDS = {
    TargetKind.domain: "Tous les équipements d'un domaine",
    TargetKind.commune: "Tous les équipements d'une commune",
    TargetKind.asset: "Un équipement (son numéro)",
}
NEW_DEFAULTS = {
    "target_kind": TargetKind.domain.value,
    "domain": "air",
    "comparison": "above",
    "severity": Severity.warning.value,
    "min_duration_min": "0",
    "hysteresis": "0",
    "cooldown_min": "15",
}
TARGET_FIELD = {"asset": "asset_id", "commune": "commune_insee", "domain": "domain"}


@router.get(RULES_PATH)
def rules_page(request: Request, viewer: CurrentUserPage, engine: EngineDep) -> Response:
    with engine.connect() as conn:
        rules = queries.list_rules(conn, scope=viewer.scope)
        rows = [
            {
                "rule": rule,
                "condition": words.condition(rule),
                "target": words.target(conn, viewer.scope, rule),
                "default": words.is_default(rule),
                "can_change": may_change(viewer.scope, rule.member_id),
            }
            for rule in sorted(rules, key=lambda r: (not words.is_default(r), r.name.casefold()))
        ]
        members = member_options(conn, viewer=viewer) if viewer.is_operator else {}
    return render_data_page(request, "alerts/rules.html", viewer=viewer, rows=rows, members=members)


@router.get(RULES_PATH + "/nouvelle")
def new_rule_page(request: Request, viewer: WriterPage, engine: EngineDep) -> Response:
    return _form_page(
        request, engine, viewer=viewer, rule=None, values=dict(NEW_DEFAULTS), errors={}
    )


@router.post(RULES_PATH + "/nouvelle")
def create_rule(request: Request, viewer: WriterPage, engine: EngineDep, form: FormDep) -> Response:
    values = _values(form)
    try:
        params = _threshold(values)
        target: dict[str, str | None] = {"target_kind": values["target_kind"]}
        field = TARGET_FIELD.get(values["target_kind"])
        if field:
            target[field] = values[field] or None
        data = RuleCreate.model_validate(
            {
                **target,
                "name": values["name"],
                "member_id": chosen_member(form, viewer=viewer),
                "severity": values["severity"],
                "params": params,
                "cooldown_s": _minutes(values, "cooldown_min"),
            }
        )
        with engine.begin() as conn:
            created = service.create_rule(conn, scope=viewer.scope, data=data)
    except FieldProblem as problem:
        errors = {problem.name: problem.message}
        return _form_page(request, engine, viewer=viewer, rule=None, values=values, errors=errors)
    except ValidationError as error:
        return _form_page(
            request, engine, viewer=viewer, rule=None, values=values, errors=_errors(error)
        )
    except ConvergenceError as error:
        errors = domain_errors(
            error, fields={InvalidInput: "asset_id"} if values["target_kind"] == "asset" else {}
        )
        return _form_page(request, engine, viewer=viewer, rule=None, values=values, errors=errors)
    flash(request, f"La règle « {created.name} » est créée.")
    return RedirectResponse(RULES_PATH, status_code=303)


@router.get(RULES_PATH + "/{rule_id:int}")
def rule_page(
    request: Request, rule_id: int, viewer: CurrentUserPage, engine: EngineDep
) -> Response:
    with engine.connect() as conn:
        rule = queries.get_rule(conn, scope=viewer.scope, rule_id=rule_id)
    return _form_page(
        request, engine, viewer=viewer, rule=rule, values=_rule_values(rule), errors={}
    )


@router.post(RULES_PATH + "/{rule_id:int}")
def update_rule(
    request: Request, rule_id: int, viewer: WriterPage, engine: EngineDep, form: FormDep
) -> Response:
    values = _values(form)
    with engine.connect() as conn:
        rule = queries.get_rule(conn, scope=viewer.scope, rule_id=rule_id)
    try:
        changes: dict[str, Any] = {
            "name": values["name"],
            "severity": values["severity"],
            "cooldown_s": _minutes(values, "cooldown_min"),
        }
        if rule.kind is RuleKind.threshold:
            changes["params"] = _threshold(values)
        data = RuleUpdate.model_validate(changes)
        with engine.begin() as conn:
            updated = service.update_rule(conn, scope=viewer.scope, rule_id=rule_id, data=data)
    except FieldProblem as problem:
        errors = {problem.name: problem.message}
        return _form_page(request, engine, viewer=viewer, rule=rule, values=values, errors=errors)
    except ValidationError as error:
        return _form_page(
            request, engine, viewer=viewer, rule=rule, values=values, errors=_errors(error)
        )
    except ConvergenceError as error:
        errors = domain_errors(error, fields={})
        return _form_page(request, engine, viewer=viewer, rule=rule, values=values, errors=errors)
    flash(request, f"La règle « {updated.name} » est enregistrée.")
    return RedirectResponse(RULES_PATH, status_code=303)


@router.post(RULES_PATH + "/{rule_id:int}/etat")
def switch_rule(
    request: Request, rule_id: int, viewer: WriterPage, engine: EngineDep, form: FormDep
) -> Response:
    enabled = form.text("enabled") == "1"
    with engine.begin() as conn:
        updated = service.update_rule(
            conn, scope=viewer.scope, rule_id=rule_id, data=RuleUpdate(enabled=enabled)
        )
    state = "réactivée" if enabled else "désactivée : elle ne déclenchera plus d'alerte"
    flash(request, f"La règle « {updated.name} » est {state}.")
    return RedirectResponse(RULES_PATH, status_code=303)


FIELDS = (
    "name", "target_kind", "domain", "commune_insee", "asset_id", "quantity", "comparison",
    "limit", "min_duration_min", "mean_over_h", "hysteresis", "threshold_label", "severity",
    "cooldown_min",
)  # fmt: skip


def _values(form: SubmittedForm) -> dict[str, str]:
    return {name: form.text(name) for name in FIELDS} | {"member_id": form.text("member_id")}


def _decimal(text: str) -> str:
    """« 2,5 » as people type it in French, « 2.5 » as pydantic reads it."""
    return text.replace(",", ".").replace("\u202f", "").replace(" ", "")


class FieldProblem(Exception):
    """A form field refused before the models see it, with its French message."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def _minutes(values: dict[str, str], name: str) -> int:
    text = values.get(name, "") or "0"
    if not text.isdigit():
        raise FieldProblem(name, "Saisissez un nombre entier de minutes.")
    return int(text) * 60


def _threshold(values: dict[str, str]) -> dict[str, Any]:
    """The threshold's parameters from the form, validated with the form's field names."""
    raw: dict[str, Any] = {
        "quantity": values["quantity"],
        "comparison": values["comparison"],
        "limit": _decimal(values["limit"]),
        "hysteresis": _decimal(values["hysteresis"] or "0"),
        "threshold_label": values["threshold_label"] or None,
    }
    raw["min_duration_s"] = _minutes(values, "min_duration_min")
    hours = values.get("mean_over_h", "") or "0"
    if not hours.isdigit():
        raise FieldProblem(
            "mean_over_h", "Saisissez un nombre entier d'heures (0 : chaque mesure)."
        )
    raw["mean_over_s"] = int(hours) * 3600
    if values["quantity"] not in dict(words.quantity_choices()):
        raise FieldProblem("quantity", "Choisissez une grandeur dans la liste.")
    params = ThresholdParams.model_validate(raw)
    return params.model_dump(mode="json")


FORM_FIELDS = {
    "min_duration_s": "min_duration_min",
    "mean_over_s": "mean_over_h",
    "cooldown_s": "cooldown_min",
    "params": "limit",
}


def _errors(error: ValidationError) -> FieldErrors:
    """The model's errors on the form's own field names."""
    return {FORM_FIELDS.get(name, name): message for name, message in field_errors(error).items()}


def _rule_values(rule: RuleOut) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": rule.name,
        "severity": rule.severity.value,
        "cooldown_min": str(rule.cooldown_s // 60),
    }
    params = rule.params
    if isinstance(params, ThresholdParams):
        values |= {
            "quantity": params.quantity,
            "comparison": params.comparison.value,
            "limit": _form_number(params.limit),
            "min_duration_min": str(params.min_duration_s // 60),
            "mean_over_h": str(params.mean_over_s // 3600),
            "hysteresis": _form_number(params.hysteresis),
            "threshold_label": params.threshold_label or "",
        }
    return values


def _form_page(
    request: Request,
    engine: EngineDep,
    *,
    viewer: PageUser,
    rule: RuleOut | None,
    values: dict[str, Any],
    errors: FieldErrors,
) -> Response:
    with engine.connect() as conn:
        communes = commune_choices(conn, scope=viewer.scope)
        members = member_options(conn, viewer=viewer)
        target = words.target(conn, viewer.scope, rule) if rule is not None else ""
    return render_data_page(
        request,
        "alerts/rule_form.html",
        viewer=viewer,
        status_code=422 if errors else 200,
        rule=rule,
        condition=words.condition(rule) if rule is not None else "",
        target=target,
        is_default=rule is not None and words.is_default(rule),
        can_change=rule is None or may_change(viewer.scope, rule.member_id),
        quantities=words.quantity_choices(),
        unit=words.unit_of(str(values.get("quantity", ""))),
        comparisons=words.COMPARISONS,
        target_kinds=TARGET_KINDS,
        communes=communes,
        members=members,
        values=values,
        errors=errors,
    )


def _form_number(value: float) -> str:
    """A number as the form shows it for editing: ``3,42`` (decimal comma, no grouping)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace("-", "−").replace(".", ",")
