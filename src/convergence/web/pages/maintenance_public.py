"""The public report form behind a charger's QR code: no account, throttled, bounded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Request
from starlette.responses import Response
from starlette.types import ASGIApp

from convergence.db.types import utcnow
from convergence.errors import RateLimited
from convergence.ingest.ratelimit import RateLimiter
from convergence.maintenance import notify
from convergence.maintenance.public import MAX_TEXT, asset_of, report_by_public
from convergence.opendata.forwarding import client_address
from convergence.web.deps import EngineDep, SettingsDep, check_csrf
from convergence.web.templating import render

router = APIRouter()
# One limiter per application, made on first use (the app itself owns no extra state).
_LIMITERS: WeakKeyDictionary[ASGIApp, RateLimiter] = WeakKeyDictionary()


def _limiter(request: Request, per_minute: int) -> RateLimiter:
    app = request.app
    if app not in _LIMITERS:
        _LIMITERS[app] = RateLimiter(per_minute)
    return _LIMITERS[app]


@router.get("/signalement/{token}")
def report_form(request: Request, token: str, engine: EngineDep, settings: SettingsDep) -> Response:
    """The form: what is wrong with this equipment."""
    with engine.connect() as conn:
        _, _, name = asset_of(conn, secret=settings.secret_key.get_secret_value(), token=token)
    return render(request, "maintenance/public.html", asset_name=name, token=token, done=False,
                  error="", max_text=MAX_TEXT)  # fmt: skip


@router.post("/signalement/{token}")
async def report(
    request: Request, token: str, engine: EngineDep, settings: SettingsDep
) -> Response:
    """Take a report in: throttled per client, bounded per equipment."""
    form = await request.form()
    text = str(form.get("description", ""))
    check_csrf(request, str(form.get("csrf_token", "")))
    secret = settings.secret_key.get_secret_value()
    with engine.connect() as conn:
        _, _, name = asset_of(conn, secret=secret, token=token)
    peer = request.client.host if request.client else None
    key = client_address(peer, request.headers.get("x-forwarded-for"),
                         tuple(settings.opendata_trusted_proxies))  # fmt: skip
    context: dict[str, Any] = {"asset_name": name, "token": token, "max_text": MAX_TEXT}
    if not text.strip() or len(text) > MAX_TEXT:
        error = f"Décrivez le problème en {MAX_TEXT} caractères au plus."
        return render(request, "maintenance/public.html", status_code=422, done=False,
                      error=error, **context)  # fmt: skip
    if _limiter(request, settings.maintenance_public_reports_per_minute).wait_time(key):
        return render(request, "maintenance/public.html", status_code=429, done=False,
                      error="Trop de signalements envoyés : réessayez dans une minute.",
                      **context)  # fmt: skip
    now = utcnow()
    try:
        with engine.begin() as conn:
            opened = report_by_public(
                conn, secret=secret, token=token, text=text, now=now,
                reopen_window=timedelta(seconds=settings.maintenance_reopen_window_s),
            )  # fmt: skip
            notify.queue_ticket_notice(conn, ticket_id=opened.ticket_id, action=opened.action,
                                       now=now)  # fmt: skip
    except RateLimited:
        return render(request, "maintenance/public.html", status_code=429, done=False,
                      error="Cet équipement est déjà signalé aujourd'hui : merci.",
                      **context)  # fmt: skip
    return render(request, "maintenance/public.html", done=True, error="", **context)
