"""A technician invalidates or re-validates a period of an asset from its page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from convergence.errors import ConvergenceError
from convergence.paris_time import PARIS
from convergence.quality import service
from convergence.quality.schemas import QualityPeriodCreate
from convergence.web.deps import EngineDep
from convergence.web.pages.form_errors import field_errors
from convergence.web.pages.rendering import flash
from convergence.web.pages.session import WriterPage
from convergence.web.pages.submitted import FormDep, SubmittedForm

router = APIRouter()
FIELD_LABELS = {"start": "Début", "end": "Fin", "note": "Motif", "reason": "Raison"}


@router.post("/inventaire/{asset_id:int}/qualite")
def set_quality_period(
    request: Request, asset_id: int, viewer: WriterPage, engine: EngineDep, form: FormDep
) -> Response:
    """Invalidate or re-validate a period; the page says what changed, or what is wrong."""
    try:
        data = QualityPeriodCreate.model_validate(_values(form))
        with engine.begin() as conn:
            period = service.set_period(conn, scope=viewer.scope, asset_id=asset_id, data=data)
    except ValidationError as error:
        problems = "; ".join(
            f"{FIELD_LABELS.get(k, k)} : {v}" for k, v in field_errors(error).items()
        )
        flash(request, f"Période non enregistrée — {problems}")
    except ConvergenceError as error:
        flash(request, f"Période non enregistrée — {error.message}")
    else:
        done = "revalidées" if period.valid else "invalidées"
        flash(
            request, f"{period.readings_changed} mesures {done} ; les indicateurs sont recalculés."
        )
    return RedirectResponse(f"/inventaire/{asset_id}#qualite", status_code=303)


def _values(form: SubmittedForm) -> dict[str, Any]:
    values: dict[str, Any] = form.present("note", "reason")
    values["valid"] = form.fields.get("action") == "revalider"
    for name in ("start", "end"):
        text = form.fields.get(name, "")
        values[name] = _local(text) if text else None
    return values


def _local(text: str) -> datetime | str:
    """A datetime-local field (Paris time) as an aware datetime; kept as text if unreadable."""
    try:
        return datetime.fromisoformat(text).replace(tzinfo=PARIS)
    except ValueError:
        return text
