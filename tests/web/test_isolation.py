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
from tests.maintenance.isolation_planting import maintenance_params, plant_maintenance
from tests.opendata.planting import opendata_params, plant_datasets
from tests.servicelines.walks import line_api_queries
from tests.support import VERSAILLES_TOWN_HALL, MemberFixture, Territory
from tests.video.planting import PERIMETER, plant_video, video_params
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
    video: dict[str, int]


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
    period = client.post(
        f"/api/v1/assets/{asset['id']}/quality-periods",
        headers=headers,
        json={
            "start": "2026-11-01T00:00:00Z",
            "end": "2026-12-01T00:00:00Z",
            "valid": False,
            "reason": "maintenance",
            "note": f"{MARKER} maintenance",
        },
    )
    assert period.status_code == 201, period.text
    # A value of the maintenance period: stored, set aside, listed with the asset's name.
    sent = client.post(
        "/api/v1/ingest",
        headers=territory.versailles.bearer("ingest"),
        json={
            "readings": [
                {
                    "device": f"{MARKER}-sn",
                    "ts": "2026-11-20T10:00:00Z",
                    "quantity": "no2",
                    "value": 20,
                }
            ]
        },
    )
    assert sent.status_code == 200, sent.text
    query = {"first": "2026-11-01", "last": "2026-11-30", "asset_id": asset["id"]}
    aside = client.get("/api/v1/set-aside/readings", headers=headers, params=query).json()["items"]
    assert [r["asset_name"] for r in aside] == [f"{MARKER} capteur"]
    plant_proposal(client, territory, MARKER)
    plant_alerts(client, territory, asset["id"], MARKER)
    plant_indicators(client, territory, MARKER)
    plant_charging(client, territory, MARKER)
    plant_datasets(client, territory.versailles, MARKER)
    plant_ingest(client, territory, MARKER)
    video = plant_video(client, territory, MARKER)
    plant_maintenance(client, territory, MARKER)
    dead_letter_id = ingest_params(client, territory)["dead_letter_id"]
    return Planted(
        territory.versailles.id, asset["id"], initiative["id"], token["id"], dead_letter_id, video
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
    ("GET", "/api/v1/decoders/suspended"): lambda p: NO_BODY,
    ("DELETE", "/api/v1/decoders/suspended/{codec}"): lambda p: NO_BODY,
    ("POST", "/api/v1/decoders/try"): lambda p: Call(
        json={"codec": "cayenne-lpp", "fport": 1, "payload_hex": "0167011003687f"}
    ),
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
    ("GET", "/api/v1/assets/{asset_id}/quality-periods"): lambda p: NO_BODY,
    ("POST", "/api/v1/assets/{asset_id}/quality-periods"): lambda p: Call(
        json={
            "start": "2026-11-01T00:00:00Z",
            "end": "2026-11-02T00:00:00Z",
            "valid": False,
            "note": "intrus",
        }
    ),
    ("GET", "/api/v1/set-aside"): lambda p: Call(
        query={"first": "2026-11-01", "last": "2026-11-30", "asset_id": p.asset_id}
    ),
    ("GET", "/api/v1/set-aside/readings"): lambda p: Call(
        query={"first": "2026-11-01", "last": "2026-11-30", "asset_id": p.asset_id}
    ),
    ("GET", "/api/v1/device-models"): lambda p: NO_BODY,
    ("POST", "/api/v1/device-models"): lambda p: Call(
        json={"vendor": "intrus", "model": "x", "domain": "air"}
    ),
    ("PATCH", "/api/v1/device-models/{device_model_id}"): lambda p: Call(
        json={"field_map": {"intrus": {"quantity": "temperature"}}}
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
        json={
            "channel": "webhook",
            "webhook_url": "https://hooks.example/x",
            "member_id": p.member_id,
        }
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
    ("GET", "/api/v1/video/vv/categories"): lambda p: NO_BODY,
    ("PUT", "/api/v1/video/vv/natinf"): lambda p: Call(
        files={"natinf": ("natinf.csv", b"natinf;libelle;categorie;vehicule_a_l_arret\n")}
    ),
    ("GET", "/api/v1/video/vv/natinf"): lambda p: Call(query={"member_id": p.member_id}),
    ("GET", "/api/v1/video/vv/agents"): lambda p: NO_BODY,
    ("POST", "/api/v1/video/vv/agents"): lambda p: Call(
        json={"member_id": p.member_id, "user_id": 1, "competence": "municipal_police"}
    ),
    ("POST", "/api/v1/video/vv/findings"): lambda p: Call(
        files={
            "snapshots": ("1.jpg", b"\xff\xd8\xff" + b"x" * 10, "image/jpeg"),
            "camera_asset_id": (None, str(p.asset_id)),
            "natinf_code": (None, "1"),
            "taken_at": (None, "2026-06-01T10:00:00+00:00"),
        }
    ),
    ("GET", "/api/v1/video/vv/statistics"): lambda p: NO_BODY,
    ("GET", "/api/v1/video/availability"): lambda p: NO_BODY,
    ("GET", "/api/v1/video/systems"): lambda p: NO_BODY,
    ("POST", "/api/v1/video/systems"): lambda p: Call(json=intruding_system(p.member_id)),
    ("GET", "/api/v1/video/systems/{system_id}"): lambda p: NO_BODY,
    ("PATCH", "/api/v1/video/systems/{system_id}"): lambda p: Call(json={"name": "intrus"}),
    ("GET", "/api/v1/video/cameras"): lambda p: NO_BODY,
    ("PUT", "/api/v1/video/cameras/{camera_id}"): lambda p: Call(json={"system_id": None}),
    ("GET", "/api/v1/video/habilitations"): lambda p: NO_BODY,
    ("POST", "/api/v1/video/habilitations"): lambda p: Call(
        json=intruding_habilitation(p.video["system_id"])
    ),
    ("POST", "/api/v1/video/habilitations/{habilitation_id}/revoke"): lambda p: NO_BODY,
    ("GET", "/api/v1/video/watch/cameras"): lambda p: NO_BODY,
    ("POST", "/api/v1/video/access"): lambda p: Call(
        json={
            "camera_asset_id": p.video["camera_id"],
            "action": "live_view",
            "motive": "operations",
        }
    ),
    ("GET", "/api/v1/video/register"): lambda p: Call(query={"member_id": p.member_id}),
    ("GET", "/api/v1/video/register.csv"): lambda p: NO_BODY,
    ("GET", "/api/v1/video/register.pdf"): lambda p: NO_BODY,
    ("GET", "/api/v1/video/register/check"): lambda p: Call(query={"member_id": p.member_id}),
    ("POST", "/api/v1/video/systems/{system_id}/purge"): lambda p: NO_BODY,
    ("GET", "/api/v1/video/requisitions"): lambda p: NO_BODY,
    ("POST", "/api/v1/video/requisitions"): lambda p: Call(
        json={
            "system_id": p.video["system_id"],
            "opj_name": "intrus",
            "opj_service": "intrus",
            "procedure_number": "intrus",
            "cameras": [p.video["camera_id"]],
            "window_start": "2026-01-01T00:00:00Z",
            "window_end": "2026-01-01T01:00:00Z",
        }
    ),
    ("GET", "/api/v1/video/requisitions/{requisition_id}"): lambda p: NO_BODY,
    ("POST", "/api/v1/video/requisitions/{requisition_id}/extract"): lambda p: NO_BODY,
    ("POST", "/api/v1/video/requisitions/{requisition_id}/hand-over"): lambda p: Call(
        json={"recipient": "intrus"}
    ),
    ("GET", "/api/v1/video/requisitions/{requisition_id}/receipt.pdf"): lambda p: NO_BODY,
    ("POST", "/api/v1/video/requisitions/{requisition_id}/close"): lambda p: NO_BODY,
    ("GET", "/api/v1/video/access-requests"): lambda p: NO_BODY,
    ("POST", "/api/v1/video/access-requests"): lambda p: Call(
        json={
            "member_id": p.member_id,
            "requester_name": "intrus",
            "requester_contact": "intrus",
            "place": "intrus",
            "window_start": "2026-01-01T00:00:00Z",
            "window_end": "2026-01-01T01:00:00Z",
        }
    ),
    ("POST", "/api/v1/video/access-requests/{access_request_id}/answer"): lambda p: Call(
        json={"granted": True}
    ),
    ("GET", "/api/v1/maintenance/contractors"): lambda p: NO_BODY,
    ("POST", "/api/v1/maintenance/contractors"): lambda p: Call(
        json={"name": "intrus", "email": "intrus@example.fr"}
    ),
    ("POST", "/api/v1/maintenance/contractors/{contractor_id}/users"): lambda p: Call(
        json={"user_id": 1}
    ),
    ("GET", "/api/v1/maintenance/contracts"): lambda p: NO_BODY,
    ("POST", "/api/v1/maintenance/contracts"): lambda p: Call(
        json={
            "member_id": p.member_id,
            "contractor_id": 1,
            "reference": "intrus",
            "title": "intrus",
            "intervention_delay_min": 1,
            "restoration_delay_min": 1,
            "starts_on": "2026-01-01",
            "asset_ids": [p.asset_id],
        }
    ),
    ("GET", "/api/v1/maintenance/contracts/{contract_id}"): lambda p: NO_BODY,
    ("GET", "/api/v1/maintenance/tickets"): lambda p: NO_BODY,
    ("POST", "/api/v1/maintenance/tickets"): lambda p: Call(
        json={"asset_id": p.asset_id, "title": "intrus"}
    ),
    ("GET", "/api/v1/maintenance/tickets/{ticket_id}"): lambda p: NO_BODY,
    ("GET", "/api/v1/maintenance/tickets/{ticket_id}/history"): lambda p: NO_BODY,
    ("POST", "/api/v1/maintenance/tickets/{ticket_id}/acknowledge"): lambda p: Call(json={}),
    ("POST", "/api/v1/maintenance/tickets/{ticket_id}/pause"): lambda p: Call(json={}),
    ("POST", "/api/v1/maintenance/tickets/{ticket_id}/resume"): lambda p: Call(json={}),
    ("POST", "/api/v1/maintenance/tickets/{ticket_id}/restore"): lambda p: Call(json={}),
    ("POST", "/api/v1/maintenance/tickets/{ticket_id}/close"): lambda p: Call(json={}),
    ("GET", "/api/v1/maintenance/tickets/{ticket_id}/exclusions"): lambda p: NO_BODY,
    ("POST", "/api/v1/maintenance/tickets/{ticket_id}/exclusions"): lambda p: Call(
        json={
            "reason": "vandalism",
            "started_at": "2026-01-01T00:00:00Z",
            "ended_at": "2026-01-02T00:00:00Z",
            "evidence": "intrus intrus",
        }
    ),
    ("GET", "/api/v1/maintenance/tickets/{ticket_id}/interventions"): lambda p: NO_BODY,
    ("POST", "/api/v1/maintenance/tickets/{ticket_id}/interventions"): lambda p: Call(
        files={"notes": (None, "intrus")}
    ),
    ("GET", "/api/v1/maintenance/photos/{photo_id}"): lambda p: NO_BODY,
    ("GET", "/api/v1/maintenance/assets/{asset_id}/report-link"): lambda p: NO_BODY,
    ("GET", "/api/v1/maintenance/assets/{asset_id}/report-qr.png"): lambda p: NO_BODY,
    ("GET", "/api/v1/maintenance/assets/{asset_id}/report-qr.svg"): lambda p: NO_BODY,
    ("GET", "/api/v1/maintenance/inspections"): lambda p: NO_BODY,
    ("POST", "/api/v1/maintenance/inspections"): lambda p: Call(
        json={"asset_id": p.asset_id, "due_on": "2027-01-01"}
    ),
    ("POST", "/api/v1/maintenance/inspections/{inspection_id}/done"): lambda p: Call(
        json={"done_on": "2026-12-01", "inspector": "intrus", "marking": "intrus"}
    ),
    ("GET", "/api/v1/maintenance/reports/monthly.csv"): lambda p: Call(query={"month": "2026-12"}),
    ("GET", "/api/v1/maintenance/reports/monthly.pdf"): lambda p: Call(query={"month": "2026-12"}),
}


def intruding_system(member_id: int) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "name": "intrus",
        "authorisation_number": "intrus",
        "authorised_on": "2024-01-01",
        "purposes": ["crime_prevention"],
        "retention_days": 30,
        "perimeter": PERIMETER,
        "controller": "intrus",
    }


def intruding_habilitation(system_id: int) -> dict[str, Any]:
    """A habilitation for user 1 on Versailles' system."""
    return {
        "system_id": system_id,
        "user_id": 1,
        "kind": "designated_agent",
        "valid_from": "2026-01-01T00:00:00Z",
        "valid_until": "2030-01-01T00:00:00Z",
    }


def route_calls() -> dict[tuple[str, str], Callable[[Planted], Call]]:
    """ROUTE_CALLS, and the JSON routes of the installed service lines (tests/servicelines)."""
    lines = {
        route: (lambda _, query=query: Call(query=query))
        for route, query in line_api_queries(service_lines()).items()
    }
    return lines | ROUTE_CALLS  # an explicit call (with its body) wins over a bare query


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


def route_params(client: TestClient, planted: Planted) -> dict[str, Any]:
    """The path parameters of every route, naming Versailles' planted objects."""
    return {
        "member_id": planted.member_id,
        "asset_id": planted.asset_id,
        "initiative_id": planted.initiative_id,
        "token_id": planted.token_id,
        **proposal_params(client),
        **alert_params(client),
        **charging_params(client),
        **opendata_params(client),
        **video_params(client),
        **maintenance_params(client),
        "dead_letter_id": planted.dead_letter_id,
        "device_model_id": 1,  # the shared catalogue: only the operator changes it
        "series_id": planted.asset_id,  # Versailles' series are walked in tests/timeseries
        "domain": "traffic",
        "codec": "js-suspended",  # the operator's: only the operator lifts a suspension
    }


def walk(client: TestClient, planted: Planted, headers: dict[str, str]) -> list[str]:
    """Call every route against Versailles' objects; return what leaked or succeeded."""
    problems = []
    params = route_params(client, planted)
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
        if (
            method != "GET"
            and response.status_code < 400
            and path not in STATELESS
            and not _refused_webhook(path, response)
        ):
            problems.append(f"{method} {path} succeeded ({response.status_code})")
    return problems


# Routes that compute an answer from the request alone, reading and changing no member's data:
# their success is no breach (a leak of Versailles' markers still is).
STATELESS = frozenset({"/api/v1/decoders/try"})
# Network-server webhooks answer 2xx even when they refuse, so the server does not retry.
WEBHOOKS = frozenset({"/api/v1/ingest/chirpstack", "/api/v1/ingest/tts"})


def _refused_webhook(path: str, response: Any) -> bool:
    return path in WEBHOOKS and response.json()["stored"] == 0 and bool(response.json()["refused"])


def assert_versailles_intact(client: TestClient, territory: Territory, planted: Planted) -> None:
    headers = territory.versailles.bearer()
    asset = client.get(f"/api/v1/assets/{planted.asset_id}", headers=headers)
    assert asset.status_code == 200
    assert asset.json()["name"] == f"{MARKER} capteur"
    tokens = client.get("/api/v1/tokens", headers=headers).json()["items"]
    assert all(t["revoked_at"] is None for t in tokens)
    member = client.get(f"/api/v1/members/{planted.member_id}", headers=headers).json()
    assert member["share_level"] == "aggregates"
    users = client.get(f"/api/v1/members/{planted.member_id}/users", headers=headers).json()[
        "items"
    ]
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
    params = route_params(client, planted)
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


def test_a_contractor_of_another_company_sees_and_changes_nothing(
    client: TestClient, territory: Territory
) -> None:
    planted = plant(client, territory)
    operator = territory.operator.bearer()
    company = client.post(
        "/api/v1/maintenance/contractors",
        headers=operator,
        json={"name": "Autre Prestataire", "email": "b@autre.example"},
    ).json()
    email = territory.boulogne.user(Role.contractor)
    users = client.get(f"/api/v1/members/{territory.boulogne.id}/users", headers=operator).json()[
        "items"
    ]
    user_id = next(u["id"] for u in users if u["email"] == email)
    response = client.post(
        f"/api/v1/maintenance/contractors/{company['id']}/users",
        headers=operator,
        json={"user_id": user_id},
    )
    assert response.status_code == 204, response.text
    csrf = log_in(client, email)
    assert walk(client, planted, {"X-CSRF-Token": csrf}) == []
    assert_versailles_intact(client, territory, planted)
