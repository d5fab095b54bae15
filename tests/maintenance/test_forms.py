"""The French pages for exclusions (with their evidence) and for inspections and preventive
plans: CSRF on every form, the right roles only, and nothing of another commune."""

from __future__ import annotations

from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.maintenance.test_contractors import _agent, _company, _ticket_under_contract
from tests.support import Territory
from tests.web.session import csrf_of, log_in

EVIDENCE = "Avis de coupure Enedis n° 2026-78-4411"


def _exclusions(client: TestClient, territory: Territory, ticket: int) -> list[dict[str, str]]:
    response = client.get(f"/api/v1/maintenance/tickets/{ticket}/exclusions",
                          headers=territory.versailles.bearer("read"))  # fmt: skip
    assert response.status_code == 200, response.text
    found: list[dict[str, str]] = response.json()["items"]
    return found


def _post(client: TestClient, path: str, data: dict[str, str], *, csrf: bool = True) -> str:
    body = data | ({"csrf_token": csrf_of(client, "/maintenance")} if csrf else {})
    response = client.post(path, data=body)
    return response.text if response.status_code == 200 else f"HTTP {response.status_code}"


def test_an_administrator_records_an_exclusion_with_its_evidence(
    client: TestClient, territory: Territory
) -> None:
    company = _company(client, territory, "Prestataire X")
    ticket = _ticket_under_contract(client, territory.versailles, company, "panne X")
    path = f"/maintenance/tickets/{ticket}/exclusion"
    grid = {"reason": "grid_outage", "started_at": "2026-06-02T09:00",
            "ended_at": "2026-06-02T11:30", "evidence": EVIDENCE}  # fmt: skip

    log_in(client, territory.versailles.user(Role.technician))
    assert "Enregistrer l'exclusion" not in client.get(f"/maintenance/tickets/{ticket}").text
    assert "Exclusion refusée : réservé aux administrateurs" in _post(client, path, grid)

    client.cookies.clear()
    log_in(client, territory.versailles.user(Role.member_admin))
    assert "Enregistrer l'exclusion" in client.get(f"/maintenance/tickets/{ticket}").text
    assert _post(client, path, grid, csrf=False) == "HTTP 403"
    backwards = grid | {"ended_at": "2026-06-02T08:00"}
    assert "Exclusion refusée : la fin doit suivre le début" in _post(client, path, backwards)
    assert "preuve (5 caractères au moins)" in _post(client, path, grid | {"evidence": "rien"})
    assert _exclusions(client, territory, ticket) == []

    page = _post(client, path, grid)
    assert "exclusion est enregistrée : cette période ne compte plus" in page
    assert EVIDENCE in page
    assert "Panne du réseau électrique" in page
    [kept] = _exclusions(client, territory, ticket)
    assert (kept["reason"], kept["evidence"]) == ("grid_outage", EVIDENCE)
    assert kept["started_at"].startswith("2026-06-02T07:00")  # 09:00 in Paris, summer time

    client.cookies.clear()
    log_in(client, territory.boulogne.user(Role.member_admin))
    assert client.get(f"/maintenance/tickets/{ticket}").status_code == 404
    # Refused (not its ticket), then sent back to a ticket page it cannot read.
    assert _post(client, path, grid) == "HTTP 404"
    assert len(_exclusions(client, territory, ticket)) == 1


def test_inspections_are_planned_and_recorded_done_by_the_member_only(
    client: TestClient, territory: Territory
) -> None:
    company = _company(client, territory, "Prestataire Y")
    ticket = _ticket_under_contract(client, territory.versailles, company, "panne Y")
    reader = territory.versailles.bearer("read")
    asset_id = client.get(f"/api/v1/maintenance/tickets/{ticket}", headers=reader).json()[
        "asset_id"
    ]
    log_in(client, territory.versailles.user(Role.technician))
    page = client.get("/maintenance/controles")
    assert page.status_code == 200
    assert "Planifier un contrôle" in page.text
    planned = _post(client, "/maintenance/controles",
                    {"asset_id": str(asset_id), "kind": "annual_inspection", "every_months": "12",
                     "due_on": "2027-03-31"})  # fmt: skip
    assert "Le contrôle est planifié" in planned
    assert "31/03/2027" in planned
    unreadable = {"asset_id": str(asset_id), "kind": "annual_inspection", "due_on": "demain"}
    refused = _post(client, "/maintenance/controles", unreadable)
    assert "Planification refusée" in refused
    [due] = client.get("/api/v1/maintenance/inspections",
                       headers=territory.versailles.bearer("read")).json()["items"]  # fmt: skip

    # Another commune sees none of it and cannot record it done.
    client.cookies.clear()
    log_in(client, territory.boulogne.user(Role.technician))
    assert "Borne panne Y" not in client.get("/maintenance/controles").text
    done = {"done_on": "2027-03-02", "inspector": "Bureau Veritas", "marking": "VER-2027-114"}
    assert "Enregistrement refusé" in _post(client, f"/maintenance/controles/{due['id']}/realise",
                                            done)  # fmt: skip

    # Nor does the contractor: it reads, never plans.
    client.cookies.clear()
    log_in(client, _agent(client, territory, territory.versailles, company))
    assert "Planifier un contrôle" not in client.get("/maintenance/controles").text
    assert "Enregistrement refusé" in _post(client, f"/maintenance/controles/{due['id']}/realise",
                                            done)  # fmt: skip

    client.cookies.clear()
    log_in(client, territory.versailles.user(Role.technician))
    recorded = _post(client, f"/maintenance/controles/{due['id']}/realise", done)
    assert "Le contrôle est enregistré ; le suivant est planifié." in recorded
    assert "VER-2027-114" in recorded
    assert "Bureau Veritas" in recorded
    assert "02/03/2028" in recorded  # the next one, twelve months after it was done
