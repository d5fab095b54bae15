"""Rendering a page for a logged-in user, with the French words the templates need."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from convergence import french_format as fr
from convergence.errors import NotFound
from convergence.territory.reference import load_territory
from convergence.web.pages.labels import STATUS_LETTERS, label, page_labels
from convergence.web.pages.session import PageUser
from convergence.web.templating import render

FLASH_KEY = "flash"


def commune_name(insee: str | None) -> str:
    """The name of a commune of the territory, a dash for none, the code if unknown."""
    if not insee:
        return "—"
    try:
        return load_territory().commune(insee).name
    except NotFound:
        return insee


def flash(request: Request, message: str) -> None:
    """A message shown once, on the next page this user sees (after a redirect)."""
    request.session[FLASH_KEY] = message


def render_page(
    request: Request, name: str, *, viewer: PageUser, status_code: int = 200, **context: Any
) -> Response:
    """Render page ``name`` for ``viewer``."""
    return render(
        request,
        name,
        status_code=status_code,
        viewer=viewer,
        labels=page_labels(),
        label=label,
        status_letters=STATUS_LETTERS,
        commune_name=commune_name,
        euros=fr.price,
        flash=request.session.pop(FLASH_KEY, None),
        **context,
    )
