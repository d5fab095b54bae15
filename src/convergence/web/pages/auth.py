"""Log in and log out (session cookie, CSRF-protected form)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from convergence.errors import NotAuthenticated, PermissionDenied
from convergence.members.service import authenticate_user
from convergence.web.deps import EngineDep, check_csrf
from convergence.web.templating import render

router = APIRouter()


@router.get("/connexion")
def login_page(request: Request, suivant: str = "/") -> Response:
    return render(request, "login.html", next=_safe_next(suivant))


@router.post("/connexion")
def login(
    request: Request,
    engine: EngineDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()],
    suivant: Annotated[str, Form()] = "/",
) -> Response:
    try:
        check_csrf(request, csrf_token)
        with engine.begin() as conn:
            user = authenticate_user(conn, email=email, password=password)
    except (NotAuthenticated, PermissionDenied) as error:
        return render(
            request,
            "login.html",
            status_code=400 if isinstance(error, PermissionDenied) else 401,
            error=error.message.split(" / ")[0],
            email=email,
            next=_safe_next(suivant),
        )
    request.session.clear()
    # The role only decides which navigation links show; every page checks it again.
    request.session.update(user_id=user.id, user_email=user.email, user_role=user.role.value)
    return RedirectResponse(_safe_next(suivant), status_code=303)


@router.post("/deconnexion")
def logout(request: Request, csrf_token: Annotated[str, Form()]) -> Response:
    check_csrf(request, csrf_token)
    request.session.clear()
    return RedirectResponse("/connexion", status_code=303)


def _safe_next(target: str) -> str:
    # Only local paths: an open redirect would let a phishing link borrow our login page.
    return target if target.startswith("/") and not target.startswith("//") else "/"
