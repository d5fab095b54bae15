"""The native batch API: readings and raw uplinks in, refusals explained and kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from convergence.ingest.tables import dead_letters
from convergence.timeseries.tables import readings, readings_hourly, series
from tests.ingest.conftest import Sensors
from tests.support import Territory

TS = "2026-11-28T09:00:00+01:00"


def _reading(device: object, ts: str = TS, **extra: Any) -> dict[str, Any]:
    return {"device": device, "ts": ts, "quantity": "laeq", "value": 55.5, "unit": "dB(A)"} | extra


def _series(engine: Engine) -> dict[str, tuple[str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(select(series.c.quantity, series.c.unit, series.c.id)).all()
    return {r.quantity: (r.unit, r.id) for r in rows}


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(table)).all())


def test_a_batch_of_readings_is_stored_with_canonical_units(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    batch = {
        "readings": [
            _reading("SONO-01"),
            _reading(sensors.noise, ts="2026-11-28T08:15:00Z", value=60),
            _reading(str(sensors.noise), quantity="water_level", value=125, unit="cm"),
            _reading("SONO-01", quantity="temperature", value=12, unit=None),
        ]
    }
    response = client.post(
        "/api/v1/ingest", json=batch, headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["messages"], body["stored"], body["duplicates"], body["refused"]) == (4, 4, 0, [])
    assert _series(engine).keys() == {"laeq", "water_level", "temperature"}
    assert _series(engine)["water_level"][0] == "m"
    with engine.connect() as conn:
        level = conn.execute(
            select(readings.c.value).where(
                readings.c.series_id == _series(engine)["water_level"][1]
            )
        ).scalar_one()
    assert level == 1.25


def test_the_same_batch_twice_is_stored_once(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    batch = [_reading("SONO-01", ts=f"2026-11-28T09:{m:02d}:00Z") for m in range(30)]
    headers = territory.versailles.bearer("ingest")
    first = client.post("/api/v1/ingest", json=batch, headers=headers).json()
    second = client.post("/api/v1/ingest", json=batch, headers=headers).json()
    assert (first["stored"], second["stored"], second["duplicates"]) == (30, 0, 30)
    assert _count(engine, readings) == 30
    with engine.connect() as conn:
        assert conn.execute(select(readings_hourly.c.count)).scalar_one() == 30


def test_a_device_of_another_member_is_refused_as_unknown(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    response = client.post(
        "/api/v1/ingest", json=[_reading("SONO-92")], headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unknown_device"
    assert "SONO-92" in error["message"]
    assert _count(engine, readings) == 0
    with engine.connect() as conn:
        letter = conn.execute(select(dead_letters)).one()
    assert (letter.member_id, letter.device_ref, letter.stage) == (
        territory.versailles.id,
        "SONO-92",
        "resolve",
    )
    assert letter.raw.startswith(b'{"device":"SONO-92"')


def test_good_items_are_stored_and_bad_ones_kept_as_dead_letters(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    batch = [
        _reading("SONO-01"),
        _reading("SONO-01", quantity="loudness"),
        _reading("SONO-01", value=400),
        _reading("SONO-01", ts="2026-11-28T09:00:00"),
        _reading("SONO-01", ts="2099-01-01T00:00:00Z"),
        "not an object",
    ]
    response = client.post(
        "/api/v1/ingest", json=batch, headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["stored"] == 1
    refused = {r["index"]: (r["stage"], r["code"]) for r in body["refused"]}
    assert refused == {
        "[1]": ("normalise", "unknown_quantity"),
        "[2]": ("validate", "implausible"),
        "[3]": ("receive", "invalid_item"),
        "[4]": ("validate", "implausible"),
        "[5]": ("receive", "invalid_item"),
    }
    assert _count(engine, dead_letters) == 5
    reasons = " ".join(r["reason"] for r in body["refused"])
    assert "outside the plausible range" in reasons
    assert "in the future" in reasons


def test_a_raw_uplink_is_decoded_with_the_codec_of_its_device_model(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    uplink = {
        "device": "a8-17-58-ff-fe-03-12-ab",
        "fport": 1,
        "payload_hex": "0100e202290400270506060308",
        "ts": TS,
    }
    response = client.post(
        "/api/v1/ingest", json={"uplinks": [uplink]}, headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code == 200, response.text
    assert response.json()["stored"] == 4
    assert _series(engine).keys() == {"temperature", "relative_humidity", "illuminance", "co2"}


def test_a_codec_refusal_is_a_dead_letter_at_the_decode_stage(
    client: TestClient, territory: Territory, sensors: Sensors
) -> None:
    uplink = {"device": "70B3D57BA0000ABC", "fport": 1, "payload_hex": "02"}
    response = client.post(
        "/api/v1/ingest", json=[uplink], headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code == 422
    refused = response.json()["error"]["details"]["refused"]
    assert refused[0]["stage"] == "decode"


def test_a_token_without_the_ingest_scope_cannot_send(
    client: TestClient, territory: Territory, sensors: Sensors
) -> None:
    response = client.post(
        "/api/v1/ingest", json=[_reading("SONO-01")], headers=territory.versailles.bearer("read")
    )
    assert response.status_code == 403


def test_a_body_over_the_size_limit_is_refused_with_413(
    make_client: Callable[..., TestClient], territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    client = make_client(ingest_max_body_bytes=1000)
    batch = [_reading("SONO-01", ts=f"2026-11-28T09:{m:02d}:00Z") for m in range(30)]
    response = client.post(
        "/api/v1/ingest", json=batch, headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code == 413
    assert "exceeds the limit of 1000 bytes" in response.json()["error"]["message"]
    assert _count(engine, readings) == 0


def test_a_batch_over_the_length_limit_is_refused_with_413(
    make_client: Callable[..., TestClient], territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    client = make_client(ingest_max_batch=10)
    batch = [_reading("SONO-01", ts=f"2026-11-28T09:{m:02d}:00Z") for m in range(11)]
    response = client.post(
        "/api/v1/ingest", json=batch, headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code == 413
    assert "batch of 11 items exceeds the limit of 10" in response.json()["error"]["message"]
    assert _count(engine, readings) == 0
    assert _count(engine, dead_letters) == 0


def test_too_many_requests_of_one_token_get_429(
    make_client: Callable[..., TestClient], territory: Territory, sensors: Sensors
) -> None:
    client = make_client(ingest_rate_per_minute=3)
    statuses = [
        client.post(
            "/api/v1/ingest",
            json=[_reading("SONO-01")],
            headers=territory.versailles.bearer("ingest"),
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    other = client.post(
        "/api/v1/ingest", json=[_reading("SONO-92")], headers=territory.boulogne.bearer("ingest")
    )
    assert other.status_code == 200
    last = client.post("/api/v1/ingest", json=[], headers=territory.versailles.bearer("ingest"))
    assert last.json()["error"]["code"] == "rate_limited"
