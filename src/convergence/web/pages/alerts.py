"""Alerts: the list with its filters, one alert with its history, acknowledge and resolve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import Connection
from starlette.responses import Response

from convergence.alerts import queries, service
from convergence.alerts.kinds import OPEN_STATUSES, AlertStatus, Severity
from convergence.alerts.schemas import AlertOut
from convergence.errors import Conflict
from convergence.members.queries import list_users, member_names
from convergence.members.scope import MemberScope
from convergence.web.deps import EngineDep
from convergence.web.pages.alerts_labels import STATUS_FILTERS
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.form_errors import french_part
from convergence.web.pages.inventory import commune_choices, may_change
from convergence.web.pages.rendering import flash
from convergence.web.pages.session import CurrentUserPage, WriterPage
from convergence.web.pages.submitted import FormDep

router = APIRouter()
LIST_LIMIT = 500
NOTE_MAX = 2000


@dataclass(frozen=True, slots=True)
class AlertFilters:
    """The list's filters; an unknown value falls back to its default (a filter never fails)."""

    status: str = "ouvertes"
    commune: str = ""
    severity: str = ""

    def values(self) -> dict[str, str]:
        return {"statut": self.status, "commune": self.commune, "gravite": self.severity}


def alert_filters(statut: str = "ouvertes", commune: str = "", gravite: str = "") -> AlertFilters:
    """The filters of the query string, cleaned."""
    return AlertFilters(
        status=statut if statut in STATUS_FILTERS else "ouvertes",
        commune=commune if commune.isalnum() and len(commune) == 5 else "",
        severity=gravite if gravite in Severity.__members__ else "",
    )


AlertFiltersDep = Annotated[AlertFilters, Depends(alert_filters)]


def filtered_alerts(conn: Connection, scope: MemberScope, filters: AlertFilters) -> list[AlertOut]:
    """The alerts the filters select, newest first."""
    status = AlertStatus(filters.status) if filters.status in AlertStatus.__members__ else None
    found = queries.list_alerts(
        conn,
        scope=scope,
        status=status,
        open_only=filters.status == "ouvertes",
        commune_insee=filters.commune or None,
        limit=LIST_LIMIT,
    )
    if filters.severity:
        found = [a for a in found if a.severity.value == filters.severity]
    return found


@router.get("/alertes")
def alerts_page(
    request: Request, viewer: CurrentUserPage, engine: EngineDep, filters: AlertFiltersDep
) -> Response:
    with engine.connect() as conn:
        found = filtered_alerts(conn, viewer.scope, filters)
        communes = commune_choices(conn, scope=viewer.scope)
        members = member_names(conn, scope=viewer.scope)
    return render_data_page(
        request,
        "alerts/list.html",
        viewer=viewer,
        alerts=found,
        limit=LIST_LIMIT,
        values=filters.values(),
        errors={},
        communes=communes,
        members=members if len(members) > 1 else {},
    )


@router.get("/alertes/{alert_id:int}")
def alert_page(
    request: Request, alert_id: int, viewer: CurrentUserPage, engine: EngineDep
) -> Response:
    with engine.connect() as conn:
        alert = queries.get_alert(conn, scope=viewer.scope, alert_id=alert_id)
        actors = actor_names(conn, viewer.scope)
        member = member_names(conn, scope=viewer.scope).get(alert.member_id, "")
    return render_data_page(
        request,
        "alerts/alert.html",
        viewer=viewer,
        alert=alert,
        actors=actors,
        member_name=member,
        can_act=may_change(viewer.scope, alert.member_id) and alert.status in OPEN_STATUSES,
        values={"note": ""},
        errors={},
    )


# Who acted when it was not a person of the member: the platform's own names, in French.
PLATFORM_ACTORS = {
    "system": "Convergence (automatiquement)",
    "demo": "Convergence (démonstration)",
    "cli": "l'administrateur de la plateforme",
}


def actor_names(conn: Connection, scope: MemberScope) -> dict[str, str]:
    """Who ``user:12`` is, for the users the scope may see, and the platform's own actors
    (others read « une autre personne », never a code)."""
    people = {f"user:{u.id}": u.full_name or u.email for u in list_users(conn, scope=scope)}
    return PLATFORM_ACTORS | people


@router.post("/alertes/{alert_id:int}/prise-en-charge")
def acknowledge(
    request: Request, alert_id: int, viewer: WriterPage, engine: EngineDep, form: FormDep
) -> Response:
    note = form.text("note")[:NOTE_MAX]
    try:
        with engine.begin() as conn:
            alert = service.acknowledge_alert(
                conn, scope=viewer.scope, alert_id=alert_id, note=note
            )
        flash(request, f"L'alerte « {alert.rule_name} » est prise en charge.")
    except Conflict as error:
        flash(request, f"Action impossible : {french_part(error.message)}.")
    return RedirectResponse(f"/alertes/{alert_id}", status_code=303)


@router.post("/alertes/{alert_id:int}/levee")
def resolve(
    request: Request, alert_id: int, viewer: WriterPage, engine: EngineDep, form: FormDep
) -> Response:
    note = form.text("note")[:NOTE_MAX]
    try:
        with engine.begin() as conn:
            alert = service.resolve_alert(conn, scope=viewer.scope, alert_id=alert_id, note=note)
        flash(request, f"L'alerte « {alert.rule_name} » est levée.")
    except Conflict as error:
        flash(request, f"Action impossible : {french_part(error.message)}.")
    return RedirectResponse(f"/alertes/{alert_id}", status_code=303)
