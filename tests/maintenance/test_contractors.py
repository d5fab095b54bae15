"""The contractor portal: an agent sees its company's tickets only, acknowledges, reports."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.maintenance.isolation_planting import PNG
from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL, MemberFixture, Territory
from tests.web.session import log_in


def _company(client: TestClient, territory: Territory, name: str) -> int:
    response = client.post(
        "/api/v1/maintenance/contractors",
        headers=territory.operator.bearer(),
        json={"name": name, "email": f"agent@{name.lower().replace(' ', '-')}.example"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _ticket_under_contract(
    client: TestClient, member: MemberFixture, company: int, title: str
) -> int:
    lon, lat = VERSAILLES_TOWN_HALL if member.key == "versailles" else BOULOGNE_TOWN_HALL
    headers = member.bearer()
    asset = client.post(
        "/api/v1/assets", headers=headers,
        json={"name": f"Borne {title}", "kind": "charge_point", "domain": "charging",
              "lon": lon, "lat": lat},
    ).json()  # fmt: skip
    contract = client.post(
        "/api/v1/maintenance/contracts", headers=headers,
        json={"contractor_id": company, "reference": f"C-{title}", "title": title,
              "intervention_delay_min": 240, "restoration_delay_min": 480,
              "starts_on": str(date(2026, 1, 1)), "asset_ids": [asset["id"]]},
    )  # fmt: skip
    assert contract.status_code == 201, contract.text
    ticket = client.post(
        "/api/v1/maintenance/tickets", headers=headers,
        json={"asset_id": asset["id"], "title": title},
    )  # fmt: skip
    assert ticket.status_code == 201, ticket.text
    return int(ticket.json()["id"])


def _agent(client: TestClient, territory: Territory, member: MemberFixture, company: int) -> str:
    operator = territory.operator.bearer()
    email = member.user(Role.contractor)
    users = client.get(f"/api/v1/members/{member.id}/users", headers=operator).json()["items"]
    user_id = next(u["id"] for u in users if u["email"] == email)
    response = client.post(
        f"/api/v1/maintenance/contractors/{company}/users",
        headers=operator,
        json={"user_id": user_id},
    )
    assert response.status_code == 204
    return email


def test_contractor_a_sees_and_works_on_its_tickets_only(
    client: TestClient, territory: Territory
) -> None:
    company_a = _company(client, territory, "Prestataire A")
    company_b = _company(client, territory, "Prestataire B")
    ticket_a = _ticket_under_contract(client, territory.versailles, company_a, "panne A")
    ticket_b = _ticket_under_contract(client, territory.boulogne, company_b, "panne B")
    csrf = log_in(client, _agent(client, territory, territory.versailles, company_a))
    headers = {"X-CSRF-Token": csrf}

    listed = client.get("/api/v1/maintenance/tickets").json()["items"]
    assert [t["id"] for t in listed] == [ticket_a]
    assert [c["title"] for c in client.get("/api/v1/maintenance/contracts").json()["items"]] == [
        "panne A"
    ]
    assert [c["id"] for c in client.get("/api/v1/maintenance/contractors").json()["items"]] == [
        company_a
    ]
    assert client.get(f"/api/v1/maintenance/tickets/{ticket_b}").status_code == 404
    assert client.get("/api/v1/assets").status_code == 403  # no member data at all
    page = client.get("/maintenance")
    assert page.status_code == 200
    assert "panne A" in page.text
    assert "panne B" not in page.text

    acknowledged = client.post(
        f"/api/v1/maintenance/tickets/{ticket_a}/acknowledge", headers=headers, json={}
    )
    assert acknowledged.status_code == 200
    assert acknowledged.json()["intervention"]["stopped"] is True
    # Pausing and closing are the member's decisions.
    for action in ("pause", "close"):
        response = client.post(
            f"/api/v1/maintenance/tickets/{ticket_a}/{action}", headers=headers, json={}
        )
        assert response.status_code == 403, action

    report = client.post(
        f"/api/v1/maintenance/tickets/{ticket_a}/interventions",
        headers=headers,
        data={"notes": "disjoncteur remplacé", "proposes_closure": "true"},
        files=[
            ("photos", ("avant.png", PNG, "image/png")),
            ("photos", ("apres.png", PNG, "image/png")),
        ],
    )
    assert report.status_code == 200, report.text
    works = client.get(f"/api/v1/maintenance/tickets/{ticket_a}/interventions").json()["items"]
    assert works[0]["proposes_closure"] is True
    assert len(works[0]["photo_ids"]) == 2
    photo = client.get(f"/api/v1/maintenance/photos/{works[0]['photo_ids'][0]}")
    assert photo.content == PNG
    assert photo.headers["content-type"] == "image/png"

    # The member accepts the proposal: the ticket is restored (declared) and closed.
    closed = client.post(
        f"/api/v1/maintenance/tickets/{ticket_a}/close",
        headers=territory.versailles.bearer(),
        json={"note": "vu"},
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["restoration_verified"] is False


def test_photos_are_bounded_in_number_size_and_type(
    client: TestClient, territory: Territory
) -> None:
    company = _company(client, territory, "Prestataire C")
    ticket = _ticket_under_contract(client, territory.versailles, company, "panne C")
    url = f"/api/v1/maintenance/tickets/{ticket}/interventions"
    headers = territory.versailles.bearer()
    too_big = PNG + b"\x00" * (5 * 1024 * 1024)
    response = client.post(url, headers=headers, data={"notes": "x"},
                           files={"photos": ("grosse.png", too_big, "image/png")})  # fmt: skip
    assert response.status_code == 413
    response = client.post(url, headers=headers, data={"notes": "x"},
                           files={"photos": ("faux.png", b"<svg/>", "image/png")})  # fmt: skip
    assert response.status_code == 422
    assert "n'est pas une image" in response.text
    seven = [("photos", (f"{i}.png", PNG, "image/png")) for i in range(7)]
    assert client.post(url, headers=headers, data={"notes": "x"}, files=seven).status_code == 422


def test_an_agent_tied_to_no_company_sees_nothing(client: TestClient, territory: Territory) -> None:
    company = _company(client, territory, "Prestataire D")
    _ticket_under_contract(client, territory.versailles, company, "panne D")
    log_in(client, territory.versailles.user(Role.contractor))
    assert client.get("/api/v1/maintenance/tickets").json()["items"] == []
    assert client.get("/api/v1/maintenance/contracts").json()["items"] == []
