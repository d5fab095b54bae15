"""The routes of the installed service lines: their standard pages, own pages and JSON API.

The application includes what ``line_routes`` builds from ``service_lines()``: a line is
served because it is installed, not because the web layer names it.
"""

from __future__ import annotations

from fastapi import APIRouter

from convergence.servicelines import ServiceLines
from convergence.web.pages.domains.pages import line_page

API_PREFIX = "/api/v1"


def line_pages(lines: ServiceLines) -> APIRouter:
    """Each line's standard domain page, then the pages of its own router."""
    router = APIRouter(include_in_schema=False)
    for line in lines:
        if line.page is not None:
            router.add_api_route(line.page.path, line_page(line), methods=["GET"])
        if line.pages is not None:
            router.include_router(line.pages, include_in_schema=False)
    return router


def line_api(lines: ServiceLines) -> APIRouter:
    """Each line's JSON API, under ``/api/v1``."""
    router = APIRouter()
    for line in lines:
        if line.api is not None:
            router.include_router(line.api, prefix=API_PREFIX)
    return router


def line_routes(lines: ServiceLines) -> APIRouter:
    """Every route the installed lines bring."""
    router = APIRouter()
    router.include_router(line_api(lines))
    router.include_router(line_pages(lines))
    return router
