"""Against a real ZoneMinder recording simulated RTSP cameras (see tests/video/zoneminder.py)."""

from __future__ import annotations

import hashlib
import io
from contextlib import closing
from datetime import UTC, datetime, timedelta

import httpx
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine

from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from convergence.settings import Settings
from convergence.video import queries, retention
from convergence.video.connectors.factory import connector_for
from convergence.video.connectors.zoneminder import ZoneMinderRecorder
from tests.support import Territory
from tests.video.planting import create_camera, create_system, grant
from tests.video.zoneminder import ZoneMinder, _wait_for_events
from tests.web.session import log_in

ZM_TIME = "%Y-%m-%d %H:%M:%S"


def _utc(text: str) -> datetime:
    return datetime.strptime(text, ZM_TIME).replace(tzinfo=UTC)


def _download(zm: ZoneMinder, event_id: str) -> bytes:
    response = httpx.get(
        f"{zm.url}/index.php", params={"view": "view_video", "eid": event_id}, timeout=30
    )
    assert response.headers["content-type"] == "video/mp4"
    return response.content


def test_the_connector_lists_and_exports_zoneminder_events(zoneminder: ZoneMinder) -> None:
    monitor_id = next(iter(zoneminder.monitors.values()))
    recorder = ZoneMinderRecorder(zoneminder.url)
    now = datetime.now(UTC)
    recordings = recorder.list_recordings(str(monitor_id), now - timedelta(hours=1), now)
    finished = zoneminder.finished_events(monitor_id)
    assert {r.ref for r in recordings} >= {str(e["Id"]) for e in finished[:3]}
    first = recordings[0]
    assert first.camera_ref == str(monitor_id)
    assert timedelta(seconds=5) <= first.end - first.start <= timedelta(seconds=20)
    clip = recorder.export_clip(first)
    assert clip.content[4:8] == b"ftyp"  # an MP4 file
    assert (
        hashlib.sha256(clip.content).digest()
        == hashlib.sha256(_download(zoneminder, first.ref)).digest()
    )
    recorder.close()


def test_a_requisition_extracted_from_zoneminder_carries_the_files_sha256(
    client: TestClient, territory: Territory, zoneminder: ZoneMinder, settings: Settings
) -> None:
    monitor_id = next(iter(zoneminder.monitors.values()))
    event = zoneminder.finished_events(monitor_id)[0]
    versailles = territory.versailles
    system_id = create_system(
        client, versailles, "ZM", recorder=f"zoneminder:{zoneminder.url}", retention_days=1
    )
    camera = create_camera(
        client, versailles, "parvis", system_id=system_id, recorder_ref=str(monitor_id)
    )
    agent = versailles.user(Role.technician)
    grant(client, versailles, system_id=system_id, email=agent)
    requisition = client.post(
        "/api/v1/video/requisitions",
        headers=versailles.bearer(),
        json={
            "system_id": system_id,
            "opj_name": "Lieutenant Petit",
            "opj_service": "Brigade de gendarmerie",
            "procedure_number": "2026/ZM/7",
            "cameras": [camera],
            "window_start": (_utc(event["StartDateTime"]) + timedelta(seconds=1)).isoformat(),
            "window_end": (_utc(event["EndDateTime"]) - timedelta(seconds=1)).isoformat(),
        },
    ).json()
    csrf = {"X-CSRF-Token": log_in(client, agent)}
    base = f"/api/v1/video/requisitions/{requisition['id']}"
    extracted = client.post(f"{base}/extract", headers=csrf)
    assert extracted.status_code == 200, extracted.text
    [export] = extracted.json()["exports"]
    assert export["recording_ref"] == str(event["Id"])
    kept = settings.data_dir / "video-exports" / f"requisition-{requisition['id']}"
    stored = (kept / export["file_name"]).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == export["sha256"]
    assert hashlib.sha256(_download(zoneminder, str(event["Id"]))).hexdigest() == export["sha256"]
    client.post(f"{base}/hand-over", headers=csrf, json={"recipient": "Lieutenant Petit"})
    pdf = client.get(f"{base}/receipt.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert export["sha256"] in text.replace("\n", "")


def test_the_purge_destroys_expired_zoneminder_events_but_not_held_ones(
    client: TestClient, territory: Territory, zoneminder: ZoneMinder, engine: Engine
) -> None:
    monitor_id = list(zoneminder.monitors.values())[1]
    _wait_for_events(zoneminder, minimum=2)  # one held, one or more expired
    events = zoneminder.finished_events(monitor_id)
    held = events[1]
    versailles = territory.versailles
    system_id = create_system(
        client, versailles, "ZM", recorder=f"zoneminder:{zoneminder.url}", retention_days=1
    )
    camera = create_camera(
        client, versailles, "gare", system_id=system_id, recorder_ref=str(monitor_id)
    )
    response = client.post(
        "/api/v1/video/requisitions",
        headers=versailles.bearer(),
        json={
            "system_id": system_id,
            "opj_name": "Lieutenant Petit",
            "opj_service": "Brigade de gendarmerie",
            "procedure_number": "2026/ZM/8",
            "cameras": [camera],
            "window_start": held["StartDateTime"].replace(" ", "T") + "Z",
            "window_end": held["EndDateTime"].replace(" ", "T") + "Z",
        },
    )
    assert response.status_code == 201, response.text
    # Two days later, with one day authorised: every finished event is past the period.
    later = datetime.now(UTC) + timedelta(days=2)
    scope = command_line_scope()
    with engine.begin() as conn:
        system = queries.get_system(conn, scope=scope, system_id=system_id)
        with closing(connector_for(system.recorder or "")) as connector:
            report = retention.enforce(conn, system=system, connector=connector, now=later)
    assert report.kept_on_hold == 1
    assert report.failed == 0
    assert report.purged >= len(events) - 1
    remaining = {str(e["Id"]) for e in zoneminder.finished_events(monitor_id)}
    expired = {str(e["Id"]) for e in events} - {str(held["Id"])}
    assert str(held["Id"]) in remaining
    assert not expired & remaining
    proofs = client.get(
        "/api/v1/video/register",
        headers=versailles.bearer(),
        params={"action": "purge", "limit": 1000},
    ).json()["items"]
    assert len(proofs) == report.purged
    purged_refs = {p["details"]["recording_ref"] for p in proofs}
    assert purged_refs >= expired
    assert all(p["outcome"] == "done" and p["camera_asset_id"] == camera for p in proofs)
