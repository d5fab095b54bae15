"""A technician invalidates or re-validates a period: audited, rollups recomputed, shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from convergence.members.roles import Role
from convergence.members.tables import audit_log
from convergence.timeseries.tables import readings_daily, series
from tests.support import Territory
from tests.web.pages_support import add_asset, audit, log_in_as

DAY = datetime(2026, 11, 20, tzinfo=UTC)


def _noise_day(client: TestClient, territory: Territory) -> dict[str, Any]:
    asset = add_asset(client, territory.versailles, "Sonomètre", domain="noise", serial="SON-Q")
    items = [
        {"device": "SON-Q", "ts": (DAY + timedelta(hours=h)).isoformat(), "quantity": "laeq",
         "value": 60.0 + (h % 5) * 0.7}
        for h in range(24)
    ]  # fmt: skip
    sent = client.post(
        "/api/v1/ingest", headers=territory.versailles.bearer("ingest"), json={"readings": items}
    )
    assert sent.status_code == 200, sent.text
    return asset


def _daily_counts(engine: Engine, asset_id: int) -> int:
    with engine.connect() as conn:
        counts = conn.execute(
            select(readings_daily.c["count"])
            .join(series, series.c.id == readings_daily.c.series_id)
            .where(series.c.asset_id == asset_id)
        ).scalars()
        return sum(counts)


def _period(start: int, end: int, *, valid: bool) -> dict[str, Any]:
    return {
        "start": (DAY + timedelta(hours=start)).isoformat(),
        "end": (DAY + timedelta(hours=end)).isoformat(),
        "valid": valid,
        "note": "capteur déplacé pendant les travaux",
    }


def _set_aside(client: TestClient, territory: Territory, asset_id: int) -> dict[str, Any]:
    query = {"first": "2026-11-20", "last": "2026-11-21", "asset_id": asset_id}
    body: dict[str, Any] = client.get(
        "/api/v1/set-aside", headers=territory.versailles.bearer("read"), params=query
    ).json()
    return body


def test_an_invalidated_period_leaves_the_rollups_and_is_audited_then_revalidated(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    asset = _noise_day(client, territory)
    assert _daily_counts(engine, asset["id"]) == 24
    path = f"/api/v1/assets/{asset['id']}/quality-periods"
    headers = territory.versailles.bearer()
    invalidated = client.post(path, headers=headers, json=_period(10, 13, valid=False))
    assert invalidated.status_code == 201, invalidated.text
    assert invalidated.json()["readings_changed"] == 3
    assert _daily_counts(engine, asset["id"]) == 21
    summary = _set_aside(client, territory, asset["id"])
    assert (summary["total"], summary["by_reason"]) == (3, {"invalidated_by_person": 3})
    listed = client.get(summary["readings_url"], headers=territory.versailles.bearer("read"))
    assert [(r["flag"], r["reason"]) for r in listed.json()["items"]] == [
        ("invalid", "invalidated_by_person")
    ] * 3

    revalidated = client.post(path, headers=headers, json=_period(11, 12, valid=True))
    assert revalidated.json()["readings_changed"] == 1
    assert _daily_counts(engine, asset["id"]) == 22
    assert _set_aside(client, territory, asset["id"])["total"] == 2
    with engine.connect() as conn:
        actions = conn.execute(
            select(audit_log.c.action)
            .where(audit_log.c.target == f"asset:{asset['id']}")
            .order_by(audit_log.c.id)
        ).scalars()
        assert [a for a in actions if a.startswith("quality.")] == [
            "quality.invalidate",
            "quality.revalidate",
        ]
    periods = client.get(path, headers=territory.versailles.bearer("read")).json()["items"]
    assert [p["valid"] for p in periods] == [True, False]


def test_a_late_reading_in_an_invalidated_period_is_stored_invalid(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    asset = _noise_day(client, territory)
    path = f"/api/v1/assets/{asset['id']}/quality-periods"
    body = _period(30, 40, valid=False) | {"reason": "maintenance"}
    assert client.post(path, headers=territory.versailles.bearer(), json=body).status_code == 201
    late = {"device": "SON-Q", "ts": (DAY + timedelta(hours=31)).isoformat(), "quantity": "laeq"}
    client.post(
        "/api/v1/ingest",
        headers=territory.versailles.bearer("ingest"),
        json={"readings": [late | {"value": 61.0}]},
    )
    assert _set_aside(client, territory, asset["id"])["by_reason"] == {"maintenance": 1}


def test_a_period_that_ends_before_it_starts_is_refused_in_french_and_english(
    client: TestClient, territory: Territory
) -> None:
    asset = _noise_day(client, territory)
    response = client.post(
        f"/api/v1/assets/{asset['id']}/quality-periods",
        headers=territory.versailles.bearer(),
        json=_period(13, 10, valid=False),
    )
    assert response.status_code == 422
    assert "la fin doit suivre le début / end must come after start" in response.text


def test_a_technician_invalidates_a_period_from_the_equipment_page(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    asset = _noise_day(client, territory)
    csrf = log_in_as(client, territory.versailles, Role.technician)
    page = client.get(f"/inventaire/{asset['id']}")
    assert "Invalider ou revalider une période" in page.text
    assert audit(page.text).problems() == []
    # 20 November, 11:00 to 13:00 in Paris is 10:00 to 12:00 UTC: two hourly values.
    form = {
        "csrf_token": csrf,
        "start": "2026-11-20T11:00",
        "end": "2026-11-20T13:00",
        "action": "invalider",
        "reason": "maintenance",
        "note": "nettoyage du micro",
    }
    done = client.post(f"/inventaire/{asset['id']}/qualite", data=form)
    assert done.status_code == 200
    assert "2 mesures invalidées" in done.text
    assert _daily_counts(engine, asset["id"]) == 22
    assert "nettoyage du micro" in done.text
    log_in_as(client, territory.versailles, Role.viewer)
    assert "Invalider ou revalider" not in client.get(f"/inventaire/{asset['id']}").text


def test_the_domain_page_says_how_many_values_were_set_aside_and_why(
    client: TestClient, territory: Territory
) -> None:
    asset = _noise_day(client, territory)
    path = f"/api/v1/assets/{asset['id']}/quality-periods"
    body = _period(10, 13, valid=False) | {"reason": "maintenance"}
    assert client.post(path, headers=territory.versailles.bearer(), json=body).status_code == 201
    log_in_as(client, territory.versailles, Role.elected)
    page = client.get("/bruit", params={"du": "2026-11-20", "au": "2026-11-20"})
    assert page.status_code == 200
    assert "3 mesures écartées de ces indicateurs" in page.text
    assert "équipement en maintenance : 3" in page.text
    assert "/api/v1/set-aside/readings?first=2026-11-20&amp;last=2026-11-20" in page.text
