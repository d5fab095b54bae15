"""A member's retention can be set and reset to the platform default (finding 9 of #13).

Before: ``{"retention_days": null}`` was ignored, so a member that once set a retention
could never return to the default.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support import Territory


def test_retention_is_set_then_reset_to_the_default(
    client: TestClient, territory: Territory
) -> None:
    headers = territory.versailles.bearer()
    url = f"/api/v1/members/{territory.versailles.id}"
    assert (
        client.patch(url, headers=headers, json={"retention_days": 90}).json()["retention_days"]
        == 90
    )
    shared = client.patch(url, headers=headers, json={"share_level": "full"}).json()
    assert (shared["share_level"], shared["retention_days"]) == ("full", 90)  # untouched
    reset = client.patch(url, headers=headers, json={"retention_days": None})
    assert reset.status_code == 200, reset.text
    assert (reset.json()["share_level"], reset.json()["retention_days"]) == ("full", None)
    kept = client.patch(url, headers=headers, json={"share_level": None}).json()
    assert kept["share_level"] == "full"  # a share level cannot be emptied
