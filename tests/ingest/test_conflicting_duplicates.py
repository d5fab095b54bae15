"""A second reading at the same time: the same value is a duplicate, another value a refusal.

A sensor that sends 55.5 then 60 for 09:00 has said two things; keeping the first and
dropping the second in silence would hide it. The second becomes a dead letter
(``conflicting_duplicate``) that says both values; an identical retry stays idempotent.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from convergence.ingest.tables import dead_letters
from convergence.timeseries.tables import readings, readings_hourly
from tests.ingest.conftest import Sensors
from tests.support import Territory

TS = "2026-11-28T09:00:00Z"


def _reading(value: float, ts: str = TS) -> dict[str, Any]:
    return {"device": "SONO-01", "ts": ts, "quantity": "laeq", "value": value, "unit": "dB(A)"}


def _post(client: TestClient, territory: Territory, batch: list[dict[str, Any]]) -> Any:
    response = client.post(
        "/api/v1/ingest", json=batch, headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code == 200, response.text
    return response.json()


def _stored(engine: Engine) -> list[float]:
    with engine.connect() as conn:
        return list(conn.execute(select(readings.c.value).order_by(readings.c.ts)).scalars())


def _letters(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return conn.execute(select(dead_letters)).all()


def test_the_same_reading_again_is_a_silent_duplicate(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    first = _post(client, territory, [_reading(55.5)])
    again = _post(client, territory, [_reading(55.5)])
    assert (first["stored"], again["stored"], again["duplicates"], again["refused"]) == (
        1,
        0,
        1,
        [],
    )
    assert _letters(engine) == []


def test_another_value_at_the_same_time_is_a_dead_letter_that_says_both(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    _post(client, territory, [_reading(55.5)])
    second = _post(client, territory, [_reading(60.0), _reading(61.0, ts="2026-11-28T09:01:00Z")])
    assert (second["stored"], second["duplicates"]) == (1, 0)
    [refused] = second["refused"]
    assert (refused["index"], refused["stage"], refused["code"]) == (
        "[0]",
        "store",
        "conflicting_duplicate",
    )
    assert "55.5" in refused["reason"]
    assert "60" in refused["reason"]
    assert _stored(engine) == [55.5, 61.0]  # the first value stays; nothing is overwritten
    [letter] = _letters(engine)
    assert (letter.reason_code, letter.member_id, letter.device_ref) == (
        "conflicting_duplicate",
        territory.versailles.id,
        "SONO-01",
    )
    assert letter.id == refused["dead_letter_id"]
    assert b"60" in letter.raw
    with engine.connect() as conn:
        assert sum(conn.execute(select(readings_hourly.c.count)).scalars()) == 2


def test_two_values_for_one_time_in_one_batch_keep_one_and_refuse_the_other(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    body = _post(client, territory, [_reading(50.0), _reading(52.0)])
    assert (body["stored"], body["duplicates"]) == (1, 0)
    [refused] = body["refused"]
    assert refused["code"] == "conflicting_duplicate"
    [kept] = _stored(engine)
    assert refused["index"] == ("[0]" if kept == 52.0 else "[1]")
    assert len(_letters(engine)) == 1
