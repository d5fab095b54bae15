"""Every answer carries the security headers; no page runs an inline script (finding 6, #13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.members.roles import Role
from convergence.settings import Environment, Settings
from convergence.web.app import create_app
from convergence.web.security_headers import tile_origin
from tests.support import Territory
from tests.web.pages_support import log_in_as

TEMPLATES = Path(__file__).parents[2] / "src" / "convergence" / "web" / "templates"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
PATHS = ["/", "/connexion", "/docs", "/healthz", "/static/css/convergence.css", "/api/v1/assets"]


def inline_scripts(html: str) -> list[str]:
    """Script tags that carry code in the page (JSON data blocks do not run)."""
    return [
        attributes
        for attributes in SCRIPT_TAG.findall(html)
        if "src=" not in attributes and 'type="application/json"' not in attributes
    ]


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_headers(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    policy = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in response.headers  # not in tests (plain HTTP)


def test_production_adds_hsts(settings: Settings, engine: Engine) -> None:
    production = settings.model_copy(update={"environment": Environment.production})
    with TestClient(create_app(production, engine=engine)) as client:
        response = client.get("/connexion")
    assert response.headers["strict-transport-security"].startswith("max-age=63072000")


def test_no_template_holds_an_inline_script_or_handler() -> None:
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text()
        found += [f"{template.name}: <script{a}>" for a in inline_scripts(text)]
        found += [f"{template.name}: {m}" for m in EVENT_ATTRIBUTE.findall(text)]
    assert found == []


@pytest.mark.parametrize("path", ["/docs", "/tableau-de-bord", "/carte", "/inventaire"])
def test_pages_as_served_hold_no_inline_script(
    client: TestClient, territory: Territory, path: str
) -> None:
    log_in_as(client, territory.versailles, Role.technician)
    page = client.get(path).text
    assert inline_scripts(page) == []
    assert EVENT_ATTRIBUTE.findall(page) == []


def test_the_api_documentation_starts_from_a_file(client: TestClient) -> None:
    assert '<script src="/static/js/swagger.js">' in client.get("/docs").text
    assert "SwaggerUIBundle(" in client.get("/static/js/swagger.js").text


def test_the_tile_server_is_allowed_for_images() -> None:
    assert tile_origin("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://*.tile.openstreetmap.org"
    )
    assert tile_origin("https://tuiles.syndicat.fr/{z}/{x}/{y}.png") == "https://tuiles.syndicat.fr"
    assert tile_origin(None) is None
