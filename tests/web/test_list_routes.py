"""Every list route of the application answers the page envelope, and its cursor works.

The routes are read from the application itself, so a new list route that answers a bare
JSON array (or any other shape) fails here without anyone having to add it to a list.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

import convergence
from convergence.web.api.pagination import Page
from tests.support import Territory
from tests.web.test_isolation import plant, route_calls, route_params

ENVELOPE = {"items", "next_cursor", "limit"}
# Routes whose {asset_id} must be an asset of a given kind among Versailles' planted ones.
ASSET_KIND_OF = {"/api/v1/charging/": "charge_point", "/api/v1/indicators/sites/": "counter"}
# Lists that answer one kind of person only, walked page by page in their own tests.
OWN_CALLER = {
    "/api/v1/video/vv/natinf": "a designated verbalising agent (tests/video/test_vv.py)",
}


def _app_routes(client: TestClient) -> list[Any]:
    return list(iter_route_contexts(client.app.routes))  # type: ignore[attr-defined]


def _answers_pages(route: Any) -> bool:
    model = getattr(route.route, "response_model", None)
    members = getattr(model, "__args__", (model,))  # `Page[X] | Other` answers pages too
    return any(isinstance(m, type) and issubclass(m, Page) for m in members)


def list_routes(client: TestClient) -> list[str]:
    """The paths of the GET routes of the JSON API that answer a page."""
    return sorted(
        r.path
        for r in _app_routes(client)
        if "GET" in (r.methods or ()) and r.path.startswith("/api/") and _answers_pages(r)
    )


def test_no_route_of_the_api_answers_a_bare_json_array(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    arrays = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("responses", {}).get("200", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            if method == "get" and schema.get("type") == "array":
                arrays.append(path)
    assert arrays == [], "answer Page[...] (convergence.web.api.pagination) instead of a list"


def test_the_known_lists_are_all_found(client: TestClient) -> None:
    found = list_routes(client)
    for path in ("/api/v1/alerts", "/api/v1/assets", "/api/v1/charging/sessions",
                 "/api/v1/dead-letters", "/api/v1/maintenance/tickets", "/api/v1/video/register",
                 "/api/public/v1/datasets"):  # fmt: skip
        assert path in found
    assert len(found) >= 39


def test_every_list_route_answers_the_envelope_and_follows_its_cursor(
    client: TestClient, territory: Territory
) -> None:
    """Called by the operator on Versailles' planted objects, one item a page."""
    planted = plant(client, territory)
    params = route_params(client, planted)
    calls = route_calls()
    headers = territory.operator.bearer("admin")
    problems = []
    walked_further = 0
    for path in list_routes(client):
        if path in OWN_CALLER:
            continue
        make = calls.get(("GET", path))
        query = (make(planted).query if make else None) or {}
        url = path.format(**(params | _asset_of_kind(client, headers, path)))
        first = client.get(url, params={**query, "limit": 1}, headers=headers)
        if first.status_code != 200 or not isinstance(first.json(), dict):
            problems.append(f"{path}: {first.status_code} {first.text[:200]}")
            continue
        body = first.json()
        if set(body) != ENVELOPE or body["limit"] != 1 or len(body["items"]) > 1:
            problems.append(f"{path}: not the envelope: {sorted(body)}")
            continue
        if body["next_cursor"] is None:
            continue
        walked_further += 1
        second = client.get(
            url, params={**query, "limit": 1, "cursor": body["next_cursor"]}, headers=headers
        )
        if second.status_code != 200 or set(second.json()) != ENVELOPE:
            problems.append(f"{path}: the cursor did not lead on ({second.status_code})")
        elif second.json()["items"] == body["items"]:
            problems.append(f"{path}: the second page repeats the first")
    assert problems == [], "\n".join(problems)
    assert walked_further >= 10  # the planting gives many lists a second page


def _asset_of_kind(client: TestClient, headers: dict[str, str], path: str) -> dict[str, int]:
    for prefix, kind in ASSET_KIND_OF.items():
        if path.startswith(prefix) and "{asset_id}" in path:
            found = client.get("/api/v1/assets", params={"kind": kind}, headers=headers).json()
            return {"asset_id": found["items"][0]["id"]}
    return {}


def test_one_model_is_called_page() -> None:
    # The API pages by cursor; the HTML pages and the CLI number their pages (OffsetWindow).
    root = Path(convergence.__file__).parent
    pages = [
        path.relative_to(root).as_posix()
        for path in sorted(root.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name == "Page"
    ]
    assert pages == ["web/api/pagination.py"]
