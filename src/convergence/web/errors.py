"""Turning errors into JSON with a stable ``code`` and a human message."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from convergence.errors import ConvergenceError


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


async def _domain_error(request: Request, error: ConvergenceError) -> JSONResponse:
    details = {k: v for k, v in error.details.items() if v is not None}
    headers = {"WWW-Authenticate": "Bearer"} if error.http_status == 401 else None
    return JSONResponse(
        error_body(error.code, error.message, **details),
        status_code=error.http_status,
        headers=headers,
    )


async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = [
        {
            "field": ".".join(str(p) for p in item["loc"][1:]) or str(item["loc"][0]),
            "message": str(item["msg"]).removeprefix("Value error, "),
        }
        for item in error.errors()
    ]
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return JSONResponse(
        error_body(
            "invalid_input", f"données invalides / invalid input: {summary}", problems=problems
        ),
        status_code=422,
    )


async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    return JSONResponse(error_body(code, str(error.detail)), status_code=error.status_code)
