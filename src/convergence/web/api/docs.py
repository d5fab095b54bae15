"""The interactive API documentation, served from the locally installed Swagger UI.

The platform may run on an isolated network: no asset is fetched from a CDN. Swagger UI is
started by ``/static/js/swagger.js`` (FastAPI's own page starts it from an inline script,
which the Content-Security-Policy forbids).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>Convergence — API</title>
  <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
  <link rel="icon" href="/vendor/swagger-ui/favicon.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/static/js/swagger.js"></script>
</body>
</html>
"""


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return HTMLResponse(PAGE)
