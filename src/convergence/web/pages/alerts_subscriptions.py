"""Alert subscriptions of the logged-in user: by e-mail or webhook, with what they follow."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from convergence.alerts import queries, subscriptions
from convergence.alerts.schemas import SubscriptionCreate, SubscriptionOut
from convergence.errors import ConvergenceError
from convergence.members.queries import member_names
from convergence.web.deps import EngineDep, SettingsDep
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.form_errors import FieldErrors, domain_errors, field_errors
from convergence.web.pages.inventory import commune_choices
from convergence.web.pages.member_choice import chosen_member, member_options
from convergence.web.pages.rendering import flash
from convergence.web.pages.session import CurrentUserPage, PageUser
from convergence.web.pages.submitted import FormDep, SubmittedForm

router = APIRouter()
FIELDS = ("channel", "cadence", "domain", "commune_insee", "min_severity", "webhook_url")
NO_STORE = {"Cache-Control": "no-store"}
DEFAULTS = {"channel": "email", "cadence": "immediate", "min_severity": "warning"}


@router.get("/alertes/abonnements")
def subscriptions_page(request: Request, viewer: CurrentUserPage, engine: EngineDep) -> Response:
    return _page(request, engine, viewer=viewer, values=dict(DEFAULTS), errors={})


@router.post("/alertes/abonnements")
def create_subscription(
    request: Request,
    viewer: CurrentUserPage,
    engine: EngineDep,
    form: FormDep,
    settings: SettingsDep,
) -> Response:
    values = _values(form)
    try:
        data = SubscriptionCreate.model_validate(
            {k: v for k, v in values.items() if v}
            | {"member_id": chosen_member(form, viewer=viewer)}
        )
        with engine.begin() as conn:
            created = subscriptions.create_subscription(
                conn, scope=viewer.scope, data=data, allowed_hosts=settings.webhook_allowed_hosts
            )
    except ValidationError as error:
        return _page(request, engine, viewer=viewer, values=values, errors=_errors(error))
    except ConvergenceError as error:
        errors = domain_errors(error, fields={})
        return _page(request, engine, viewer=viewer, values=values, errors=errors)
    if created.webhook_secret is None:
        flash(request, "Abonnement enregistré : vous recevrez les alertes par courriel.")
        return RedirectResponse("/alertes/abonnements", status_code=303)
    response = render_data_page(
        request, "alerts/webhook_created.html", viewer=viewer, subscription=created
    )
    response.headers.update(NO_STORE)
    return response


@router.post("/alertes/abonnements/{subscription_id:int}/supprimer")
def delete_subscription(
    request: Request,
    subscription_id: int,
    viewer: CurrentUserPage,
    engine: EngineDep,
    form: FormDep,
) -> Response:
    with engine.begin() as conn:
        subscriptions.delete_subscription(conn, scope=viewer.scope, subscription_id=subscription_id)
    flash(request, "L'abonnement est supprimé.")
    return RedirectResponse("/alertes/abonnements", status_code=303)


def _values(form: SubmittedForm) -> dict[str, Any]:
    values: dict[str, Any] = {name: form.text(name) for name in FIELDS}
    if values["channel"] != "webhook":
        values["webhook_url"] = ""
    return values | {"member_id": form.text("member_id")}


WEBHOOK_ERROR = (
    "Indiquez l'adresse (https://…) du webhook, et pour un webhook choisissez l'envoi à "
    "chaque alerte."
)


def _errors(error: ValidationError) -> FieldErrors:
    """The form's errors; the model's rule on webhooks is told next to the address field."""
    errors = field_errors(error)
    if "" in errors and "webhook" in errors[""]:
        return {"webhook_url": WEBHOOK_ERROR}
    return errors


def _page(
    request: Request,
    engine: EngineDep,
    *,
    viewer: PageUser,
    values: dict[str, Any],
    errors: FieldErrors,
) -> Response:
    with engine.connect() as conn:
        found = queries.list_subscriptions(conn, scope=viewer.scope)
        communes = commune_choices(conn, scope=viewer.scope)
        members = member_options(conn, viewer=viewer)
        names = member_names(conn, scope=viewer.scope)
    own, others = _split(found, viewer)
    return render_data_page(
        request,
        "alerts/subscriptions.html",
        viewer=viewer,
        status_code=422 if errors else 200,
        own=own,
        others=others if viewer.can_administer else [],
        communes=communes,
        members=members,
        member_names=names,
        values=values,
        errors=errors,
    )


def _split(
    found: list[SubscriptionOut], viewer: PageUser
) -> tuple[list[SubscriptionOut], list[SubscriptionOut]]:
    own = [s for s in found if s.user_id == viewer.user.id]
    return own, [s for s in found if s.user_id != viewer.user.id]
