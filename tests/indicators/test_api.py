"""The indicators API end to end: readings stored, settings PUT over HTTP, values read back.

Values are those worked out by hand in the pure-function tests (Lden to 0.1 dB, water
crossing orange); the comparisons are worked out below from the kWh stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.indicators.timewindows import local_day_window, local_wall_time
from convergence.members import service as members
from convergence.members.roles import MemberKind, Role, ShareLevel
from convergence.members.schemas import MemberCreate, MemberSettings
from convergence.members.scope import command_line_scope
from tests.indicators.planting import make_asset, make_site, store
from tests.support import VERSAILLES_TOWN_HALL, Territory
from tests.web.session import log_in

DAY = date(2026, 6, 15)
TUESDAY = date(2026, 6, 16)
LE_CHESNAY = (2.1275, 48.8222)  # CA Versailles Grand Parc, 30 689 inhabitants
RUEIL = (2.1797, 48.8770)  # Hauts-de-Seine, 82 874 inhabitants: Versailles' stratum


def test_lden_of_a_day_with_unit_rule_and_completeness(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    # The profile of test_noise.py: Ld 65.96, Le 60.0, Ln 67.40, Lden 73.19 -> 73.2 dB(A).
    asset = make_site(engine, territory, domain="noise", name="Sonomètre école")
    start = local_wall_time(DAY, 6)
    levels = [62.0, 68.0] * 6 + [60.0] * 4 + [60.0, 70.0] * 4
    points = [
        (start + timedelta(hours=h, minutes=15 * q), level)
        for h, level in enumerate(levels)
        for q in range(4)
    ]
    store(engine, asset_id=asset, member_id=territory.versailles.id, quantity="laeq", points=points)
    headers = territory.versailles.bearer()
    put = client.put(
        f"/api/v1/indicators/sites/{asset}",
        headers=headers,
        json={"kind": "noise", "samples_per_hour": 4},
    )
    assert put.status_code == 200, put.text
    response = client.get(
        "/api/v1/indicators/noise",
        headers=headers,
        params={"from": "2026-06-15", "to": "2026-06-16", "commune": "78646"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"]["first_day"] == body["period"]["last_day"] == "2026-06-15"
    (day,) = body["stations"][0]["days"]
    assert round(day["lden"]["value"], 1) == 73.2
    assert day["ld"]["value"] == pytest.approx(65.96, abs=0.01)
    assert day["lden"]["unit"] == "dB(A)"
    assert "2002/49" in day["lden"]["rule"]
    assert day["lden"]["completeness"] == {
        "present": 12.0,
        "expected": 12.0,
        "ratio": 1.0,
        "required_ratio": 0.75,
        "complete": True,
        "basis": "heures",
    }
    assert body["stations"][0]["station"]["name"] == "Sonomètre école"
    assert [z["zone"]["code"] for z in body["communes"]] == ["78646"]
    assert body["epcis"] == []  # one commune asked: no EPCI made of a part of it


def test_water_crossing_orange_over_http(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    # 1.30 … 1.55 m every 15 min from 10:00Z; thresholds 1.0 / 1.5 / 2.0 m: orange, 20 cm/h,
    # rouge reached at 13:30Z.
    t0 = datetime(2026, 1, 20, 10, tzinfo=UTC)
    asset = make_site(engine, territory, domain="water", name="Limnimètre")
    levels = [1.30, 1.35, 1.40, 1.45, 1.50, 1.55]
    points = [(t0 + i * timedelta(minutes=15), lv) for i, lv in enumerate(levels)]
    store(
        engine,
        asset_id=asset,
        member_id=territory.versailles.id,
        quantity="water_level",
        points=points,
    )
    csrf = log_in(client, territory.versailles.user(Role.technician))
    put = client.put(
        f"/api/v1/indicators/sites/{asset}",
        headers={"X-CSRF-Token": csrf},
        json={"kind": "water", "jaune": 1.0, "orange": 1.5, "rouge": 2.0},
    )
    assert put.status_code == 200, put.text
    response = client.get(
        "/api/v1/indicators/water",
        params={"from": "2026-01-20T00:00:00+01:00", "to": "2026-01-20T11:20:00Z"},
    )
    assert response.status_code == 200, response.text
    (site,) = response.json()["stations"]
    assert (site["level"], site["stale"]) == ("orange", False)
    assert site["rate"]["value"] == pytest.approx(20.0)
    assert site["rate"]["unit"] == "cm/h"
    assert site["next_threshold"]["level"] == "rouge"
    assert site["next_threshold"]["reached_at"] == "2026-01-20T13:30:00Z"


def test_settings_are_written_by_writers_of_the_asset_only(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    asset = make_site(engine, territory, domain="water", name="Limnimètre")
    body = {"kind": "water", "jaune": 1.0, "orange": 1.5, "rouge": 2.0}
    path = f"/api/v1/indicators/sites/{asset}"
    assert (
        client.put(path, headers=territory.versailles.bearer("read"), json=body).status_code == 403
    )
    assert client.put(path, headers=territory.boulogne.bearer(), json=body).status_code == 404
    assert client.put(path, headers=territory.epci.bearer(), json=body).status_code == 404
    wrong = client.put(path, headers=territory.versailles.bearer(), json=body | {"rouge": 1.2})
    assert wrong.status_code == 422
    noise = client.put(path, headers=territory.versailles.bearer(), json={"kind": "noise"})
    assert noise.status_code == 422
    assert client.put(path, headers=territory.versailles.bearer(), json=body).status_code == 200
    [site] = client.get(path, headers=territory.versailles.bearer("read")).json()["items"]
    assert site["settings"] == (
        body | {"hysteresis_m": 0.0, "rate_window_minutes": 60, "max_age_minutes": 30}
    )
    assert client.get(path, headers=territory.epci.bearer("read")).status_code == 404


def test_direction_names_stay_with_full_readers(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    asset = make_site(engine, territory, domain="traffic", name="Compteur avenue de Sceaux")
    headers = territory.versailles.bearer()
    settings = {"kind": "traffic", "directions": [{"name": "vers Saint-Cyr"}]}
    assert client.put(
        f"/api/v1/indicators/sites/{asset}", headers=headers, json=settings
    ).is_success
    hours = local_day_window(TUESDAY).hour_starts()
    store(
        engine,
        asset_id=asset,
        member_id=territory.versailles.id,
        quantity="vehicle_count",
        points=[(h + timedelta(minutes=30), 100.0) for h in hours],
    )
    params = {"from": "2026-06-16", "to": "2026-06-17"}
    own = client.get("/api/v1/indicators/traffic", headers=headers, params=params).json()
    shared = client.get(
        "/api/v1/indicators/traffic", headers=territory.epci.bearer("read"), params=params
    ).json()
    assert own["stations"][0]["directions"] == ["vers Saint-Cyr"]
    assert own["stations"][0]["days"][0]["both"]["vehicles"]["value"] == 2400
    assert shared["stations"][0]["directions"] == ["1"]
    assert shared["stations"][0]["station"]["name"] is None
    assert "Saint-Cyr" not in str(shared)


def test_boulogne_asking_for_versailles_gets_nothing(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    asset = make_site(engine, territory, domain="air", name="Station")
    hours = local_day_window(DAY).hour_starts()
    store(
        engine,
        asset_id=asset,
        member_id=territory.versailles.id,
        quantity="no2",
        points=[(h, 95.0) for h in hours],
    )
    headers = territory.boulogne.bearer("read")
    params = {"from": "2026-06-15", "to": "2026-06-16"}
    by_commune = client.get(
        "/api/v1/indicators/air", headers=headers, params=params | {"commune": "78646"}
    )
    assert by_commune.json()["stations"] == []
    by_asset = client.get(
        "/api/v1/indicators/air", headers=headers, params=params | {"asset": asset}
    )
    assert by_asset.status_code == 404
    mine = client.get(
        "/api/v1/indicators/air", headers=territory.versailles.bearer("read"), params=params
    )
    (day,) = mine.json()["stations"][0]["days"]
    assert day["index"]["label"] == "Dégradé"  # NO2 95 -> class 3, the others missing
    assert day["index"]["official"] is False


def _commune_member(engine: Engine, *, siren: str, name: str, insee: str) -> int:
    with engine.begin() as conn:
        member = members.create_member(
            conn,
            data=MemberCreate(siren=siren, name=name, kind=MemberKind.commune, insee=insee),
            actor="test",
        )
    return member.id


def _cabinet(engine: Engine, member_id: int, position: tuple[float, float], kwh: float) -> None:
    asset = make_asset(
        engine,
        member_id=member_id,
        domain="lighting",
        name="Armoire",
        lon=position[0],
        lat=position[1],
    )
    hours = local_day_window(TUESDAY).hour_starts()
    store(
        engine,
        asset_id=asset,
        member_id=member_id,
        quantity="power",
        points=[(h + timedelta(minutes=30), 1000 * kwh) for h in hours],
    )


@pytest.fixture
def lighting_communes(engine: Engine, territory: Territory) -> None:
    """Versailles 1 kWh/h, Le Chesnay-Rocquencourt 0.5 kWh/h, Rueil-Malmaison 2 kWh/h on 16 June."""
    chesnay = _commune_member(engine, siren="217801588", name="Le Chesnay", insee="78158")
    rueil = _commune_member(engine, siren="219200631", name="Rueil", insee="92063")
    _cabinet(engine, territory.versailles.id, VERSAILLES_TOWN_HALL, 1.0)
    _cabinet(engine, chesnay, LE_CHESNAY, 0.5)
    _cabinet(engine, rueil, RUEIL, 2.0)


COMPARE = {"commune": "78646", "from": "2026-06-16", "to": "2026-06-17"}


@pytest.mark.usefixtures("lighting_communes")
def test_the_epci_compares_versailles_with_its_shared_communes(
    client: TestClient, territory: Territory
) -> None:
    # Versailles 24 kWh for 84 095 inhabitants = 2.854e-4 kWh/hab. The EPCI reads Versailles
    # and Le Chesnay (both share their aggregates): 24 + 12 = 36 kWh for 84 095 + 30 689 =
    # 114 784 inhabitants = 3.136e-4 kWh/hab., covering 114 784 of the EPCI's 265 898
    # (43 % < 50 %: not complete). Gap: 100 × (24/84 095 ÷ 36/114 784 − 1) = −9.0 %.
    response = client.get(
        "/api/v1/indicators/lighting/compare", headers=territory.epci.bearer("read"), params=COMPARE
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["metric"], body["per_inhabitant"]) == ("lighting_energy", True)
    commune, epci, departement = body["rows"]
    assert commune["value"]["value"] == pytest.approx(24.0)
    assert commune["per_inhabitant"]["value"] == pytest.approx(24 / 84095)
    assert commune["per_inhabitant"]["unit"] == "kWh/hab."
    assert (epci["zone"]["code"], epci["value"]["value"]) == ("247800584", pytest.approx(36.0))
    assert epci["per_inhabitant"]["value"] == pytest.approx(36 / 114784)
    assert epci["per_inhabitant"]["completeness"]["expected"] == 265898
    assert not epci["per_inhabitant"]["completeness"]["complete"]
    assert epci["commune_gap_percent"] == pytest.approx(-9.0, abs=0.05)
    assert departement["zone"]["code"] == "78"
    assert departement["value"]["value"] == pytest.approx(36.0)
    # Le Chesnay (30 689) is in another stratum: Versailles ranks alone.
    assert (body["rank"]["position"], body["rank"]["out_of"]) == (1, 1)


@pytest.mark.usefixtures("lighting_communes")
def test_the_operator_ranks_versailles_among_communes_of_its_stratum(
    client: TestClient, territory: Territory
) -> None:
    # Stratum 50 000 – 99 999: Versailles 2.854e-4 kWh/hab., Rueil 48 / 82 874 = 5.792e-4.
    # Lower is better: Versailles 1st of 2, better than 100 % of the others.
    body = client.get(
        "/api/v1/indicators/lighting/compare",
        headers=territory.operator.bearer("admin"),
        params=COMPARE,
    ).json()
    assert (body["rank"]["position"], body["rank"]["out_of"]) == (1, 2)
    assert body["rank"]["better_than_percent"] == 100.0
    assert body["rank"]["stratum"] == "50000 à 99999 hab."


@pytest.mark.usefixtures("lighting_communes")
def test_the_epci_loses_versailles_when_it_stops_sharing(
    client: TestClient, engine: Engine, territory: Territory
) -> None:
    with engine.begin() as conn:
        members.update_member_settings(
            conn,
            scope=command_line_scope(),
            member_id=territory.versailles.id,
            data=MemberSettings(share_level=ShareLevel.none),
        )
    body = client.get(
        "/api/v1/indicators/lighting/compare", headers=territory.epci.bearer("read"), params=COMPARE
    ).json()
    commune, epci, _ = body["rows"]
    assert commune["value"]["value"] is None
    assert epci["value"]["value"] == pytest.approx(12.0)  # Le Chesnay alone
    listed = client.get(
        "/api/v1/indicators/lighting",
        headers=territory.epci.bearer("read"),
        params={"from": "2026-06-16", "to": "2026-06-17"},
    ).json()
    assert [s["station"]["commune_insee"] for s in listed["stations"]] == ["78158"]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"from": "yesterday"}, "ISO 8601"),
        ({"from": "2026-06-15T00:00:00"}, "time zone"),
        ({"from": "2026-06-16", "to": "2026-06-15"}, "after"),
        ({"from": "2025-01-01", "to": "2026-06-15"}, "400 days"),
    ],
)
def test_periods_are_checked(
    client: TestClient, territory: Territory, params: dict[str, str], fragment: str
) -> None:
    response = client.get(
        "/api/v1/indicators/air", headers=territory.versailles.bearer("read"), params=params
    )
    assert response.status_code == 422
    assert fragment in response.text


def test_compare_needs_a_commune_of_the_territory(client: TestClient, territory: Territory) -> None:
    headers = territory.versailles.bearer("read")
    assert client.get("/api/v1/indicators/air/compare", headers=headers).status_code == 422
    unknown = client.get(
        "/api/v1/indicators/air/compare", headers=headers, params={"commune": "75056"}
    )
    assert unknown.status_code == 404


def test_the_parameters_are_documented(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/indicators/noise"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) >= {"from", "to", "commune", "asset"}
    for parameter in parameters.values():
        assert parameter.get("description"), parameter["name"]
        assert parameter.get("examples") or parameter["schema"].get("examples"), parameter["name"]
