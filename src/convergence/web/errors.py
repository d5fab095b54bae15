"""Turning errors into JSON with a stable ``code`` and a human message, or a French page.

The JSON API (``/api/…``, ``/healthz``, GeoJSON and JSON documents) answers with JSON; every
other path is a page people read: 401 sends them to the login page, 403, 404 and the rest
render a French error page.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from convergence.errors import ConvergenceError
from convergence.web.templating import render

LOGGER = logging.getLogger(__name__)


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    """The JSON body of every API error."""
    return {
        "error": {"code": code, "message": message, **({"details": details} if details else {})}
    }


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(ConvergenceError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(OperationalError, _database_unavailable)  # type: ignore[arg-type]


# Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER_S = 30


async def _database_unavailable(request: Request, error: OperationalError) -> Response:
    """The database is down or busy: a temporary 503 that says when to retry, never a 500.

    Senders (sensors, network servers) retry on 503 with ``Retry-After``; nothing was
    acknowledged, so nothing is lost.
    """
    LOGGER.error("database unavailable for %s %s: %s", request.method, request.url.path, error)
    headers = {"Retry-After": str(RETRY_AFTER_S)}
    if is_page(request):
        request.state.signed_in = None  # the page must not ask the database who is there
        response = page_error(
            request, 503, "la base de données est momentanément indisponible ; réessayez"
        )
        response.headers.update(headers)
        return response
    message = (
        "base de données indisponible, réessayez plus tard / database unavailable, retry "
        f"in {RETRY_AFTER_S} s: nothing was stored"
    )
    return JSONResponse(
        error_body("database_unavailable", message), status_code=503, headers=headers
    )


async def _domain_error(request: Request, error: ConvergenceError) -> Response:
    if is_page(request):
        return page_error(request, error.http_status, error.message)
    details = {k: v for k, v in error.details.items() if v is not None}
    headers = {"WWW-Authenticate": "Bearer"} if error.http_status == 401 else None
    return JSONResponse(
        error_body(error.code, error.message, **details),
        status_code=error.http_status,
        headers=headers,
    )


async def _validation_error(request: Request, error: RequestValidationError) -> Response:
    problems = [
        {
            "field": ".".join(str(p) for p in item["loc"][1:]) or str(item["loc"][0]),
            "message": str(item["msg"]).removeprefix("Value error, "),
        }
        for item in error.errors()
    ]
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    if is_page(request):
        return page_error(request, 422, f"adresse ou formulaire invalide ({summary})")
    return JSONResponse(
        error_body(
            "invalid_input", f"données invalides / invalid input: {summary}", problems=problems
        ),
        status_code=422,
    )


async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
    if is_page(request):
        return page_error(request, error.status_code, str(error.detail))
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code)


# Paths answered in JSON even outside /api/ (probes, the OpenAPI document, map layers).
JSON_PATHS = frozenset({"/healthz", "/openapi.json"})
JSON_SUFFIXES = (".json", ".geojson")
PAGE_TITLES = {
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Action impossible",
    422: "Demande incorrecte",
}
PAGE_EXPLANATIONS = {
    403: "Votre rôle ne vous permet pas d'accéder à cette page ou de faire cette action.",
    404: "Cette page n'existe pas, ou elle concerne des données d'un autre adhérent.",
    405: "Cette adresse ne permet pas cette action.",
    422: "La demande n'a pas pu être traitée telle quelle.",
}


def is_page(request: Request) -> bool:
    """True for a path people read in a browser (not the JSON API)."""
    path = request.url.path
    return not (path.startswith("/api/") or path in JSON_PATHS or path.endswith(JSON_SUFFIXES))


def page_error(request: Request, status_code: int, message: str) -> Response:
    """A French error page; 401 is a redirect to the login page that comes back here."""
    if status_code == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/connexion?{urlencode({'suivant': target})}", status_code=303)
    # A 404 says nothing of what was looked for; a 5xx hides its internals.
    detail = message.split(" / ")[0] if 400 <= status_code < 500 and status_code != 404 else ""
    return render(
        request,
        "error.html",
        status_code=status_code,
        title=PAGE_TITLES.get(status_code, "Erreur"),
        explanation=PAGE_EXPLANATIONS.get(
            status_code, "Une erreur est survenue ; réessayez, puis prévenez l'opérateur."
        ),
        detail=detail,
        status=status_code,
    )
