"""The home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from convergence.web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    if not isinstance(request.session.get("user_id"), int):
        return RedirectResponse("/connexion", status_code=303)
    return render(request, "home.html")
