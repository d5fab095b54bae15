"""Device health: last seen, expected period, battery and the flags of recent values on the
equipment page; the « sans donnée » list counts devices expected to send, silent chargers
included, never cameras that send nothing by design."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.members.roles import Role
from convergence.reports.health import equipment_health
from convergence.timeseries.flags import Flag, Quality, Reason
from convergence.timeseries.store import NewReading, ensure_series, store_readings
from tests.alerts.conftest import user_scope
from tests.support import Territory
from tests.web.pages_support import add_asset, audit, log_in_as


def engine_of(client: TestClient) -> Engine:
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    return engine


def add_model(client: TestClient, territory: Territory, model: str, period: int) -> int:
    body = {"vendor": "Banc", "model": model, "domain": "air", "expected_period_s": period}
    response = client.post("/api/v1/device-models", headers=territory.operator.bearer(), json=body)
    assert response.status_code == 201, response.text
    assert response.json()["expected_period_s"] == period
    model_id: int = response.json()["id"]
    return model_id


def store(
    client: TestClient,
    territory: Territory,
    asset: dict[str, Any],
    *values: Any,
    flag: Quality | None = None,
) -> None:
    """Readings of ``asset``; with ``flag``, each is stored with that flag (as the qualify
    stage of the pipeline would have set it)."""
    member = territory.versailles.id
    rows = [NewReading(asset["id"], member, q, unit, ts, v) for q, unit, ts, v in values]
    with engine_of(client).begin() as conn:
        refs = ensure_series(conn, (r.series_key for r in rows))
        flags = {(refs[(r.asset_id, r.quantity)].id, r.ts): flag for r in rows} if flag else None
        store_readings(conn, rows, quality=flags)


def test_the_equipment_page_tells_the_device_health(
    client: TestClient, territory: Territory
) -> None:
    now = utcnow().replace(microsecond=0)
    model = add_model(client, territory, "AQ-10", 600)
    sensor = add_asset(
        client, territory.versailles, "Capteur du marché", device_model_id=model, status="active"
    )
    earlier = now - timedelta(hours=2)
    store(
        client,
        territory,
        sensor,
        ("pm10", "µg/m³", earlier - timedelta(minutes=20), 21.0),
        ("pm10", "µg/m³", earlier - timedelta(minutes=10), 22.0),
        ("battery", "%", earlier, 87.0),
        ("rssi", "dBm", earlier, -97.0),
    )
    spike = ("pm10", "µg/m³", earlier, 900.0)
    store(client, territory, sensor, spike, flag=(Flag.suspect, Reason.spike))
    log_in_as(client, territory.versailles, Role.viewer)
    page = client.get(f"/inventaire/{sensor['id']}")
    assert page.status_code == 200
    text = unescape(page.text)
    assert "<dt>Dernier signe de vie</dt>" in text
    assert "en retard</strong>" in text  # two hours without a word, expected every 10 min
    assert "toutes les 10 min (d'après le modèle)" in text
    assert "<dt>Niveau de batterie</dt><dd>87,0\u202f%" in text
    assert "<dt>Puissance du signal reçu (RSSI)</dt><dd>" in text
    assert " dBm (le " in text
    assert "Dernières valeurs reçues et leur qualité" in text
    assert "suspecte (pic isolé)" in text
    assert text.count("<td>valide</td>") == 4
    assert audit(page.text).problems() == []

    fresh = add_asset(client, territory.versailles, "Capteur neuf", device_model_id=model)
    store(client, territory, fresh, ("pm10", "µg/m³", now - timedelta(minutes=5), 12.0))
    text = unescape(client.get(f"/inventaire/{fresh['id']}").text)
    assert "en retard" not in text
    assert "non transmis par cet équipement" in text


def test_a_camera_sends_nothing_by_design(client: TestClient, territory: Territory) -> None:
    model = add_model(client, territory, "Dôme", 0)
    camera = add_asset(
        client, territory.versailles, "Caméra mairie", kind="camera", domain="video",
        device_model_id=model, status="active",
    )  # fmt: skip
    log_in_as(client, territory.versailles, Role.viewer)
    text = unescape(client.get(f"/inventaire/{camera['id']}").text)
    assert "Cet équipement n'envoie pas de mesures (ce n'est pas une panne)." in text
    assert "Dernier signe de vie" not in text


def test_the_silent_list_counts_who_should_send_and_silent_chargers(
    client: TestClient, territory: Territory
) -> None:
    now = utcnow()
    period = add_model(client, territory, "AQ-11", 600)
    nothing = add_model(client, territory, "Dôme 2", 0)
    versailles = territory.versailles

    def asset(name: str, **fields: Any) -> dict[str, Any]:
        return add_asset(client, versailles, name, status="active", **fields)

    talking = asset("Capteur bavard", device_model_id=period)
    store(client, territory, talking, ("pm10", "µg/m³", now - timedelta(hours=1), 20.0))
    quiet = asset("Capteur muet", device_model_id=period)
    store(client, territory, quiet, ("pm10", "µg/m³", now - timedelta(hours=30), 20.0))
    asset("Capteur jamais entendu")
    asset("Caméra modèle", kind="camera", domain="video", device_model_id=nothing)
    asset("Caméra sans modèle", kind="camera", domain="video")
    charger = asset("Borne muette", kind="charge_point", domain="charging", ocpp_id="CP-1")
    headers = versailles.bearer()
    base = f"/api/v1/charging/charge-points/{charger['id']}"
    assert client.put(f"{base}/password", headers=headers, json={}).status_code == 200
    # Its meter index arrives (a back-office feed), but the charger itself is not heard.
    store(client, territory, charger, ("energy", "kWh", now - timedelta(hours=1), 1200.0))

    scope = user_scope(engine_of(client), versailles, Role.viewer)
    with engine_of(client).connect() as conn:
        health = equipment_health(conn, scope=scope, communes=["78646"], now=now)
    assert sorted(s.name for s in health.silent) == [
        "Borne muette", "Capteur jamais entendu", "Capteur muet",
    ]  # fmt: skip
    assert health.silent_count == 3
