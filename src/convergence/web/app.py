"""The FastAPI application factory."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles
from xstatic.pkg import leaflet

from convergence import __version__
from convergence.runtime import Runtime
from convergence.servicelines import service_lines
from convergence.settings import Settings, get_settings
from convergence.web import errors
from convergence.web.api import router as api_router
from convergence.web.lines import line_routes
from convergence.web.ocpp import router as ocpp_router
from convergence.web.pages import router as pages_router
from convergence.web.security_headers import SecurityHeadersMiddleware

STATIC_DIR = Path(__file__).parent / "static"


def plotly_dir() -> Path:
    """Where the plotly package keeps plotly.min.js (found, not imported: importing is slow)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise RuntimeError("the plotly package is not installed")
    return Path(spec.origin).parent / "package_data"


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    runtime: Runtime | None = None,
    background: bool = False,
) -> FastAPI:
    """A new application on ``runtime`` (its process's), else on one built from ``settings``.

    A runtime built here is closed when the application shuts down; one given is its
    caller's to close, unless ``background``: then the application starts the runtime's
    background work when it starts and closes the runtime when it stops (a worker of
    ``convergence serve``, where the server process, not the command, runs the application).
    """
    owned = runtime is None or background
    if runtime is None:
        runtime = Runtime.build(settings or get_settings(), engine=engine)
    settings = runtime.settings
    app = FastAPI(
        lifespan=_closing(runtime, start=background) if owned else None,
        title="Convergence",
        version=__version__,
        description="API de la plateforme territoriale de données / territorial data platform",
        openapi_url="/openapi.json",
        docs_url=None,  # served by web/api/docs.py from the local Swagger UI, not a CDN
        redoc_url=None,
    )
    app.state.convergence = runtime
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="convergence_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.environment == "production",
    )
    # Added last, so it wraps everything: error pages and static files get the headers too.
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    errors.install(app)
    app.include_router(api_router)
    app.include_router(pages_router)
    app.include_router(line_routes(service_lines()))
    app.include_router(ocpp_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Swagger UI 5 (reads OpenAPI 3.1, which the bundle of swagger-ui-bundle did not).
    swagger_ui = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/vendor/swagger-ui", StaticFiles(directory=swagger_ui), name="swagger-ui")
    app.mount("/vendor/leaflet", StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    app.mount("/vendor/plotly", StaticFiles(directory=plotly_dir()), name="plotly")
    return app


def _closing(
    runtime: Runtime, *, start: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if start:
            runtime.start_background()
        try:
            yield
        finally:
            runtime.close()

    return lifespan
