"""Habilitations checked at the moment of access; every attempt in the hash-chained register."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine, update

from convergence.members.roles import Role
from convergence.members.scope import MemberScope
from convergence.paris_time import PARIS
from convergence.video import access, register
from convergence.video.kinds import AccessAction, Motive
from convergence.video.schemas import AccessIn
from convergence.video.tables import video_register
from tests.support import Territory
from tests.video.planting import create_camera, create_system, grant, user_id
from tests.web.session import log_in

LIVE = {"action": "live_view", "motive": "operations"}


def test_an_agent_without_a_current_habilitation_is_refused_and_the_refusal_is_registered(
    client: TestClient, territory: Territory
) -> None:
    versailles = territory.versailles
    system_id = create_system(client, versailles, "V")
    camera = create_camera(client, versailles, "parvis", system_id=system_id)
    csrf = log_in(client, versailles.user(Role.technician))
    refused = client.post(
        "/api/v1/video/access",
        headers={"X-CSRF-Token": csrf},
        json=LIVE | {"camera_asset_id": camera},
    )
    assert refused.status_code == 403
    assert "habilitation" in refused.json()["error"]["message"]
    lines = client.get("/api/v1/video/register", headers=versailles.bearer()).json()["items"]
    assert [(e["action"], e["outcome"], e["camera_asset_id"]) for e in lines] == [
        ("live_view", "refused", camera)
    ]
    assert lines[0]["agent"].startswith("user:")
    assert lines[0]["details"]["reason"] == "no current habilitation for this system"


def test_a_designated_agent_is_granted_and_the_view_is_registered(
    client: TestClient, territory: Territory
) -> None:
    versailles = territory.versailles
    system_id = create_system(client, versailles, "V")
    camera = create_camera(client, versailles, "parvis", system_id=system_id)
    email = versailles.user(Role.technician)
    grant(client, versailles, system_id=system_id, email=email)
    csrf = log_in(client, email)
    now = datetime.now(UTC)
    replay = {
        "camera_asset_id": camera,
        "action": "replay",
        "motive": "judicial",
        "procedure_number": "PV 2026/118",
        "requester": "OPJ Martin, commissariat de Versailles",
        "start": (now - timedelta(hours=3)).isoformat(),
        "end": (now - timedelta(hours=2)).isoformat(),
    }
    granted = client.post("/api/v1/video/access", headers={"X-CSRF-Token": csrf}, json=replay)
    assert granted.status_code == 201, granted.text
    line = client.get("/api/v1/video/register", headers=versailles.bearer()).json()["items"][0]
    assert line["outcome"] == "granted"
    assert line["procedure_number"] == "PV 2026/118"
    assert line["clips"][0]["camera_asset_id"] == str(camera)
    assert line["agent_name"] == "technician"


def test_api_tokens_never_view_images(client: TestClient, territory: Territory) -> None:
    system_id = create_system(client, territory.versailles, "V")
    camera = create_camera(client, territory.versailles, "parvis", system_id=system_id)
    response = client.post(
        "/api/v1/video/access",
        headers=territory.versailles.bearer(),
        json=LIVE | {"camera_asset_id": camera},
    )
    assert response.status_code == 403


def _slot_around(moment: datetime, *, shift_days: int = 0) -> dict[str, object]:
    local = moment.astimezone(PARIS) + timedelta(days=shift_days)
    start = max(local - timedelta(hours=1), local.replace(hour=0, minute=0))
    end = min(local + timedelta(hours=1), local.replace(hour=23, minute=59))
    return {
        "weekday": local.weekday(),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


def test_a_pooled_operator_sees_a_communes_cameras_only_inside_its_slot(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    operator_agent = territory.operator.user(Role.technician)
    versailles, boulogne = territory.versailles, territory.boulogne
    v_system = create_system(client, versailles, "V")
    v_camera = create_camera(client, versailles, "parvis", system_id=v_system)
    b_system = create_system(client, boulogne, "B", perimeter=None)
    b_camera = create_camera(client, boulogne, "pont", (2.2399, 48.8353), system_id=b_system)
    now = datetime.now(UTC)
    # Versailles delegates the current hour, Boulogne the same hour but tomorrow.
    grant(client, versailles, system_id=v_system, email=operator_agent,
          kind="pooled_operator", slots=[_slot_around(now)])  # fmt: skip
    grant(client, boulogne, system_id=b_system, email=operator_agent,
          kind="pooled_operator", slots=[_slot_around(now, shift_days=1)])  # fmt: skip
    csrf = log_in(client, operator_agent)
    visible = client.get("/api/v1/video/watch/cameras").json()["items"]
    assert [c["asset_id"] for c in visible] == [v_camera]
    headers = {"X-CSRF-Token": csrf}
    ok = client.post(
        "/api/v1/video/access", headers=headers, json=LIVE | {"camera_asset_id": v_camera}
    )
    assert ok.status_code == 201
    out = client.post(
        "/api/v1/video/access", headers=headers, json=LIVE | {"camera_asset_id": b_camera}
    )
    assert out.status_code == 403
    # Tomorrow at the same time, the slots swap.
    scope = MemberScope(
        member_id=territory.operator.id, actor=f"user:{user_id(client, operator_agent)}"
    )
    later = now + timedelta(days=1)
    with engine.begin() as conn:
        for camera, expected in ((v_camera, False), (b_camera, True)):
            data = AccessIn(
                camera_asset_id=camera, action=AccessAction.live_view, motive=Motive.operations
            )
            assert access.decide(conn, scope=scope, data=data, at=later).granted is expected
        assert [c.asset_id for c in access.watchable_cameras(conn, scope=scope, at=later)] == [
            b_camera
        ]


def test_the_register_is_chained_and_a_changed_line_breaks_it(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    versailles = territory.versailles
    system_id = create_system(client, versailles, "V")
    camera = create_camera(client, versailles, "parvis", system_id=system_id)
    csrf = log_in(client, versailles.user(Role.viewer))
    for _ in range(3):
        client.post(
            "/api/v1/video/access",
            headers={"X-CSRF-Token": csrf},
            json=LIVE | {"camera_asset_id": camera},
        )
    check = client.get("/api/v1/video/register/check", headers=versailles.bearer()).json()
    assert check == {
        "member_id": versailles.id,
        "checked": 3,
        "intact": True,
        "broken_entry_id": None,
        "reason": "",
    }
    lines = client.get("/api/v1/video/register", headers=versailles.bearer()).json()["items"]
    with engine.begin() as conn:
        conn.execute(
            update(video_register)
            .where(video_register.c.id == lines[1]["id"])
            .values(motive="training")
        )
        broken = register.verify(conn, member_id=versailles.id)
    assert not broken.intact
    assert broken.broken_entry_id == lines[1]["id"]
    assert broken.reason == "content was modified after it was written"


def test_lines_older_than_three_years_expire(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    system_id = create_system(client, territory.versailles, "V")
    camera = create_camera(client, territory.versailles, "parvis", system_id=system_id)
    csrf = log_in(client, territory.versailles.user(Role.viewer))
    client.post(
        "/api/v1/video/access",
        headers={"X-CSRF-Token": csrf},
        json=LIVE | {"camera_asset_id": camera},
    )
    with engine.begin() as conn:
        assert register.expire(conn, now=datetime.now(UTC) + timedelta(days=3 * 365 - 2)) == 0
        assert register.expire(conn, now=datetime.now(UTC) + timedelta(days=3 * 366)) == 1


def test_the_register_exports_as_csv_and_pdf(client: TestClient, territory: Territory) -> None:
    versailles = territory.versailles
    system_id = create_system(client, versailles, "V")
    camera = create_camera(client, versailles, "parvis", system_id=system_id)
    csrf = log_in(client, versailles.user(Role.viewer))
    client.post(
        "/api/v1/video/access",
        headers={"X-CSRF-Token": csrf},
        json=LIVE | {"camera_asset_id": camera},
    )
    csv_text = client.get("/api/v1/video/register.csv", headers=versailles.bearer()).text
    header, row = csv_text.strip().splitlines()
    assert header.startswith("id,ts,agent,agent_name,action,outcome,motive,procedure_number")
    assert ",live_view,refused,operations," in row
    pdf = client.get("/api/v1/video/register.pdf", headers=versailles.bearer())
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Registre des accès aux images" in text
    assert "Visionnage en direct" in text
