"""The coordination API: operator only, except the proposals a member is concerned by."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.coordination.builders import LE_CHESNAY, VERSAILLES, Builder
from tests.support import Territory
from tests.web.session import log_in

API = "/api/v1/coordination"
MARKER = "secret-versailles"


@pytest.fixture
def proposal_id(client: TestClient, build: Builder, territory: Territory) -> int:
    """A joint purchase of Versailles and Le Chesnay-Rocquencourt, sent, with a private note."""
    build.project(build.commune(VERSAILLES), start=date(2027, 3, 1), units=12)
    build.project(build.commune(LE_CHESNAY), start=date(2027, 5, 1), units=8)
    operator = territory.operator.bearer()
    report = client.post(f"{API}/proposals/generate", headers=operator)
    assert report.status_code == 200, report.text
    [created] = report.json()["created"]
    sent = client.post(
        f"{API}/proposals/{created}/status", json={"status": "sent"}, headers=operator
    )
    assert sent.status_code == 200, sent.text
    note = client.post(
        f"{API}/proposals/{created}/comments",
        json={"body": f"{MARKER} : budget voté en juin"},
        headers=territory.versailles.bearer(),
    )
    assert note.status_code == 201, note.text
    return int(created)


def _calls(proposal_id: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("GET", f"{API}/overview", None),
        ("POST", f"{API}/proposals/generate", None),
        ("GET", f"{API}/proposals", None),
        ("GET", f"{API}/proposals/{proposal_id}", None),
        ("POST", f"{API}/proposals/{proposal_id}/status", {"status": "declined"}),
        ("POST", f"{API}/proposals/{proposal_id}/comments", {"body": "intrus"}),
    ]


def _walk(client: TestClient, proposal_id: int, headers: dict[str, str]) -> list[str]:
    problems = []
    for method, path, body in _calls(proposal_id):
        response = client.request(method, path, json=body, headers=headers)
        if MARKER in response.text or "Le Chesnay" in response.text:
            problems.append(f"{method} {path} leaked the proposal")
        if method != "GET" and response.status_code < 400:
            problems.append(f"{method} {path} succeeded ({response.status_code})")
    return problems


def test_the_operator_generates_reads_and_moves_proposals(
    client: TestClient, territory: Territory, proposal_id: int
) -> None:
    operator = territory.operator.bearer()
    detail = client.get(f"{API}/proposals/{proposal_id}", headers=operator).json()
    assert detail["status"] == "sent"
    assert detail["explanation"].startswith("Versailles et Le Chesnay-Rocquencourt")
    assert [c["author_member_id"] for c in detail["comments"]] == [territory.versailles.id]
    listing = client.get(f"{API}/proposals", params={"kind": "joint_purchase"}, headers=operator)
    assert len(listing.json()["items"]) == 1
    accepted = client.post(
        f"{API}/proposals/{proposal_id}/status",
        json={"status": "accepted", "comment": "Convention signée."},
        headers=operator,
    )
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["comments"][-1]["body"] == "Convention signée."
    again = client.post(f"{API}/proposals/generate", headers=operator).json()
    assert again["unchanged"] == [proposal_id]
    assert client.get(f"{API}/proposals/{proposal_id}", headers=operator).json()["status"] == (
        "accepted"
    )


def test_an_invalid_transition_answers_409_with_the_reason(
    client: TestClient, territory: Territory, proposal_id: int
) -> None:
    response = client.post(
        f"{API}/proposals/{proposal_id}/status",
        json={"status": "proposed"},
        headers=territory.operator.bearer(),
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert "« envoyée » ne peut pas passer à « proposée »" in error["message"]


def test_the_overview_answers_the_operator_only(
    client: TestClient, territory: Territory, proposal_id: int
) -> None:
    overview = client.get(f"{API}/overview", headers=territory.operator.bearer())
    assert overview.status_code == 200
    [air] = overview.json()["domains"]
    assert air["totals"]["initiatives"] == 2
    for member in (territory.versailles, territory.boulogne, territory.epci):
        assert client.get(f"{API}/overview", headers=member.bearer()).status_code == 403


def test_a_member_concerned_reads_and_comments_but_decides_nothing(
    client: TestClient, territory: Territory, proposal_id: int
) -> None:
    versailles = territory.versailles.bearer()
    assert len(client.get(f"{API}/proposals", headers=versailles).json()["items"]) == 1
    assert client.get(f"{API}/proposals/{proposal_id}", headers=versailles).status_code == 200
    decided = client.post(
        f"{API}/proposals/{proposal_id}/status", json={"status": "accepted"}, headers=versailles
    )
    assert decided.status_code == 403
    reader = client.post(
        f"{API}/proposals/{proposal_id}/comments",
        json={"body": "x"},
        headers=territory.versailles.bearer("read"),
    )
    assert reader.status_code == 403


@pytest.mark.parametrize("other", ["boulogne", "epci"])
def test_tokens_of_members_not_concerned_see_and_change_nothing(
    client: TestClient, territory: Territory, proposal_id: int, other: str
) -> None:
    member = getattr(territory, other)
    for scope in ("ingest", "read", "admin"):
        assert _walk(client, proposal_id, member.bearer(scope)) == [], scope
    assert client.get(f"{API}/proposals", headers=member.bearer()).json()["items"] == []
    detail = client.get(f"{API}/proposals/{proposal_id}", headers=territory.operator.bearer())
    assert detail.json()["status"] == "sent"
    assert len(detail.json()["comments"]) == 1


@pytest.mark.parametrize("role", [Role.member_admin, Role.viewer])
def test_users_of_another_commune_see_and_change_nothing(
    client: TestClient, territory: Territory, proposal_id: int, role: Role
) -> None:
    csrf = log_in(client, territory.boulogne.user(role))
    assert _walk(client, proposal_id, {"X-CSRF-Token": csrf}) == []


def test_anonymous_callers_get_401(client: TestClient, proposal_id: int) -> None:
    for method, path, body in _calls(proposal_id):
        assert client.request(method, path, json=body).status_code == 401, f"{method} {path}"
