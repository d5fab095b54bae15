"""Versailles' video-protection data, created through the API, for the video tests and the
isolation walk of tests/web/test_isolation.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from convergence.members.roles import Role
from convergence.members.tables import users
from convergence.video.tables import (
    video_access_requests,
    video_cameras,
    video_habilitations,
    video_requisitions,
    video_systems,
)
from tests.support import VERSAILLES_TOWN_HALL, MemberFixture, Territory

LON, LAT = VERSAILLES_TOWN_HALL
# A square of about 1.5 km around the town hall.
PERIMETER = {
    "type": "Polygon",
    "coordinates": [
        [
            [LON - 0.01, LAT - 0.007],
            [LON + 0.01, LAT - 0.007],
            [LON + 0.01, LAT + 0.007],
            [LON - 0.01, LAT + 0.007],
            [LON - 0.01, LAT - 0.007],
        ]
    ],
}
INSIDE = (LON + 0.002, LAT + 0.001)
OUTSIDE = (LON + 0.03, LAT + 0.002)  # still in Versailles, out of the perimeter


def create_system(client: TestClient, member: MemberFixture, label: str, **extra: Any) -> int:
    body = {
        "name": f"{label} centre-ville",
        "authorisation_number": f"{label}-2024-0042",
        "authorised_on": "2024-03-15",
        "purposes": ["public_buildings", "crime_prevention"],
        "retention_days": 15,
        "perimeter": PERIMETER,
        "signage": [
            {"place": f"{label} parvis de l'hôtel de ville", "text": "Espace vidéoprotégé"}
        ],
        "controller": f"{label} maire",
        "viewers": [f"{label} police municipale"],
    } | extra
    response = client.post("/api/v1/video/systems", headers=member.bearer(), json=body)
    assert response.status_code == 201, response.text
    system_id: int = response.json()["id"]
    return system_id


def create_camera(
    client: TestClient,
    member: MemberFixture,
    name: str,
    position: tuple[float, float] = INSIDE,
    *,
    system_id: int | None = None,
    recorder_ref: str | None = None,
) -> int:
    asset = client.post(
        "/api/v1/assets",
        headers=member.bearer(),
        json={
            "name": name,
            "kind": "camera",
            "domain": "video",
            "status": "active",
            "lon": position[0],
            "lat": position[1],
        },
    )
    assert asset.status_code == 201, asset.text
    asset_id: int = asset.json()["id"]
    if system_id is not None:
        link = client.put(
            f"/api/v1/video/cameras/{asset_id}",
            headers=member.bearer(),
            json={"system_id": system_id, "recorder_ref": recorder_ref},
        )
        assert link.status_code == 200, link.text
    return asset_id


def user_id(client: TestClient, email: str) -> int:
    engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        found: int = conn.execute(select(users.c.id).where(users.c.email == email)).scalar_one()
    return found


def grant(
    client: TestClient,
    member: MemberFixture,
    *,
    system_id: int,
    email: str,
    kind: str = "designated_agent",
    slots: list[dict[str, Any]] | None = None,
) -> int:
    now = datetime.now(UTC)
    response = client.post(
        "/api/v1/video/habilitations",
        headers=member.bearer(),
        json={
            "system_id": system_id,
            "user_id": user_id(client, email),
            "kind": kind,
            "valid_from": (now - timedelta(days=1)).isoformat(),
            "valid_until": (now + timedelta(days=365)).isoformat(),
            "slots": slots or [],
        },
    )
    assert response.status_code == 201, response.text
    habilitation_id: int = response.json()["id"]
    return habilitation_id


def plant_video(client: TestClient, territory: Territory, marker: str) -> dict[str, int]:
    """A Versailles system, a camera, a habilitation and a register line; their ids."""
    versailles = territory.versailles
    system_id = create_system(client, versailles, marker)
    camera_id = create_camera(client, versailles, f"{marker} caméra", system_id=system_id)
    email = versailles.user(Role.technician)
    grant(client, versailles, system_id=system_id, email=email)
    csrf_less = {"camera_asset_id": camera_id, "action": "live_view", "motive": "operations"}
    # An API token is never habilitated: this writes a refusal line into Versailles' register.
    client.post("/api/v1/video/access", headers=versailles.bearer(), json=csrf_less)
    now = datetime.now(UTC)
    response = client.post(
        "/api/v1/video/requisitions",
        headers=versailles.bearer(),
        json={
            "system_id": system_id,
            "opj_name": f"{marker} OPJ",
            "opj_service": marker,
            "procedure_number": f"{marker}-PV",
            "cameras": [camera_id],
            "window_start": (now - timedelta(hours=2)).isoformat(),
            "window_end": (now - timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    desk = client.post(
        "/api/v1/video/access-requests",
        headers=versailles.bearer(),
        json={
            "requester_name": f"{marker} demandeur",
            "requester_contact": f"{marker}@example.fr",
            "place": marker,
            "window_start": (now - timedelta(hours=2)).isoformat(),
            "window_end": (now - timedelta(hours=1)).isoformat(),
        },
    )
    assert desk.status_code == 201, desk.text
    return {"system_id": system_id, "camera_id": camera_id}


def video_params(client: TestClient) -> dict[str, object]:
    """Ids of the planted system, habilitation and requisition, for the walk's paths."""
    engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:

        def latest(table: Any) -> int:
            value: int = conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
            return value

        return {
            "system_id": latest(video_systems),
            "camera_id": conn.execute(
                select(func.coalesce(func.max(video_cameras.c.asset_id), 0))
            ).scalar_one(),
            "habilitation_id": latest(video_habilitations),
            "requisition_id": latest(video_requisitions),
            "access_request_id": latest(video_access_requests),
        }
