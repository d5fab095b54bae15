"""A faulty station, a spike or an invalidated period changes no indicator (air, noise,
water, traffic): indicators read valid values only, through the API as people get them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import Territory
from tests.web.pages_support import add_asset

DAY = datetime(2026, 11, 20, tzinfo=UTC)
HOURS = range(24)


@dataclass(frozen=True)
class Case:
    domain: str
    quantity: str
    clean: tuple[float, ...]  # one value per hour, :00
    spike: float  # at :30 of hour 9: set aside by the rules
    plausible: float  # at :45 of hours 10–12: passes the rules, then invalidated by a person
    spike_quantity: str | None = None  # when the spike is of another quantity, sent once
    # at 09:00 with the clean data, so that both stations measure it
    companion: float | None = None


def _varying(base: float, spread: float) -> tuple[float, ...]:
    return tuple(round(base + spread * ((h * 7) % 11) / 10, 2) for h in HOURS)


CASES = [
    Case("air", "no2", _varying(25, 30), spike=473, plausible=140),
    Case("noise", "laeq", _varying(55, 12), spike=104, plausible=80),
    Case("water", "water_level", _varying(1.2, 0.3), spike=16.98, plausible=2.5),
    # A count has no spike test (its size depends on the interval): the radar's 300 km/h has.
    Case("traffic", "vehicle_count", _varying(300, 200), 300, 2000, "speed", 48),
]


def _send(
    client: TestClient,
    territory: Territory,
    serial: str,
    case: Case,
    items: list[Any],
    quantity: str | None = None,
) -> None:
    body = {
        "readings": [
            {
                "device": serial,
                "ts": ts.isoformat(),
                "quantity": quantity or case.quantity,
                "value": v,
            }
            for ts, v in items
        ]
    }
    sent = client.post("/api/v1/ingest", headers=territory.versailles.bearer("ingest"), json=body)
    assert sent.status_code == 200, sent.text


def _station(client: TestClient, territory: Territory, case: Case, serial: str) -> int:
    asset = add_asset(client, territory.versailles, serial, domain=case.domain, serial=serial)
    _send(
        client, territory, serial, case, [(DAY + timedelta(hours=h), case.clean[h]) for h in HOURS]
    )
    if case.companion is not None:
        at_nine = [(DAY + timedelta(hours=9), case.companion)]
        _send(client, territory, serial, case, at_nine, case.spike_quantity)
    return int(asset["id"])


def _indicators(client: TestClient, territory: Territory, case: Case, **query: Any) -> Any:
    params = {"from": "2026-11-20", "to": "2026-11-22"} | query
    response = client.get(
        f"/api/v1/indicators/{case.domain}",
        headers=territory.versailles.bearer("read"),
        params=params,
    )
    assert response.status_code == 200, response.text
    return response.json()


IDENTITY = frozenset({"station", "asset_id", "loudest_asset_id", "busiest_asset_id"})
# A zone counts its stations: the faulty one is one more station, with no valid value.
COUNTS = frozenset({"stations", "sites", "sites_by_level"})


def _without_identity(value: Any, drop: frozenset[str] = IDENTITY) -> Any:
    """The figures of a result, without what names the station (its id, name)."""
    if isinstance(value, dict):
        return {k: _without_identity(v, drop) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [_without_identity(v, drop) for v in value]
    return value


def _station_figures(result: Any) -> Any:
    assert len(result["stations"]) == 1
    return _without_identity(result["stations"][0])


def _zone_figures(result: Any) -> Any:
    assert result["communes"], "the commune's zone is computed"
    return _without_identity(result["communes"], IDENTITY | COUNTS)


@pytest.mark.parametrize("case", CASES, ids=[c.domain for c in CASES])
def test_spikes_invalidated_periods_and_faulty_stations_change_no_indicator(
    client: TestClient, territory: Territory, case: Case
) -> None:
    clean = _station(client, territory, case, f"{case.domain}-clean")
    reference = _station_figures(_indicators(client, territory, case, asset=clean))

    dirty = _station(client, territory, case, f"{case.domain}-dirty")
    _send(
        client,
        territory,
        f"{case.domain}-dirty",
        case,
        [(DAY + timedelta(hours=9, minutes=30), case.spike)],
        case.spike_quantity,
    )
    extra = [(DAY + timedelta(hours=h, minutes=45), case.plausible) for h in (10, 11, 12)]
    _send(client, territory, f"{case.domain}-dirty", case, extra)
    changed = _station_figures(_indicators(client, territory, case, asset=dirty))
    assert changed != reference  # the extra values count until they are invalidated
    for h in (10, 11, 12):
        period = {
            "start": (DAY + timedelta(hours=h, minutes=40)).isoformat(),
            "end": (DAY + timedelta(hours=h, minutes=50)).isoformat(),
            "valid": False,
            "note": "essai de la sirène",
        }
        response = client.post(
            f"/api/v1/assets/{dirty}/quality-periods",
            headers=territory.versailles.bearer(),
            json=period,
        )
        assert response.status_code == 201, response.text
    assert _station_figures(_indicators(client, territory, case, asset=dirty)) == reference
    zone_before = _zone_figures(_indicators(client, territory, case, commune="78646"))

    serial = f"{case.domain}-broken"
    broken = add_asset(
        client, territory.versailles, "en panne", domain=case.domain, serial=serial, status="faulty"
    )
    wild = [(DAY + timedelta(hours=h), case.plausible * 1.2) for h in HOURS]
    _send(client, territory, f"{case.domain}-broken", case, wild)
    zone_after = _zone_figures(_indicators(client, territory, case, commune="78646"))
    # The faulty station's values count for nothing in its commune.
    assert zone_after == zone_before
    summary = client.get(
        "/api/v1/set-aside",
        headers=territory.versailles.bearer("read"),
        params={"first": "2026-11-20", "last": "2026-11-21", "domain": case.domain},
    ).json()
    assert summary["by_reason"]["asset_faulty"] == 24
    assert summary["by_reason"]["invalidated_by_person"] == 3
    assert summary["by_reason"].get("spike", 0) + summary["by_reason"].get("range", 0) == 1
    assert broken["status"] == "faulty"
