"""What the map's data and the equipment page show of a series whose latest values were set
aside: the last valid value with why the newer one was set aside, or no value at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.support import Territory
from tests.web.pages_support import add_asset, log_in_as

T0 = datetime(2026, 11, 28, 8, tzinfo=UTC)


def _send(client: TestClient, territory: Territory, serial: str, values: list[float]) -> None:
    body = {
        "readings": [
            {
                "device": serial,
                "ts": (T0 + timedelta(minutes=10 * i)).isoformat(),
                "quantity": "no2",
                "value": v,
            }
            for i, v in enumerate(values)
        ]
    }
    sent = client.post("/api/v1/ingest", headers=territory.versailles.bearer("ingest"), json=body)
    assert sent.status_code == 200, sent.text


def _latest(client: TestClient, territory: Territory, asset_id: int) -> dict[str, Any]:
    response = client.get(
        "/api/v1/latest",
        headers=territory.versailles.bearer("read"),
        params={"asset_id": asset_id},
    )
    assert response.status_code == 200, response.text
    (asset,) = response.json()["items"]
    (reading,) = asset["readings"]
    reading_out: dict[str, Any] = reading
    return reading_out


def _measures_table(page: str) -> str:
    """The equipment page's table of the latest value of each measure."""
    start = page.index('id="mesures"')
    return page[start : page.index("</table>", start)]


def test_a_series_whose_values_are_all_invalid_shows_no_value(
    client: TestClient, territory: Territory
) -> None:
    # NO2 above 1 000 µg/m³ is out of the physical range of the quality rules: invalid.
    asset = add_asset(client, territory.versailles, "Station saturée", serial="NO2-SAT")
    _send(client, territory, "NO2-SAT", [1200.0, 1300.0])
    reading = _latest(client, territory, asset["id"])
    assert (reading["value"], reading["ts"]) == (None, None)
    assert reading["set_aside_reason"] == "range"
    assert reading["set_aside_ts"] == (T0 + timedelta(minutes=10)).isoformat().replace(
        "+00:00", "Z"
    )
    log_in_as(client, territory.versailles, Role.viewer)
    measures = _measures_table(client.get(f"/inventaire/{asset['id']}").text)
    assert "pas de valeur valide" in measures
    assert "valeur écartée (hors de la plage physique)" in measures
    assert "1\u202f300" not in measures


def test_the_last_valid_value_is_shown_with_why_the_newer_was_set_aside(
    client: TestClient, territory: Territory
) -> None:
    asset = add_asset(client, territory.versailles, "Station mairie", serial="NO2-OK")
    _send(client, territory, "NO2-OK", [31.0, 32.5, 1250.0])
    reading = _latest(client, territory, asset["id"])
    assert reading["value"] == 32.5
    assert reading["set_aside_reason"] == "range"
    log_in_as(client, territory.versailles, Role.viewer)
    measures = _measures_table(client.get(f"/inventaire/{asset['id']}").text)
    assert "32,50 µg/m³" in measures
    assert "1\u202f250" not in measures
    assert "valeur écartée (hors de la plage physique)" in measures
