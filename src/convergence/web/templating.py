"""Jinja2 templates shared by every page."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from convergence.servicelines import service_lines
from convergence.web.deps import csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"


def templates() -> Jinja2Templates:
    """The templates of the platform, then those of the installed service lines."""
    extra = (d for line in service_lines() if line.page for d in line.page.template_dirs)
    return _templates(tuple(extra))


@lru_cache
def _templates(extra_dirs: tuple[str, ...]) -> Jinja2Templates:
    return Jinja2Templates(directory=[TEMPLATES_DIR, *extra_dirs])


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """Render page ``name`` with the CSRF token and the logged-in user in its context."""
    context.setdefault("user_email", request.session.get("user_email"))
    return templates().TemplateResponse(
        request, name, {"csrf_token": csrf_token(request), **context}, status_code=status_code
    )
