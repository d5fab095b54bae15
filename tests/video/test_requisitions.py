"""Requisitions and retention through a recorder connector (a segment-directory recorder)."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from pypdf import PdfReader

from convergence.members.roles import Role
from tests.support import Territory
from tests.video.planting import create_camera, create_system, grant
from tests.video.recordings import write_segment
from tests.web.session import log_in

NOW = datetime.now(UTC).replace(microsecond=0)


def _setup(client: TestClient, territory: Territory, root: Path) -> tuple[int, int]:
    versailles = territory.versailles
    system_id = create_system(
        client, versailles, "V", retention_days=10, recorder=f"segments:{root}"
    )
    camera = create_camera(client, versailles, "parvis", system_id=system_id, recorder_ref="cam1")
    return system_id, camera


def _requisition(
    client: TestClient, territory: Territory, system_id: int, camera: int, start: datetime
) -> int:
    response = client.post(
        "/api/v1/video/requisitions",
        headers=territory.versailles.bearer(),
        json={
            "system_id": system_id,
            "opj_name": "Capitaine Durand",
            "opj_service": "Commissariat de Versailles",
            "procedure_number": "2026/00417",
            "cameras": [camera],
            "window_start": start.isoformat(),
            "window_end": (start + timedelta(minutes=30)).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    requisition_id: int = response.json()["id"]
    return requisition_id


def test_a_requisition_is_extracted_hashed_and_its_receipt_carries_the_hash(
    client: TestClient, territory: Territory, tmp_path: Path
) -> None:
    root = tmp_path / "nvr"
    system_id, camera = _setup(client, territory, root)
    start = NOW - timedelta(days=2)
    segment = write_segment(root, "cam1", start + timedelta(minutes=5))
    write_segment(root, "cam1", start + timedelta(hours=5))  # outside the window
    requisition_id = _requisition(client, territory, system_id, camera, start)
    agent = territory.versailles.user(Role.technician)
    csrf = log_in(client, agent)
    refused = client.post(
        f"/api/v1/video/requisitions/{requisition_id}/extract", headers={"X-CSRF-Token": csrf}
    )
    assert refused.status_code == 403
    grant(client, territory.versailles, system_id=system_id, email=agent)
    extracted = client.post(
        f"/api/v1/video/requisitions/{requisition_id}/extract", headers={"X-CSRF-Token": csrf}
    )
    assert extracted.status_code == 200, extracted.text
    [export] = extracted.json()["exports"]
    assert export["sha256"] == hashlib.sha256(segment.read_bytes()).hexdigest()
    handed = client.post(
        f"/api/v1/video/requisitions/{requisition_id}/hand-over",
        headers={"X-CSRF-Token": csrf},
        json={"recipient": "Capitaine Durand"},
    )
    assert handed.json()["status"] == "handed_over"
    pdf = client.get(f"/api/v1/video/requisitions/{requisition_id}/receipt.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace(
        "\n", ""
    )
    assert export["sha256"] in text
    assert "2026/00417" in text
    lines = client.get("/api/v1/video/register", headers=territory.versailles.bearer()).json()[
        "items"
    ]
    actions = [(e["action"], e["outcome"], e["export_sha256"]) for e in reversed(lines)]
    assert actions == [
        ("legal_hold", "done", ""),
        ("extraction", "refused", ""),
        ("extraction", "granted", ""),
        ("extraction", "done", export["sha256"]),
        ("export", "done", export["sha256"]),
    ]


def test_the_purge_destroys_expired_footage_keeps_held_footage_and_registers_the_proof(
    client: TestClient, territory: Territory, tmp_path: Path
) -> None:
    root = tmp_path / "nvr"
    system_id, camera = _setup(client, territory, root)
    old = write_segment(root, "cam1", NOW - timedelta(days=12))
    held_start = NOW - timedelta(days=11)
    held = write_segment(root, "cam1", held_start + timedelta(minutes=5))
    recent = write_segment(root, "cam1", NOW - timedelta(days=3))
    requisition_id = _requisition(client, territory, system_id, camera, held_start)
    headers = territory.versailles.bearer()
    report = client.post(f"/api/v1/video/systems/{system_id}/purge", headers=headers).json()
    assert report == {
        "system_id": system_id,
        "cameras": 1,
        "purged": 1,
        "kept_on_hold": 1,
        "failed": 0,
        "overdue_cameras": [],
    }
    assert not old.exists()
    assert held.exists()
    assert recent.exists()
    [proof] = client.get(
        "/api/v1/video/register", headers=headers, params={"action": "purge"}
    ).json()["items"]
    assert proof["camera_asset_id"] == camera
    assert proof["agent"] == "system:retention"
    assert proof["details"]["recorder_answer"] == f"cam1/{old.name}: deleted"
    assert proof["clips"][0]["start"] == (NOW - timedelta(days=12)).isoformat()
    # Closing the requisition lifts the hold: the next purge destroys that footage too.
    client.post(f"/api/v1/video/requisitions/{requisition_id}/close", headers=headers)
    again = client.post(f"/api/v1/video/systems/{system_id}/purge", headers=headers).json()
    assert again["purged"] == 1
    assert not held.exists()
    assert recent.exists()


def test_footage_the_recorder_will_not_destroy_opens_a_critical_alert(
    client: TestClient, territory: Territory, tmp_path: Path
) -> None:
    root = tmp_path / "nvr"
    system_id, camera = _setup(client, territory, root)
    # A segment the recorder cannot delete: a directory where a file was expected.
    stuck = write_segment(root, "cam1", NOW - timedelta(days=20))
    stuck.unlink()
    stuck.mkdir()
    (stuck / "part").write_bytes(b"x")
    end = (NOW - timedelta(days=20) + timedelta(minutes=10)).timestamp()
    os.utime(stuck, (end, end))
    report = client.post(
        f"/api/v1/video/systems/{system_id}/purge", headers=territory.versailles.bearer()
    ).json()
    assert report["failed"] == 1
    assert report["overdue_cameras"] == [camera]
    items = client.get("/api/v1/alerts", headers=territory.versailles.bearer()).json()["items"]
    critical = [a for a in items if a["asset_id"] == camera and a["severity"] == "critical"]
    assert len(critical) == 1
    assert critical[0]["status"] == "firing"
    [proof] = client.get(
        "/api/v1/video/register", headers=territory.versailles.bearer(), params={"action": "purge"}
    ).json()["items"]
    assert proof["outcome"] == "failed"
