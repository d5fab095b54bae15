"""IRVE files from the registry and the central system, served only when they validate."""

from __future__ import annotations

import asyncio
import csv
import io

from sqlalchemy import Engine, select

from convergence.charging.tables import charge_point_connectors
from convergence.simulation.chargepoint import run_charge_point
from convergence.simulation.chargepoint_config import Fault
from tests.charging.conftest import (
    LiveServer,
    eventually,
    profile,
    register_charge_point,
    rows,
    run,
)
from tests.charging.station_details import CONNECTORS, STATION
from tests.support import Territory


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_static_and_dynamic_files_of_a_supervised_station(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "CP-IRVE", name="Mairie")
    headers = territory.versailles.bearer("admin")
    with live.api(headers) as api:
        setup = {"station": STATION, "connectors": CONNECTORS}
        put = api.put(f"/api/v1/charging/charge-points/{asset_id}/station", json=setup)
        assert put.status_code == 200, put.text
        static = api.get("/api/v1/charging/irve/static.csv")
    assert static.status_code == 200, static.text
    assert static.headers["content-type"].startswith("text/csv")
    first, second = csv_rows(static.content)
    assert (first["nom_station"], first["nbre_pdc"], first["code_insee_commune"]) == (
        "Mairie",
        "2",
        "78646",
    )
    assert first["coordonneesXY"] == "[2.130100,48.804900]"
    assert (first["nom_amenageur"], first["siren_amenageur"]) == ("Versailles", "217806462")
    assert second["id_pdc_itinerance"] == "FRY78E786460012"

    async def faulted_connector_2() -> None:
        stop = asyncio.Event()
        scenario = [Fault(connector_id=2, duration_s=3600)]
        task = asyncio.create_task(
            run_charge_point(live.ocpp_url, profile("CP-IRVE"), scenario, stop=stop)
        )
        faulted = select(charge_point_connectors).where(
            charge_point_connectors.c.status == "Faulted"
        )
        await eventually(lambda: rows(engine, faulted))
        stop.set()
        task.cancel()

    run(faulted_connector_2())
    with live.api(headers) as api:
        dynamic = api.get("/api/v1/charging/irve/dynamic.csv")
    assert dynamic.status_code == 200, dynamic.text
    states = {r["id_pdc_itinerance"]: r for r in csv_rows(dynamic.content)}
    assert states["FRY78E786460011"]["etat_pdc"] == "en_service"
    assert states["FRY78E786460011"]["occupation_pdc"] == "libre"
    assert states["FRY78E786460012"]["etat_pdc"] == "hors_service"
    assert states["FRY78E786460012"]["etat_prise_type_2"] == "hors_service"
    assert states["FRY78E786460012"]["etat_prise_type_ef"] == ""  # no such socket there


def test_a_station_missing_mandatory_fields_is_reported_not_exported(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    complete = register_charge_point(engine, territory.versailles, "CP-FULL")
    partial = register_charge_point(engine, territory.versailles, "CP-PART")
    with live.api(territory.versailles.bearer("admin")) as api:
        base = "/api/v1/charging/charge-points"
        api.put(f"{base}/{complete}/station", json={"station": STATION, "connectors": CONNECTORS})
        lacking = {k: v for k, v in STATION.items() if k not in ("address", "opening_hours")}
        lacking["id_station_itinerance"] = "FR*Y78*P78646002"
        connectors = [{"connector_id": 1, "id_pdc_itinerance": "FR*Y78*E78646002*1",
                       "power_kw": 22, "sockets": ["type_2"]}]  # fmt: skip
        api.put(f"{base}/{partial}/station", json={"station": lacking, "connectors": connectors})
        answer = api.get("/api/v1/charging/irve/static.csv")
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_input"
    reasons = " ".join(error["details"]["messages_en"])
    assert "adresse_station" in reasons
    assert "horaires" in reasons
    assert "FRY78P78646002" in reasons
    assert "FRY78P78646001" not in reasons


def test_a_charge_point_without_station_details_is_reported(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.boulogne, "CP-BARE")
    with live.api(territory.boulogne.bearer()) as api:
        answer = api.get("/api/v1/charging/irve/static.csv")
    assert answer.status_code == 422
    assert answer.json()["error"]["details"]["messages_en"] == [
        "station Borne CP-BARE: no charging point"
    ]
