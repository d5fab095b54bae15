"""The French maintenance pages and the report downloads, as a member's technician sees them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from convergence.db.types import utcnow
from convergence.members.roles import Role
from convergence.paris_time import PARIS
from tests.maintenance.planting import charge_point, contract, status
from tests.maintenance.test_contractors import _company, _ticket_under_contract
from tests.maintenance.test_monthly import paris
from tests.support import Territory
from tests.web.session import log_in


def test_a_technician_reads_tickets_a_ticket_and_the_monthly_report(
    client: TestClient, territory: Territory
) -> None:
    company = _company(client, territory, "Prestataire P")
    ticket = _ticket_under_contract(client, territory.versailles, company, "panne P")
    log_in(client, territory.versailles.user(Role.technician))
    listing = client.get("/maintenance")
    assert listing.status_code == 200
    assert "C-panne P" in listing.text
    page = client.get(f"/maintenance/tickets/{ticket}")
    assert page.status_code == 200
    assert "Délais contractuels" in page.text
    assert "Mettre en attente" in page.text  # a member-side decision, offered to the member
    report = client.get("/maintenance/rapport")
    assert report.status_code == 200
    assert "Contrat C-panne P" in report.text
    bad = client.get("/api/v1/maintenance/reports/monthly.csv", params={"month": "juin"})
    assert bad.status_code == 422
    assert "AAAA-MM" in bad.text


def test_the_report_files_hold_the_callers_contracts_only(
    client: TestClient, territory: Territory
) -> None:
    company = _company(client, territory, "Prestataire Q")
    _ticket_under_contract(client, territory.versailles, company, "panne Q")
    month = {"month": utcnow().astimezone(PARIS).strftime("%Y-%m")}
    mine = client.get(
        "/api/v1/maintenance/reports/monthly.csv", headers=territory.versailles.bearer("read"),
        params=month,
    )  # fmt: skip
    assert "C-panne Q" in mine.text
    theirs = client.get(
        "/api/v1/maintenance/reports/monthly.csv", headers=territory.boulogne.bearer("read"),
        params=month,
    )  # fmt: skip
    assert theirs.status_code == 200
    assert "C-panne Q" not in theirs.text
    pdf = client.get(
        "/api/v1/maintenance/reports/monthly.pdf", headers=territory.versailles.bearer("read"),
        params=month,
    )  # fmt: skip
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_monthly_report_page_gives_availability_with_its_known_hours(
    client: TestClient, territory: Territory
) -> None:
    # First status on 10 June 00:00 Paris: known 504 of 720 h (70 %), under the 75 % rule.
    engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    versailles = territory.versailles
    asset_id = charge_point(engine, versailles, "CP-PAGE")
    contract(engine, versailles, [asset_id], availability_target_pct=95)
    status(engine, versailles, asset_id, paris(2026, 6, 10, 0, 0), "Available")
    log_in(client, versailles.user(Role.technician))
    page = client.get("/maintenance/rapport", params={"mois": "2026-06"}).text
    assert "données insuffisantes (70\u202f%)" in page
    assert "données : 70\u202f% des heures de statut connu (règle : 75\u202f%)" in page
    assert "atteint" not in page
