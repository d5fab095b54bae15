"""The rights desk: requests for one's images, due within a month, refusals motivated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from convergence.video.access_requests import one_month_after
from tests.support import Territory


def test_the_answer_is_due_one_calendar_month_later_in_paris() -> None:
    assert one_month_after(datetime(2026, 3, 10, 9, tzinfo=UTC)).date().isoformat() == "2026-04-10"
    # 31 January in Paris: no 31 February, the answer is due on the last day of February.
    assert one_month_after(datetime(2026, 1, 31, 12, tzinfo=UTC)).date().isoformat() == "2026-02-28"
    # 31 December 23:30 UTC is already 1 January in Paris.
    assert (
        one_month_after(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)).date().isoformat()
        == "2027-02-01"
    )


def _request(client: TestClient, territory: Territory, **extra: str) -> dict[str, object]:
    response = client.post(
        "/api/v1/video/access-requests",
        headers=territory.versailles.bearer(),
        json={
            "requester_name": "Mme Martin",
            "requester_contact": "martin@example.fr",
            "place": "parvis de l'hôtel de ville",
            "window_start": "2026-11-20T14:00:00Z",
            "window_end": "2026-11-20T14:30:00Z",
            "received_at": "2026-11-21T08:00:00Z",
        }
        | extra,
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_request_is_due_in_a_month_and_a_refusal_is_motivated(
    client: TestClient, territory: Territory
) -> None:
    request = _request(client, territory)
    assert str(request["due_at"]).startswith("2026-12-21")
    now = datetime.now(UTC)
    recent = _request(client, territory, received_at=(now - timedelta(days=2)).isoformat())
    late = _request(client, territory, received_at=(now - timedelta(days=40)).isoformat())
    assert recent["overdue"] is False
    assert late["overdue"] is True
    url = f"/api/v1/video/access-requests/{request['id']}/answer"
    headers = territory.versailles.bearer()
    unmotivated = client.post(url, headers=headers, json={"granted": False})
    assert unmotivated.status_code == 422
    refused = client.post(url, headers=headers, json={"granted": False, "ground": "third_parties"})
    letter = refused.json()["answer"]
    assert refused.json()["status"] == "refused"
    assert "vie privée de tiers" in letter
    assert "le 20/11/2026 à 15:00" in letter  # Paris time
    assert "commission départementale de vidéoprotection" in letter
    again = client.post(url, headers=headers, json={"granted": True})
    assert again.status_code == 409
