"""Vidéoverbalisation: R130-11 categories, the operator's NatInf file, the picker limited to
the agent's competence, evidence for the PVe editor, the register, per-commune statistics."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.errors import InvalidInput
from convergence.members.roles import Role
from convergence.video.natinf import parse_csv
from tests.support import Territory
from tests.video.planting import create_camera, create_system, grant, user_id
from tests.web.session import log_in

# Codes made up for the test, clearly not from the catalogue (the platform ships none).
CSV = (
    "natinf;libelle;categorie;vehicule_a_l_arret\n"
    "900001;Test : franchissement de feu rouge;red_light_stop;non\n"
    "900002;Test : circulation sur voie réservée;reserved_lanes;non\n"
    "900003;Test : arrêt sur voie réservée;reserved_lanes;oui\n"
)
JPEG = b"\xff\xd8\xff\xe0" + b"snapshot-bytes" * 50
ROOT = Path(__file__).parents[2]


def test_the_shipped_file_is_empty_and_bad_lines_are_named() -> None:
    assert parse_csv((ROOT / "docs/natinf/natinf-r130-11.csv").read_text()) == []
    assert [c.code for c in parse_csv(CSV)] == ["900001", "900002", "900003"]
    cases = {
        "natinf;libelle;categorie\n": "colonnes attendues",
        CSV + "900009;Stationnement gênant;parking;oui\n": "ligne 5 : catégorie 'parking' hors",
        CSV + "9A;Libellé;speed;non\n": "ligne 5 : code NatInf '9A' invalide",
        CSV + "900001;Doublon;speed;non\n": "ligne 5 : code NatInf 900001 en double",
        CSV + "900010;Vitesse;speed;peut-être\n": "ligne 5 : vehicule_a_l_arret vaut oui ou non",
    }
    for text, message in cases.items():
        with pytest.raises(InvalidInput) as refused:
            parse_csv(text)
        assert message in refused.value.message


def test_the_operator_loads_its_file_by_command_and_a_member_cannot(
    client: TestClient, territory: Territory, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "natinf.csv"
    path.write_text(CSV, encoding="utf-8")
    environment = os.environ | {
        "CONVERGENCE_DATABASE_URL": engine.url.render_as_string(hide_password=False)
    }
    command = [sys.executable, "-c", "from convergence.cli.main import run; run()",
               "video", "natinf-load", str(path)]  # fmt: skip
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "3 code(s) NatInf chargé(s)" in done.stdout
    path.write_text(CSV + "1;x;nowhere;non\n", encoding="utf-8")
    bad = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "ligne 5" in bad.stdout + bad.stderr

    categories = client.get("/api/v1/video/vv/categories", headers=territory.versailles.bearer())
    counts = {c["category"]: c["codes_loaded"] for c in categories.json()["items"]}
    assert (counts["reserved_lanes"], counts["red_light_stop"], counts["speed"]) == (2, 1, 0)
    refused = client.put("/api/v1/video/vv/natinf", headers=territory.versailles.bearer("admin"),
                         content=CSV.encode())  # fmt: skip
    assert refused.status_code == 403
    first_code = "\n".join(CSV.splitlines()[:2]) + "\n"
    operator = territory.operator.bearer("admin")
    replaced = client.put("/api/v1/video/vv/natinf", headers=operator, content=first_code)
    assert replaced.json() == {"codes": 1}


def _setup(client: TestClient, territory: Territory) -> tuple[int, str, str]:
    """A VV camera of Versailles, a police agent and an ASVP designated and habilitated."""
    versailles = territory.versailles
    loaded = client.put("/api/v1/video/vv/natinf", headers=territory.operator.bearer("admin"),
                        content=CSV.encode())  # fmt: skip
    assert loaded.status_code == 200, loaded.text
    system_id = create_system(client, versailles, "VV",
                              purposes=["public_buildings", "traffic_offences"])  # fmt: skip
    camera = create_camera(client, versailles, "carrefour", system_id=system_id)
    linked = client.put(f"/api/v1/video/cameras/{camera}", headers=versailles.bearer(),
                        json={"system_id": system_id, "vv_authorised": True})  # fmt: skip
    assert linked.status_code == 200
    police, asvp = versailles.user(Role.technician), versailles.user(Role.viewer)
    for email, competence in ((police, "municipal_police"), (asvp, "asvp")):
        body = {"user_id": user_id(client, email), "competence": competence}
        agent = client.post("/api/v1/video/vv/agents", headers=versailles.bearer(), json=body)
        assert agent.status_code == 201, agent.text
        grant(client, versailles, system_id=system_id, email=email)
    return camera, police, asvp


def _finding(client: TestClient, csrf: str, camera: int, code: str, at: datetime) -> object:
    return client.post(
        "/api/v1/video/vv/findings", headers={"X-CSRF-Token": csrf},
        data={"camera_asset_id": str(camera), "natinf_code": code, "taken_at": at.isoformat()},
        files=[("snapshots", ("1.jpg", JPEG, "image/jpeg")),
               ("snapshots", ("2.jpg", JPEG + b"2", "image/jpeg"))],
    )  # fmt: skip


def test_the_picker_keeps_to_the_agents_competence(
    client: TestClient, territory: Territory
) -> None:
    _, police, asvp = _setup(client, territory)
    member = {"member_id": territory.versailles.id}
    log_in(client, police)
    codes = client.get("/api/v1/video/vv/natinf", params=member).json()["items"]
    assert [c["code"] for c in codes] == ["900001", "900002", "900003"]
    assert codes[0]["category_label"] == "Feux rouges et arrêts « stop »"
    other = client.get("/api/v1/video/vv/natinf", params={"member_id": territory.boulogne.id})
    assert other.status_code == 403  # not Boulogne's agent
    client.cookies.clear()
    log_in(client, asvp)
    picked = client.get("/api/v1/video/vv/natinf", params=member).json()["items"]
    assert [c["code"] for c in picked] == ["900003"]
    client.cookies.clear()
    log_in(client, territory.versailles.user(Role.elected))
    assert client.get("/api/v1/video/vv/natinf", params=member).status_code == 403


def test_evidence_for_the_pve_editor_is_hashed_registered_and_counted(
    client: TestClient, territory: Territory
) -> None:
    camera, police, asvp = _setup(client, territory)
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=3)
    csrf = log_in(client, police)
    response = _finding(client, csrf, camera, "900001", at)
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    body: bytes = response.content  # type: ignore[attr-defined]
    digest = hashlib.sha256(body).hexdigest()
    assert response.headers["x-evidence-sha256"] == digest  # type: ignore[attr-defined]
    archive = zipfile.ZipFile(io.BytesIO(body))
    evidence = json.loads(archive.read("evidence.json"))
    assert evidence["camera"]["asset_id"] == camera
    assert evidence["camera"]["commune_insee"] == "78646"
    assert evidence["camera"]["lon"] is not None
    assert evidence["taken_at"] == at.isoformat()
    assert evidence["offence"]["natinf"] == "900001"
    assert "R130-11" in evidence["offence"]["regulation"]
    assert [s["sha256"] for s in evidence["snapshots"]] == [
        hashlib.sha256(archive.read(s["file"])).hexdigest() for s in evidence["snapshots"]
    ]
    assert (
        hashlib.sha256(archive.read("cliche-1.jpg")).hexdigest() == hashlib.sha256(JPEG).hexdigest()
    )

    lines = client.get("/api/v1/video/register", headers=territory.versailles.bearer()).json()[
        "items"
    ]
    export = [e for e in lines if e["action"] == "export"]
    assert export[0]["export_sha256"] == digest
    assert {(e["action"], e["outcome"]) for e in lines} >= {
        ("snapshot", "granted"),
        ("export", "done"),
    }

    client.cookies.clear()
    csrf = log_in(client, asvp)
    outside = _finding(client, csrf, camera, "900001", at)  # a moving-vehicle offence
    assert outside.status_code == 422  # type: ignore[attr-defined]
    assert _finding(client, csrf, camera, "900003", at).status_code == 200  # type: ignore[attr-defined]

    stats = client.get("/api/v1/video/vv/statistics", headers=territory.versailles.bearer())
    counted = {"red_light_stop": 1, "reserved_lanes": 1}
    assert stats.json()["items"] == [
        {"commune_insee": "78646", "findings": 2, "by_category": counted}
    ]
    assert (
        client.get("/api/v1/video/vv/statistics", headers=territory.boulogne.bearer()).json()[
            "items"
        ]
        == []
    )


def test_a_camera_not_authorised_for_vv_or_an_agent_without_habilitation_is_refused(
    client: TestClient, territory: Territory
) -> None:
    camera, police, _ = _setup(client, territory)
    versailles = territory.versailles
    at = datetime.now(UTC) - timedelta(minutes=1)
    plain_system = create_system(client, versailles, "SANS")  # no traffic_offences purpose
    plain = create_camera(client, versailles, "parvis", system_id=plain_system)
    csrf = log_in(client, police)
    assert _finding(client, csrf, plain, "900001", at).status_code == 409  # type: ignore[attr-defined]
    # The habilitation is revoked: refused, and the refusal is in the register.
    [habilitation] = [h for h in client.get("/api/v1/video/habilitations",
                                            headers=versailles.bearer()).json()["items"]
                      if h["user_id"] == user_id(client, police)]  # fmt: skip
    client.post(f"/api/v1/video/habilitations/{habilitation['id']}/revoke",
                headers=versailles.bearer())  # fmt: skip
    refused = _finding(client, csrf, camera, "900001", at)
    assert refused.status_code == 403  # type: ignore[attr-defined]
    # An elected official, no designated verbalising agent: refused, and registered too.
    client.cookies.clear()
    csrf = log_in(client, versailles.user(Role.elected))
    not_an_agent = _finding(client, csrf, camera, "900001", at)
    assert not_an_agent.status_code == 403  # type: ignore[attr-defined]
    assert "agents verbalisateurs" in not_an_agent.text  # type: ignore[attr-defined]
    lines = client.get("/api/v1/video/register", headers=versailles.bearer()).json()["items"]
    refusals = [(e["action"], e["outcome"], e["details"].get("reason")) for e in lines
                if e["camera_asset_id"] == camera]  # fmt: skip
    assert refusals == [  # newest first
        ("snapshot", "refused", "not a designated verbalising agent of this member"),
        ("snapshot", "refused", "no current habilitation for this system"),
    ]
