"""Probes for load balancers and supervisors."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from convergence import __version__
from convergence.web.deps import EngineDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(engine: EngineDep) -> JSONResponse:
    """200 when the database answers, 503 otherwise."""
    body: dict[str, Any] = {"status": "ok", "version": __version__, "database": engine.dialect.name}
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:
        body.update(status="unavailable", reason=type(error).__name__)
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)
