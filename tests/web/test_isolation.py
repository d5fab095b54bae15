"""Every API route, called by every role and token of other members, leaks nothing.

Versailles' data carries marker strings; no response to anyone else may contain them, no
write by anyone else may change them. A route missing from ROUTE_CALLS fails the walk, so a
new endpoint cannot ship without its isolation check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from convergence.members.roles import Role
from convergence.servicelines import service_lines
from tests.alerts.planting import alert_params, plant_alerts
from tests.charging.planting import charging_params, plant_charging
from tests.coordination.planting import plant_proposal, proposal_params
from tests.indicators.planting import plant_indicators
from tests.opendata.planting import opendata_params, plant_datasets
from tests.servicelines.walks import line_api_queries
from tests.support import VERSAILLES_TOWN_HALL, MemberFixture, Territory
from tests.web.ingest_planting import ingest_calls, ingest_params, plant_ingest
from tests.web.session import log_in

MARKER = "secret-versailles"
VERSAILLES_DEV_EUI = "A1B2C3D4E5F60718"


@dataclass
class Planted:
    member_id: int
    asset_id: int
    initiative_id: int
    token_id: int
    dead_letter_id: int


def plant(client: TestClient, territory: Territory) -> Planted:
    """Versailles' private data, with markers in every text field."""
    headers = territory.versailles.bearer()
    initiative = client.post(
        "/api/v1/initiatives",
        headers=headers,
        json={"name": f"{MARKER} projet", "domain": "air", "status": "planned"},
    ).json()
    asset = client.post(
        "/api/v1/assets",
        headers=headers,
        json={
            "name": f"{MARKER} capteur",
            "kind": "sensor",
            "domain": "air",
            "serial": f"{MARKER}-sn",
            "dev_eui": VERSAILLES_DEV_EUI,
            "lon": VERSAILLES_TOWN_HALL[0],
            "lat": VERSAILLES_TOWN_HALL[1],
            "initiative_id": initiative["id"],
            "tags": [MARKER],
        },
    ).json()
    token = client.post(
        f"/api/v1/members/{territory.versailles.id}/tokens",
        headers=headers,
        json={"name": f"{MARKER} jeton", "scopes": ["read"]},
    ).json()
    territory.versailles.user(Role.technician)
    plant_proposal(client, territory, MARKER)
    plant_alerts(client, territory, asset["id"], MARKER)
    plant_indicators(client, territory, MARKER)
    plant_charging(client, territory, MARKER)
    plant_datasets(client, territory.versailles, MARKER)
    plant_ingest(client, territory, MARKER)
    dead_letter_id = ingest_params(client, territory)["dead_letter_id"]
    return Planted(
        territory.versailles.id, asset["id"], initiative["id"], token["id"], dead_letter_id
    )


@dataclass
class Call:
    json: dict[str, Any] | None = None
    files: dict[str, Any] | None = None
    query: dict[str, Any] | None = None


NO_BODY = Call()
ROUTE_CALLS: dict[tuple[str, str], Callable[[Planted], Call]] = {
    ("GET", "/api/v1/members"): lambda p: NO_BODY,
    ("POST", "/api/v1/ingest"): lambda p: Call(json=ingest_calls(p.asset_id)["native"]),
    ("POST", "/api/v1/ingest/chirpstack"): lambda p: Call(
        json=ingest_calls(p.asset_id)["chirpstack"], query={"event": "up"}
    ),
    ("POST", "/api/v1/ingest/tts"): lambda p: Call(json=ingest_calls(p.asset_id)["tts"]),
    ("GET", "/api/v1/integrations"): lambda p: NO_BODY,
    ("POST", "/api/v1/integrations"): lambda p: Call(
        json=ingest_calls(p.asset_id)["integration"] | {"member_id": p.member_id}
    ),
    ("GET", "/api/v1/dead-letters"): lambda p: NO_BODY,
    ("GET", "/api/v1/dead-letters/{dead_letter_id}"): lambda p: NO_BODY,
    ("POST", "/api/v1/dead-letters/{dead_letter_id}/replay"): lambda p: NO_BODY,
    ("POST", "/api/v1/dead-letters/{dead_letter_id}/discard"): lambda p: NO_BODY,
    ("GET", "/api/v1/discovered-devices"): lambda p: NO_BODY,
    ("POST", "/api/v1/members"): lambda p: Call(
        json={"siren": "217806462", "name": "x", "kind": "commune", "insee": "78646"}
    ),
    ("GET", "/api/v1/members/{member_id}"): lambda p: NO_BODY,
    ("PATCH", "/api/v1/members/{member_id}"): lambda p: Call(json={"share_level": "none"}),
    ("GET", "/api/v1/members/{member_id}/users"): lambda p: NO_BODY,
    ("POST", "/api/v1/members/{member_id}/users"): lambda p: Call(
        json={"email": "intrus@example.fr", "role": "member_admin", "password": "x" * 12}
    ),
    ("GET", "/api/v1/tokens"): lambda p: NO_BODY,
    ("POST", "/api/v1/members/{member_id}/tokens"): lambda p: Call(
        json={"name": "intrus", "scopes": ["admin"]}
    ),
    ("POST", "/api/v1/tokens/{token_id}/revoke"): lambda p: NO_BODY,
    ("GET", "/api/v1/assets"): lambda p: NO_BODY,
    ("POST", "/api/v1/assets"): lambda p: Call(
        json={"name": "intrus", "kind": "sensor", "member_id": p.member_id}
    ),
    ("GET", "/api/v1/assets.csv"): lambda p: NO_BODY,
    ("POST", "/api/v1/assets/import"): lambda p: Call(
        query={"member_id": p.member_id},
        files={
            "file": (
                "a.csv",
                f"name,kind,lon,lat\nintrus,sensor,{VERSAILLES_TOWN_HALL[0]},"
                f"{VERSAILLES_TOWN_HALL[1]}\n".encode(),
                "text/csv",
            )
        },
    ),
    ("GET", "/api/v1/assets/{asset_id}"): lambda p: NO_BODY,
    ("PATCH", "/api/v1/assets/{asset_id}"): lambda p: Call(json={"name": "intrus"}),
    ("DELETE", "/api/v1/assets/{asset_id}"): lambda p: NO_BODY,
    ("GET", "/api/v1/device-models"): lambda p: NO_BODY,
    ("POST", "/api/v1/device-models"): lambda p: Call(
        json={"vendor": "intrus", "model": "x", "domain": "air"}
    ),
    ("GET", "/api/v1/initiatives"): lambda p: NO_BODY,
    ("POST", "/api/v1/initiatives"): lambda p: Call(
        json={"name": "intrus", "domain": "air", "member_id": p.member_id}
    ),
    ("GET", "/api/v1/initiatives/{initiative_id}"): lambda p: NO_BODY,
    ("GET", "/api/v1/coordination/overview"): lambda p: NO_BODY,
    ("POST", "/api/v1/coordination/proposals/generate"): lambda p: NO_BODY,
    ("GET", "/api/v1/coordination/proposals"): lambda p: NO_BODY,
    ("GET", "/api/v1/coordination/proposals/{proposal_id}"): lambda p: NO_BODY,
    ("POST", "/api/v1/coordination/proposals/{proposal_id}/status"): lambda p: Call(
        json={"status": "declined"}
    ),
    ("POST", "/api/v1/coordination/proposals/{proposal_id}/comments"): lambda p: Call(
        json={"body": "intrus"}
    ),
    ("GET", "/api/v1/series"): lambda p: NO_BODY,
    ("GET", "/api/v1/series/values"): lambda p: Call(query={"commune": "78646"}),
    ("GET", "/api/v1/series/{series_id}/values"): lambda p: NO_BODY,
    ("GET", "/api/v1/latest"): lambda p: NO_BODY,
    ("GET", "/api/v1/alert-rules"): lambda p: NO_BODY,
    ("POST", "/api/v1/alert-rules"): lambda p: Call(
        json={
            "name": "intrus",
            "member_id": p.member_id,
            "target_kind": "domain",
            "domain": "air",
            "params": {"kind": "silence", "max_silence_s": 600},
        }
    ),
    ("GET", "/api/v1/alert-rules/{rule_id}"): lambda p: NO_BODY,
    ("PATCH", "/api/v1/alert-rules/{rule_id}"): lambda p: Call(json={"name": "intrus"}),
    ("DELETE", "/api/v1/alert-rules/{rule_id}"): lambda p: NO_BODY,
    ("GET", "/api/v1/alerts"): lambda p: NO_BODY,
    ("GET", "/api/v1/alerts/{alert_id}"): lambda p: NO_BODY,
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"): lambda p: Call(json={"note": "intrus"}),
    ("POST", "/api/v1/alerts/{alert_id}/resolve"): lambda p: Call(json={"note": "intrus"}),
    ("GET", "/api/v1/alert-digest"): lambda p: Call(
        query={"day": "2026-11-28", "member_id": p.member_id}
    ),
    ("GET", "/api/v1/alert-subscriptions"): lambda p: NO_BODY,
    ("POST", "/api/v1/alert-subscriptions"): lambda p: Call(
        json={"channel": "webhook", "webhook_url": "http://127.0.0.1:9/x", "member_id": p.member_id}
    ),
    ("DELETE", "/api/v1/alert-subscriptions/{subscription_id}"): lambda p: NO_BODY,
    ("GET", "/api/v1/alert-deliveries"): lambda p: NO_BODY,
    ("GET", "/api/v1/alert-deliveries/{delivery_id}"): lambda p: NO_BODY,
    ("POST", "/api/v1/alert-deliveries/{delivery_id}/retry"): lambda p: NO_BODY,
    ("GET", "/api/v1/indicators/air"): lambda p: NO_BODY,
    ("GET", "/api/v1/indicators/noise"): lambda p: NO_BODY,
    ("GET", "/api/v1/indicators/traffic"): lambda p: NO_BODY,
    ("GET", "/api/v1/indicators/water"): lambda p: NO_BODY,
    ("GET", "/api/v1/indicators/lighting"): lambda p: NO_BODY,
    ("GET", "/api/v1/indicators/charging"): lambda p: NO_BODY,
    ("GET", "/api/v1/indicators/{domain}/compare"): lambda p: Call(query={"commune": "78646"}),
    ("GET", "/api/v1/indicators/sites/{asset_id}"): lambda p: NO_BODY,
    ("PUT", "/api/v1/indicators/sites/{asset_id}"): lambda p: Call(
        json={"kind": "water", "jaune": 1, "orange": 2, "rouge": 3}
    ),
    ("GET", "/api/v1/charging/charge-points"): lambda p: NO_BODY,
    ("GET", "/api/v1/charging/charge-points/{asset_id}"): lambda p: NO_BODY,
    ("PUT", "/api/v1/charging/charge-points/{asset_id}/station"): lambda p: Call(
        json={"station": {"name": "intrus"}, "connectors": []}
    ),
    ("PUT", "/api/v1/charging/charge-points/{asset_id}/password"): lambda p: Call(json={}),
    ("GET", "/api/v1/charging/charge-points/{asset_id}/events"): lambda p: NO_BODY,
    ("GET", "/api/v1/charging/sessions"): lambda p: NO_BODY,
    ("POST", "/api/v1/charging/{asset_id}/commands/{command}"): lambda p: Call(json={}),
    ("GET", "/api/v1/charging/{asset_id}/commands"): lambda p: NO_BODY,
    ("GET", "/api/v1/charging/commands/{command_id}"): lambda p: NO_BODY,
    ("GET", "/api/v1/charging/indicators"): lambda p: NO_BODY,
    ("POST", "/api/v1/charging/alert-rules"): lambda p: Call(query={"member_id": p.member_id}),
    ("GET", "/api/v1/charging/irve/static.csv"): lambda p: NO_BODY,
    ("GET", "/api/v1/charging/irve/dynamic.csv"): lambda p: NO_BODY,
    ("GET", "/api/v1/opendata/datasets"): lambda p: NO_BODY,
    ("POST", "/api/v1/opendata/datasets"): lambda p: Call(
        json={"kind": "air_daily", "member_id": p.member_id, "title": "intrus"}
    ),
    ("GET", "/api/v1/opendata/datasets/{dataset_id}"): lambda p: NO_BODY,
    ("PATCH", "/api/v1/opendata/datasets/{dataset_id}"): lambda p: Call(json={"title": "intrus"}),
    ("POST", "/api/v1/opendata/datasets/{dataset_id}/publish"): lambda p: NO_BODY,
    ("POST", "/api/v1/opendata/datasets/{dataset_id}/unpublish"): lambda p: NO_BODY,
    ("GET", "/api/v1/opendata/datasets/{dataset_id}/validation"): lambda p: NO_BODY,
    ("GET", "/api/v1/opendata/datasets/{dataset_id}/files/{file_name}"): lambda p: NO_BODY,
}


def route_calls() -> dict[tuple[str, str], Callable[[Planted], Call]]:
    """ROUTE_CALLS, and the JSON routes of the installed service lines (tests/servicelines)."""
    lines = {
        route: (lambda _, query=query: Call(query=query))
        for route, query in line_api_queries(service_lines()).items()
    }
    return ROUTE_CALLS | lines


def api_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every (method, path) of the JSON API, routers included at any depth."""
    contexts = iter_route_contexts(client.app.routes)  # type: ignore[attr-defined]
    return sorted(
        (method, context.path)
        for context in contexts
        if context.path.startswith("/api/v1")
        for method in (context.methods or ())
    )


def test_every_route_is_in_the_walk(client: TestClient) -> None:
    routes = api_routes(client)
    assert ("GET", "/api/v1/assets/{asset_id}") in routes  # the listing itself works
    calls = route_calls()
    missing = [r for r in routes if r not in calls]
    assert missing == [], "add these routes to ROUTE_CALLS in tests/web/test_isolation.py"
    stale = [r for r in calls if r not in routes]
    assert stale == [], "these ROUTE_CALLS entries name routes that no longer exist"


def walk(client: TestClient, planted: Planted, headers: dict[str, str]) -> list[str]:
    """Call every route against Versailles' objects; return what leaked or succeeded."""
    problems = []
    params = {
        "member_id": planted.member_id,
        "asset_id": planted.asset_id,
        "initiative_id": planted.initiative_id,
        "token_id": planted.token_id,
        **proposal_params(client),
        **alert_params(client),
        **charging_params(client),
        **opendata_params(client),
        "dead_letter_id": planted.dead_letter_id,
        "series_id": planted.asset_id,  # Versailles' series are walked in tests/timeseries
        "domain": "traffic",
    }
    for (method, path), make in route_calls().items():
        call = make(planted)
        response = client.request(
            method,
            path.format(**params),
            json=call.json,
            files=call.files,
            params=call.query,
            headers=headers,
        )
        if MARKER in response.text:
            problems.append(f"{method} {path} leaked Versailles data")
        if method != "GET" and response.status_code < 400 and not _refused_webhook(path, response):
            problems.append(f"{method} {path} succeeded ({response.status_code})")
    return problems


# Network-server webhooks answer 2xx even when they refuse, so the server does not retry.
WEBHOOKS = frozenset({"/api/v1/ingest/chirpstack", "/api/v1/ingest/tts"})


def _refused_webhook(path: str, response: Any) -> bool:
    return path in WEBHOOKS and response.json()["stored"] == 0 and bool(response.json()["refused"])


def assert_versailles_intact(client: TestClient, territory: Territory, planted: Planted) -> None:
    headers = territory.versailles.bearer()
    asset = client.get(f"/api/v1/assets/{planted.asset_id}", headers=headers)
    assert asset.status_code == 200
    assert asset.json()["name"] == f"{MARKER} capteur"
    tokens = client.get("/api/v1/tokens", headers=headers).json()
    assert all(t["revoked_at"] is None for t in tokens)
    member = client.get(f"/api/v1/members/{planted.member_id}", headers=headers).json()
    assert member["share_level"] == "aggregates"
    users = client.get(f"/api/v1/members/{planted.member_id}/users", headers=headers).json()
    assert all("intrus" not in u["email"] for u in users)


OTHERS = ("boulogne", "epci")


@pytest.mark.parametrize("other", OTHERS)
def test_tokens_of_other_members_see_and_change_nothing(
    client: TestClient, territory: Territory, other: str
) -> None:
    planted = plant(client, territory)
    member: MemberFixture = getattr(territory, other)
    for scope in ("ingest", "read", "admin"):
        assert walk(client, planted, member.bearer(scope)) == [], scope
    assert_versailles_intact(client, territory, planted)


@pytest.mark.parametrize("role", [Role.member_admin, Role.technician, Role.elected, Role.viewer])
def test_users_of_another_commune_see_and_change_nothing(
    client: TestClient, territory: Territory, role: Role
) -> None:
    planted = plant(client, territory)
    csrf = log_in(client, territory.boulogne.user(role))
    assert walk(client, planted, {"X-CSRF-Token": csrf}) == []
    assert_versailles_intact(client, territory, planted)


def test_anonymous_callers_get_401_everywhere(client: TestClient, territory: Territory) -> None:
    planted = plant(client, territory)
    params = {
        "member_id": planted.member_id,
        "asset_id": planted.asset_id,
        "initiative_id": planted.initiative_id,
        "token_id": planted.token_id,
        **proposal_params(client),
        **alert_params(client),
        **charging_params(client),
        **opendata_params(client),
        "dead_letter_id": planted.dead_letter_id,
        "series_id": planted.asset_id,  # Versailles' series are walked in tests/timeseries
        "domain": "traffic",
    }
    for (method, path), make in route_calls().items():
        call = make(planted)
        response = client.request(
            method, path.format(**params), json=call.json, files=call.files, params=call.query
        )
        assert response.status_code == 401, f"{method} {path}"


def test_session_writes_without_the_csrf_header_are_refused(
    client: TestClient, territory: Territory
) -> None:
    log_in(client, territory.versailles.user(Role.technician))
    response = client.post("/api/v1/assets", json={"name": "x", "kind": "sensor"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_the_operator_sees_every_member_through_its_explicit_scope(
    client: TestClient, territory: Territory
) -> None:
    planted = plant(client, territory)
    response = client.get(
        f"/api/v1/assets/{planted.asset_id}", headers=territory.operator.bearer("admin")
    )
    assert response.status_code == 200
    read_only = client.get(
        f"/api/v1/assets/{planted.asset_id}", headers=territory.operator.bearer("read")
    )
    assert read_only.status_code == 404


def test_elected_officials_and_viewers_read_but_do_not_write(
    client: TestClient, territory: Territory
) -> None:
    planted = plant(client, territory)
    for role in (Role.elected, Role.viewer):
        client.cookies.clear()
        csrf = log_in(client, territory.versailles.user(role))
        assert client.get(f"/api/v1/assets/{planted.asset_id}").status_code == 200
        response = client.patch(
            f"/api/v1/assets/{planted.asset_id}", json={"name": "x"}, headers={"X-CSRF-Token": csrf}
        )
        assert response.status_code == 403
