"""Log in and log out (an opaque session cookie, CSRF-protected form).

Login attempts are throttled per account and per address, and audited, by
``members/login.py``; the session lives on the server (``members/login_sessions.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from convergence.db.types import utcnow
from convergence.errors import ConvergenceError, NotAuthenticated, PermissionDenied, RateLimited
from convergence.members.login import LoginThrottle, attempt_login, login_wait_s, throttled
from convergence.members.login_sessions import open_session, revoke_session
from convergence.opendata.forwarding import client_address
from convergence.web.deps import SESSION_SECRET_KEY, EngineDep, SettingsDep, check_csrf
from convergence.web.templating import render

router = APIRouter()
WRONG = "identifiant ou mot de passe incorrect / wrong e-mail or password"


@router.get("/connexion")
def login_page(request: Request, suivant: str = "/") -> Response:
    return render(request, "login.html", next=_safe_next(suivant))


@router.post("/connexion")
def login(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()],
    suivant: Annotated[str, Form()] = "/",
) -> Response:
    try:
        check_csrf(request, csrf_token)
        secret = _log_in(request, engine, settings, email=email, password=password)
    except (NotAuthenticated, PermissionDenied, RateLimited) as error:
        response = render(
            request,
            "login.html",
            status_code=error.http_status if not isinstance(error, PermissionDenied) else 400,
            error=error.message.split(" / ")[0],
            email=email,
            next=_safe_next(suivant),
        )
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.details["retry_after"])
        return response
    request.session.clear()
    request.session[SESSION_SECRET_KEY] = secret
    return RedirectResponse(_safe_next(suivant), status_code=303)


def _log_in(
    request: Request, engine: EngineDep, settings: SettingsDep, *, email: str, password: str
) -> str:
    """The new session's secret; the failure is committed (audited, counted) before raising."""
    address = client_address(
        request.client.host if request.client else None,
        request.headers.get("x-forwarded-for"),
        tuple(settings.opendata_trusted_proxies),
    )
    now, policies = utcnow(), LoginThrottle.from_settings(settings)
    with engine.begin() as conn:
        wait = login_wait_s(conn, email=email, address=address, now=now, policies=policies)
        if wait > 0:
            refused: ConvergenceError = throttled(conn, email=email, address=address, wait=wait)
        else:
            user = attempt_login(
                conn, email=email, password=password, address=address, now=now, policies=policies
            )
            if user is not None:
                return open_session(
                    conn, user_id=user.id, now=now, max_age_s=settings.session_max_age_s
                )
            refused = NotAuthenticated(WRONG)
    # Raised here, after the commit: the audit entry and the count of failures stay.
    raise refused


@router.post("/deconnexion")
def logout(request: Request, engine: EngineDep, csrf_token: Annotated[str, Form()]) -> Response:
    check_csrf(request, csrf_token)
    secret = request.session.get(SESSION_SECRET_KEY)
    if isinstance(secret, str):
        with engine.begin() as conn:
            revoke_session(conn, secret=secret, now=utcnow())
    request.session.clear()
    return RedirectResponse("/connexion", status_code=303)


def _safe_next(target: str) -> str:
    # Only local paths: an open redirect would let a phishing link borrow our login page.
    return target if target.startswith("/") and not target.startswith("//") else "/"
