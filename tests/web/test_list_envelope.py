"""Every list of the API is one envelope, walked to its end with an opaque cursor.

A list answers ``{"items": [...], "next_cursor": "…" | null, "limit": n}``. A client asks for
the first page, then passes ``next_cursor`` as ``cursor`` until it is null. Pages are cut on a
unique key, so a walk sees every item that was there all along exactly once, even when items
are added or removed while it walks; a cursor the server did not hand out is refused with a
400 in plain words. (Each test runs on SQLite and PostgreSQL, through the ``client`` fixture.)
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from convergence.charging.tables import charging_sessions
from tests.support import VERSAILLES_TOWN_HALL, Territory

ENVELOPE = {"items", "next_cursor", "limit"}


def walk(
    client: TestClient,
    path: str,
    headers: dict[str, str],
    *,
    limit: int,
    params: dict[str, Any] | None = None,
    between_pages: Any = None,
) -> tuple[list[dict[str, Any]], int]:
    """Every item of the list at ``path``, page by page; and the number of pages read."""
    items: list[dict[str, Any]] = []
    cursor = None
    pages = 0
    while True:
        query = {**(params or {}), "limit": limit} | ({"cursor": cursor} if cursor else {})
        response = client.get(path, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == ENVELOPE
        assert body["limit"] == limit
        assert len(body["items"]) <= limit
        items += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items, pages
        assert pages < 100, "the cursor does not move on"
        if between_pages is not None:
            between_pages(pages)


def create_asset(
    client: TestClient, territory: Territory, name: str, kind: str = "sensor", domain: str = "air"
) -> int:
    response = client.post(
        "/api/v1/assets",
        headers=territory.versailles.bearer(),
        json={
            "name": name,
            "kind": kind,
            "domain": domain,
            "lon": VERSAILLES_TOWN_HALL[0],
            "lat": VERSAILLES_TOWN_HALL[1],
        },
    )
    assert response.status_code == 201, response.text
    asset_id: int = response.json()["id"]
    return asset_id


def test_a_list_longer_than_a_page_is_walked_whole_with_no_duplicate_and_no_gap(
    client: TestClient, territory: Territory
) -> None:
    created = [create_asset(client, territory, f"capteur {n}") for n in range(11)]
    headers = territory.versailles.bearer()

    seen, pages = walk(client, "/api/v1/assets", headers, limit=3)

    assert [a["id"] for a in seen] == created  # oldest first, each once, none missing
    assert pages == 4  # 3 + 3 + 3 + 2


def test_items_added_or_removed_during_a_walk_neither_repeat_nor_hide_the_others(
    client: TestClient, territory: Territory
) -> None:
    created = [create_asset(client, territory, f"capteur {n}") for n in range(8)]
    headers = territory.versailles.bearer()
    added: list[int] = []

    def meanwhile(pages_read: int) -> None:
        if pages_read == 1:  # one seen item goes away, a new one arrives
            assert client.delete(f"/api/v1/assets/{created[0]}", headers=headers).status_code == 204
            added.append(create_asset(client, territory, "arrivé pendant la lecture"))

    seen, _ = walk(client, "/api/v1/assets", headers, limit=3, between_pages=meanwhile)

    ids = [a["id"] for a in seen]
    assert len(ids) == len(set(ids))
    assert ids == created + added  # an offset would have skipped created[3]


def test_a_newest_first_list_is_walked_from_the_newest_to_the_oldest(
    client: TestClient, territory: Territory
) -> None:
    for n in range(7):
        sent = client.post(
            "/api/v1/ingest",
            headers=territory.versailles.bearer("ingest"),
            json=[
                {
                    "device": f"INCONNU-{n}",
                    "ts": "2026-11-28T09:00:00Z",
                    "quantity": "no2",
                    "value": n,
                }
            ],
        )
        assert sent.status_code in {200, 422}, sent.text
    headers = territory.versailles.bearer("read")
    everything = client.get("/api/v1/dead-letters", headers=headers).json()["items"]
    assert len(everything) == 7

    seen, pages = walk(client, "/api/v1/dead-letters", headers, limit=2)

    assert [d["id"] for d in seen] == sorted((d["id"] for d in everything), reverse=True)
    assert pages == 4


def test_a_list_keyed_on_time_and_series_is_walked_across_equal_times(
    client: TestClient, territory: Territory
) -> None:
    """Set-aside values are keyed by (time, series): two series share every timestamp."""
    asset_id = create_asset(client, territory, "capteur invalidé")
    headers = territory.versailles.bearer()
    period = client.post(
        f"/api/v1/assets/{asset_id}/quality-periods",
        headers=headers,
        json={"start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z", "valid": False,
              "reason": "maintenance", "note": "étalonnage"},
    )  # fmt: skip
    assert period.status_code == 201, period.text
    readings = [
        {"device": asset_id, "ts": f"2026-11-20T{hour:02d}:00:00Z", "quantity": quantity,
         "value": hour}
        for hour in range(5)
        for quantity in ("no2", "pm10")
    ]  # fmt: skip
    sent = client.post(
        "/api/v1/ingest", headers=territory.versailles.bearer("ingest"), json=readings
    )
    assert sent.status_code == 200, sent.text

    seen, pages = walk(
        client,
        "/api/v1/set-aside/readings",
        headers,
        limit=3,
        params={"first": "2026-11-01", "last": "2026-11-30", "asset_id": asset_id},
    )

    found = [(r["ts"], r["quantity"]) for r in seen]
    assert len(found) == len(set(found)) == 10
    assert [ts for ts, _ in found] == sorted((ts for ts, _ in found), reverse=True)
    assert pages == 4


def test_charging_sessions_are_read_past_the_former_thousand(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    """The sessions list stopped at 1,000 with no way on; it is now walked to its end."""
    charge_point = create_asset(client, territory, "borne", "charge_point", "charging")
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(charging_sessions),
            [
                {"asset_id": charge_point, "member_id": territory.versailles.id,
                 "connector_id": 1, "protocol": "ocpp1.6", "status": "completed",
                 "started_at": start + timedelta(minutes=n), "updated_at": start}
                for n in range(1_005)
            ],
        )  # fmt: skip

    seen, pages = walk(
        client, "/api/v1/charging/sessions", territory.versailles.bearer(), limit=1_000
    )

    assert pages == 2
    ids = [s["id"] for s in seen]
    assert len(ids) == len(set(ids)) == 1_005
    assert ids == sorted(ids, reverse=True)  # newest first


def _cursor(document: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")


def tampered_cursors(genuine: str) -> dict[str, str]:
    # The 6th character encodes part of the document's first key: changing it breaks the key.
    flipped = genuine[:5] + ("A" if genuine[5] != "A" else "B") + genuine[6:]
    return {
        "one character changed": flipped,
        "cut short": genuine[: len(genuine) // 2],
        "not base64": "!!not-a-cursor!!",
        "base64 of no JSON": base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "from another list": _cursor({"list": "/api/v1/alerts", "after": [1]}),
        "a text key on an id list": _cursor({"list": "/api/v1/assets", "after": ["x"]}),
        "a key of two columns on an id list": _cursor({"list": "/api/v1/assets", "after": [1, 2]}),
        "a field added": _cursor({"list": "/api/v1/assets", "after": [1], "admin": True}),
        "an empty key": _cursor({"list": "/api/v1/assets", "after": []}),
    }


def test_a_tampered_cursor_is_refused_with_a_400_that_says_to_start_again(
    client: TestClient, territory: Territory
) -> None:
    for n in range(3):
        create_asset(client, territory, f"capteur {n}")
    headers = territory.versailles.bearer()
    first = client.get("/api/v1/assets", params={"limit": 1}, headers=headers).json()
    genuine = first["next_cursor"]
    assert isinstance(genuine, str)
    following = client.get(
        "/api/v1/assets", params={"limit": 1, "cursor": genuine}, headers=headers
    )
    assert following.status_code == 200  # the genuine cursor works

    for what, cursor in tampered_cursors(genuine).items():
        response = client.get(
            "/api/v1/assets", params={"limit": 1, "cursor": cursor}, headers=headers
        )
        assert response.status_code == 400, (what, response.text)
        error = response.json()["error"]
        assert error["code"] == "invalid_cursor", what
        assert "without `cursor`" in error["message"]
        assert "sans « cursor »" in error["message"]


@pytest.mark.parametrize(("limit", "status"), [(0, 422), (1001, 422), (1000, 200), (1, 200)])
def test_the_limit_is_at_least_one_and_at_most_a_thousand(
    client: TestClient, territory: Territory, limit: int, status: int
) -> None:
    response = client.get(
        "/api/v1/alerts", params={"limit": limit}, headers=territory.versailles.bearer()
    )
    assert response.status_code == status, response.text


def test_a_page_holds_a_hundred_items_unless_asked_otherwise(
    client: TestClient, territory: Territory
) -> None:
    body = client.get("/api/v1/alerts", headers=territory.versailles.bearer()).json()
    assert body == {"items": [], "next_cursor": None, "limit": 100}
