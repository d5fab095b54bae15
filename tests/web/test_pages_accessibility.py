"""Every page passes the first checks of an RGAA review, and loads nothing from elsewhere.

The walk covers every HTML page route of the application: a new page is audited as soon as
it exists (give its path parameters a value in PARAMETERS if it has any).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from convergence.members.roles import Role
from convergence.web import app as web_app
from tests.coordination.planting import plant_proposal, proposal_params
from tests.support import Territory
from tests.web.pages_support import add_asset, add_initiative, audit, log_in_as

NOT_PAGES = frozenset({"/docs", "/healthz", "/openapi.json"})
WEB_DIR = Path(web_app.__file__).parent
EXTERNAL_URL = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE)


def page_paths(client: TestClient, parameters: dict[str, int]) -> list[str]:
    """Every GET page of the app, with its path parameters filled in."""
    paths = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if not isinstance(route, APIRoute) or "GET" not in route.methods:
            continue
        path = route.path
        if path.startswith("/api/") or path in NOT_PAGES or path.endswith((".json", ".geojson")):
            continue
        names = re.findall(r"{(\w+)(?::\w+)?}", path)
        missing = [n for n in names if n not in parameters]
        assert not missing, f"give {missing} a value in PARAMETERS to audit {path}"
        paths.append(re.sub(r"{(\w+)(?::\w+)?}", lambda m: str(parameters[m.group(1)]), path))
    return paths


def plant(client: TestClient, territory: Territory) -> dict[str, int]:
    initiative = add_initiative(client, territory.versailles, "Air des écoles")
    asset = add_asset(client, territory.versailles, "Capteur", initiative_id=initiative["id"])
    plant_proposal(client, territory, "proposition")
    rule = {
        "name": "Seuil PM10",
        "target_kind": "asset",
        "asset_id": asset["id"],
        "params": {"kind": "threshold", "quantity": "pm10", "limit": 50},
    }
    created = client.post("/api/v1/alert-rules", headers=territory.versailles.bearer(), json=rule)
    assert created.status_code == 201, created.text
    return {
        "rule_id": created.json()["id"],
        **proposal_params(client),
        "asset_id": asset["id"],
        "initiative_id": initiative["id"],
        "member_id": territory.versailles.id,
    }


@pytest.mark.parametrize(
    ("member", "role"), [("operator", Role.operator_admin), ("versailles", Role.member_admin)]
)
def test_every_page_passes_the_accessibility_checks(
    client: TestClient, territory: Territory, member: str, role: Role
) -> None:
    parameters = plant(client, territory)
    log_in_as(client, getattr(territory, member), role)
    problems = {}
    for path in page_paths(client, parameters):
        response = client.get(path)
        assert response.status_code == 200, path
        found = audit(response.text).problems()
        if found:
            problems[path] = found
    assert problems == {}


def test_the_navigation_marks_the_current_section(client: TestClient, territory: Territory) -> None:
    log_in_as(client, territory.versailles, Role.member_admin)
    for path, section in (
        ("/carte", "/carte"),
        ("/inventaire/import", "/inventaire"),
        ("/projets", "/projets"),
        ("/admin/jetons", "/admin"),
    ):
        assert audit(client.get(path).text).current == [section], path


def test_error_pages_pass_the_checks_too(client: TestClient, territory: Territory) -> None:
    log_in_as(client, territory.versailles, Role.viewer)
    for path in ("/n-existe-pas", "/inventaire/999999", "/admin"):
        response = client.get(path)
        assert response.status_code in (403, 404)
        assert audit(response.text).problems() == [], path


def test_maps_have_a_text_alternative(client: TestClient, territory: Territory) -> None:
    asset = add_asset(client, territory.versailles, "Capteur")
    log_in_as(client, territory.versailles, Role.viewer)
    territory_map = client.get("/carte").text
    assert audit(territory_map).maps[0]["aria-describedby"] == "carte-aide"
    assert "<caption>Nombre d'équipements visibles par commune et par domaine" in territory_map
    asset_page = client.get(f"/inventaire/{asset['id']}").text
    assert audit(asset_page).maps[0]["aria-describedby"] == "position-texte"
    assert "Longitude 2.13010, latitude 48.80490 (WGS84), à Versailles." in asset_page


def test_no_template_or_script_loads_anything_from_another_origin() -> None:
    sources = [*WEB_DIR.glob("templates/**/*.html"), *WEB_DIR.glob("static/**/*.js")]
    assert len(sources) > 10
    offenders = [str(p) for p in sources if EXTERNAL_URL.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    for script in WEB_DIR.glob("static/**/*.js"):
        assert not re.search(r"https?://", script.read_text(encoding="utf-8")), script
