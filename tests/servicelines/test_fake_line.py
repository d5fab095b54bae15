"""A line that lives in the tests only appears everywhere once installed, with no core edit.

The composting line of ``fakeline/`` is installed through an entry point (a ``.dist-info``
on ``sys.path``), then found in the menu, on its page, on the dashboard, in the monthly
report, the labels, the quantity catalogue, the isolation walk and the contract test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.decoders.quantities import get_quantity
from convergence.demo import equipment, projects
from convergence.demo.catalogue import COMMUNE_CODES, catalogue_models
from convergence.indicators.timewindows import local_day_of
from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from convergence.reports.service import member_report
from convergence.servicelines import service_lines
from convergence.simulation.fleet import plan_fleet, simulate
from tests.opendata.planting import create_dataset, publish
from tests.servicelines.contract import contract_problems
from tests.servicelines.installing import installed_line
from tests.servicelines.walks import COMPOST_WALK
from tests.support import VERSAILLES_TOWN_HALL, Territory
from tests.web.pages_support import log_in_as
from tests.web.test_isolation import MARKER, api_routes, route_calls, walk
from tests.web.test_isolation import plant as plant_versailles

PARIS = ZoneInfo("Europe/Paris")
ROUTE = ("GET", "/api/v1/compost/indicators")
SEVENTY = "70\u202f%"  # the mean of 60 % and 80 %, written the French way


@pytest.fixture(scope="module", autouse=True)
def compost(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The composting line, installed for this module's tests only."""
    directory = tmp_path_factory.mktemp("site-packages")
    with installed_line("compost", "tests.servicelines.fakeline.line:LINE", directory):
        yield


def plant(client: TestClient, territory: Territory) -> datetime:
    """A Versailles compost bin and two readings of yesterday (60 % and 80 %): its day."""
    asset = client.post(
        "/api/v1/assets",
        headers=territory.versailles.bearer(),
        json={
            "name": f"{MARKER} bac",
            "kind": "compost_bin",
            "domain": "compost",
            "serial": "COMPOST-1",
            "lon": VERSAILLES_TOWN_HALL[0],
            "lat": VERSAILLES_TOWN_HALL[1],
        },
    )
    assert asset.status_code == 201, asset.text
    yesterday = local_day_of(utcnow()) - timedelta(days=1)
    readings = [
        {
            "device": "COMPOST-1",
            "ts": datetime.combine(yesterday, time(hour), PARIS).isoformat(),
            "quantity": "fill_compost",  # an alias the line declares
            "value": value,
        }
        for hour, value in ((9, 60.0), (15, 80.0))
    ]
    response = client.post(
        "/api/v1/ingest", json=readings, headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code == 200, response.text
    return datetime.combine(yesterday, time(12), PARIS)


def assert_published(client: TestClient, territory: Territory) -> None:
    """Versailles publishes the line's dataset: it is listed, described, downloadable."""
    dataset_id = create_dataset(client, territory.versailles, "compost_daily")
    publish(client, territory.versailles, dataset_id)
    (listed,) = client.get("/api/public/v1/datasets").json()["items"]
    assert (listed["kind"], listed["title"]) == (
        "compost_daily",
        "Compostage : remplissage journalier — Versailles",
    )
    (csv,) = [d for d in listed["distributions"] if d["format"] == "csv"]
    schema = client.get(csv["schema_url"].removeprefix("http://testserver"))
    assert schema.json()["name"] == "convergence-compost-journalier"
    rows = client.get(csv["download_url"].removeprefix("http://testserver")).text.splitlines()
    assert rows[1].split(",")[5:7] == ["compost_fill", "%"]
    assert rows[1].split(",")[8:11] == ["70", "60", "80"]
    catalogue = client.get("/opendata/catalog.jsonld").text
    assert "Compostage : remplissage journalier" in catalogue


def test_the_line_is_discovered_with_its_kind_and_quantity() -> None:
    assert service_lines().names()[-1] == "compost"
    assert get_quantity("compost_fill").unit == "%"


def test_the_line_appears_in_the_menu_page_dashboard_report_and_catalogue(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    day = plant(client, territory)
    log_in_as(client, territory.versailles, Role.viewer)
    assert contract_problems(service_lines().get("compost"), client) == []
    air = client.get("/air").text
    assert '<a href="/compostage">Compostage</a>' in air
    page = client.get("/compostage")
    assert page.status_code == 200
    assert f"1 composteur(s) sur 1 jour(s) mesuré(s) : <strong>{SEVENTY}</strong>" in page.text
    dashboard = client.get("/tableau-de-bord?commune=78646").text
    assert "Compostage" in dashboard
    assert SEVENTY in dashboard
    assert "Composteur" in client.get("/inventaire").text  # its asset kind's French name
    with engine.connect() as conn:
        report = member_report(
            conn, scope=command_line_scope(), member_id=territory.versailles.id,
            year=day.year, month=day.month, now=utcnow(),
        )  # fmt: skip
    (commune,) = report.communes
    section = commune.sections[-1]
    assert (section.domain, section.title) == ("compost", "Compostage")
    assert section.sentences == [f"Remplissage moyen des composteurs sur le mois : {SEVENTY}."]
    assert_published(client, territory)


def test_the_isolation_walk_covers_the_line_and_it_leaks_nothing(
    client: TestClient, territory: Territory
) -> None:
    planted = plant_versailles(client, territory)
    plant(client, territory)
    assert ROUTE in api_routes(client)
    assert ROUTE in route_calls()
    assert walk(client, planted, territory.boulogne.bearer("admin")) == []
    query = COMPOST_WALK.api[ROUTE]
    own = client.get(ROUTE[1], params=query, headers=territory.versailles.bearer("read"))
    assert own.json()["names"] == [f"{MARKER} bac"]
    other = client.get(ROUTE[1], params=query, headers=territory.boulogne.bearer("read"))
    assert other.status_code == 200
    assert MARKER not in other.text
    assert other.json()["bins"] == 0
    log_in_as(client, territory.boulogne, Role.member_admin)
    assert client.get("/compostage?commune=78646").status_code == 404
    assert MARKER not in client.get("/compostage").text


def test_the_line_adds_its_compost_bins_to_the_simulated_fleet() -> None:
    plan = plan_fleet(seed=2026, scale=0.2, communes=["78646", "92012"])
    bins = [a for a in plan.assets if a.sim_kind == "compost_bin"]
    assert len(bins) == 6  # 30 at scale 1
    assert {(a.spec.kind, a.spec.domain) for a in bins} == {("compost_bin", "compost")}
    assert bins[0].serial == "SIM-COMPOST-0001"
    assert bins[0].name.startswith("Composteur partagé 1 (")
    monday = int(datetime(2026, 11, 30, tzinfo=UTC).timestamp())
    epoch, fill = simulate(plan, bins[0], "compost_fill", start_s=monday, end_s=monday + 7 * 86400)
    assert 6 * 144 < len(epoch) <= 7 * 144  # every ten minutes, but for the usual outages
    assert fill.max() > fill[0] + 30  # full by Sunday night, emptied on Monday
    assert fill.min() >= 0  # the quantity's bounds
    assert fill.max() <= 100
    model = catalogue_models()["compost_bin"]
    assert (model.vendor, model.domain, model.kind) == ("Compost Connect", "compost", "compost_bin")
    assert dict(model.fields) == {"fill": "compost_fill"}


def test_the_demo_takes_the_line_s_other_equipment_and_planned_projects() -> None:
    plan = plan_fleet(seed=2026, scale=0.2, communes=["78646", "92012"])
    ids = {kind: number for number, kind in enumerate(catalogue_models())}
    found = equipment.planned_assets(plan, model_ids=ids, anchor=date(2026, 12, 1))
    points = [(insee, a) for insee, a in found if "compost_point" in a.tags]
    assert len(points) == 2 * len(COMMUNE_CODES)
    insee, first = points[0]
    assert (first.serial, first.domain, first.kind) == (
        f"DEMO-COMPOST-{insee}-01",
        "compost",
        "compost_bin",
    )
    assert first.name.startswith("Point de collecte 1 (")
    assert first.device_model_id == ids["compost_point"]
    assert equipment.equipment_units(plan)[("78646", "compost")] == 2 + len(
        [a for a in plan.assets if a.sim_kind == "compost_bin" and a.commune_insee == "78646"]
    )
    assert projects.running_names()["compost"] == "Collecte des biodéchets"
    [planned] = [p for p in projects.planned_projects() if p.domain == "compost"]
    assert (planned.insee, planned.name, planned.status) == (
        "92012",
        "Composteurs de quartier",
        "planned",
    )
