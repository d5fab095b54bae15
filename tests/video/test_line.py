"""The video line through the service-line contract: its page, public page, card, report."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.lines.video import key_figure, report_section
from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from convergence.reports.schemas import NO_DATA
from convergence.servicelines import service_lines
from convergence.timeseries.store import NewEvent
from convergence.video.alerting import STREAM_EVENT, Sink
from tests.support import Territory
from tests.video.planting import OUTSIDE, create_camera, create_system
from tests.web.pages_support import log_in_as


def _stream(engine: Engine, member_id: int, states: dict[int, str]) -> None:
    now = datetime.now(UTC)
    sink = Sink()
    sink.add(
        events=[NewEvent(a, member_id, now, STREAM_EVENT, {"state": s}) for a, s in states.items()]
    )
    with engine.begin() as conn:
        sink.flush(conn)


def test_the_video_line_is_installed() -> None:
    line = next(line for line in service_lines() if line.name == "video")
    assert line.label == "Vidéoprotection"
    assert line.menu_entry is not None
    assert line.menu_entry.path == "/videoprotection"


def test_the_overview_page_lists_systems_flagged_cameras_and_requisitions(
    client: TestClient, territory: Territory
) -> None:
    versailles = territory.versailles
    system_id = create_system(client, versailles, "Centre")
    create_camera(client, versailles, "gare sud", OUTSIDE, system_id=system_id)
    log_in_as(client, versailles, Role.member_admin)
    page = client.get("/videoprotection")
    assert page.status_code == 200
    assert "Centre centre-ville" in page.text
    assert "Centre-2024-0042 du 15/03/2024" in page.text
    assert "gare sud (Versailles) : hors du périmètre autorisé" in page.text
    assert "Registre des accès (extrait)" in page.text
    log_in_as(client, territory.boulogne, Role.member_admin)
    assert "Centre centre-ville" not in client.get("/videoprotection").text


def test_the_public_page_lists_the_communes_systems_and_signs(
    client: TestClient, territory: Territory
) -> None:
    create_system(client, territory.versailles, "Centre")
    client.cookies.clear()
    page = client.get("/videoprotection/information/78646")
    assert page.status_code == 200
    assert "Vidéoprotection à Versailles" in page.text
    assert "Centre parvis de l&#39;hôtel de ville" in page.text
    assert "Durée de conservation des images : 15 jours." in page.text
    assert "Aucun système" in client.get("/videoprotection/information/92012").text


def test_the_dashboard_card_counts_cameras_in_service(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    versailles = territory.versailles
    system_id = create_system(client, versailles, "V")
    cameras = [create_camera(client, versailles, f"c{i}", system_id=system_id) for i in range(4)]
    scope = command_line_scope()
    today = datetime.now(UTC).date()
    with engine.connect() as conn:
        assert key_figure(conn, scope=scope, commune="78646", today=today).headline == NO_DATA
    _stream(engine, versailles.id, {cameras[0]: "up", cameras[1]: "up", cameras[2]: "down"})
    with engine.connect() as conn:
        figure = key_figure(conn, scope=scope, commune="78646", today=today)
    # 2 up of the 3 checked = 66,7 %, resting on 3 of the 4 cameras (75 %: the rule is met).
    assert figure.headline == "67\u202f%"
    assert figure.detail == "2 sur 3 caméra(s) vérifiée(s), 4 au total"
    assert figure.measure is not None
    assert figure.measure.value == pytest.approx(200 / 3)
    assert (figure.measure.completeness.present, figure.measure.completeness.expected) == (3, 4)
    assert figure.measure.publishable


def test_camera_availability_resting_on_too_few_checks_is_no_fact(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    # 4 cameras, 2 checked within the hour, both up: 100 % of the checked, but only 50 % of
    # the cameras were checked (rule: 75 %) -> « données insuffisantes (50 %) » everywhere.
    versailles = territory.versailles
    system_id = create_system(client, versailles, "V")
    cameras = [create_camera(client, versailles, f"c{i}", system_id=system_id) for i in range(4)]
    _stream(engine, versailles.id, {cameras[0]: "up", cameras[1]: "up"})
    today = datetime.now(UTC).date()
    with engine.connect() as conn:
        figure = key_figure(conn, scope=command_line_scope(), commune="78646", today=today)
    assert figure.headline == "données insuffisantes (50\u202f%)"
    api = client.get("/api/v1/video/availability", headers=versailles.bearer("read")).json()
    assert (api["cameras"], api["checked"], api["up"]) == (4, 2, 2)
    assert api["availability"]["value"] == 100.0
    assert api["availability"]["publishable"] is False
    assert api["availability"]["completeness"]["ratio"] == 0.5
    log_in_as(client, versailles, Role.member_admin)
    page = client.get("/videoprotection").text
    assert "<strong>données insuffisantes (50\u202f%)</strong>" in page
    assert "données : 50\u202f% des caméras vérifiées (règle : 75\u202f%)" in page
    with engine.connect() as conn:
        section = report_section(
            conn, scope=command_line_scope(), commune="78646", first=today, last=today
        )
    assert any("données insuffisantes (50\u202f%)" in p for p in section.sentences)


def test_the_report_section_names_systems_and_the_months_requisitions(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    versailles = territory.versailles
    system_id = create_system(client, versailles, "V", authorised_on="2022-01-10")
    create_camera(client, versailles, "parvis", system_id=system_id)
    today = datetime.now(UTC).date()
    with engine.connect() as conn:
        section = report_section(
            conn,
            scope=command_line_scope(),
            commune="78646",
            first=today.replace(day=1),
            last=today,
        )
    # Authorised 10/01/2022: expires 10/01/2027, renewal due from 10/07/2026.
    assert section.sentences == [
        "0 réquisition(s) judiciaire(s) reçue(s) sur le mois.",
        "Aucune des 1 caméra(s) n'a été vérifiée dans l'heure.",
    ]
    assert section.tables[0].rows == [
        ("V centre-ville", "V-2024-0042", "10/01/2027", "à renouveler")
    ]
    with engine.connect() as conn:
        empty = report_section(
            conn,
            scope=command_line_scope(),
            commune="92012",
            first=date(2026, 1, 1),
            last=date(2026, 1, 31),
        )
    assert empty.sentences == ["Aucun système de vidéoprotection déclaré."]
