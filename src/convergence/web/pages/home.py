"""The home page: the dashboard for a logged-in user, the login page otherwise."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from convergence.web.deps import signed_in_user

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    if signed_in_user(request) is None:
        return RedirectResponse("/connexion", status_code=303)
    return RedirectResponse("/tableau-de-bord", status_code=303)
