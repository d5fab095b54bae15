"""A token made by a person who was then disabled stays visible as such (finding 9 of #13).

Before: nothing told that a live token's creator was gone.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.members import service
from convergence.members.roles import Role
from tests.support import Territory
from tests.web.session import log_in


def test_tokens_of_a_disabled_creator_are_flagged(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    email = territory.versailles.user(Role.member_admin)
    csrf = log_in(client, email)
    created = client.post(
        f"/api/v1/members/{territory.versailles.id}/tokens",
        json={"name": "capteurs du parc", "scopes": ["ingest"]},
        headers={"X-CSRF-Token": csrf},
    )
    assert created.status_code == 201, created.text
    with engine.begin() as conn:
        live = service.disable_user(conn, email=email, actor="cli")
    assert live == ["capteurs du parc"]
    assert client.get("/api/v1/tokens").status_code == 401  # the session ended with the account
    listed = client.get("/api/v1/tokens", headers=territory.versailles.bearer()).json()["items"]
    flags = {t["name"]: t["creator_active"] for t in listed}
    assert flags["capteurs du parc"] is False
    assert None in flags.values()  # tokens made by the command line have no person behind
