"""A boolean or a string is not a measurement (finding 9 of #13).

Before: ``"value": true`` was stored as 1.0 and ``"value": "12"`` as 12.0.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from convergence.ingest.tables import dead_letters
from convergence.timeseries.tables import readings
from tests.ingest.conftest import Sensors
from tests.support import Territory


def test_booleans_and_strings_are_refused_as_values(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine
) -> None:
    base = {"device": "SONO-01", "quantity": "laeq", "unit": "dB(A)"}
    batch = {
        "readings": [
            base | {"ts": "2026-11-28T08:00:00Z", "value": True},
            base | {"ts": "2026-11-28T08:01:00Z", "value": "12"},
            base | {"ts": "2026-11-28T08:02:00Z", "value": 55},
        ]
    }
    response = client.post(
        "/api/v1/ingest", json=batch, headers=territory.versailles.bearer("ingest")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["stored"] == 1
    assert [r["index"] for r in body["refused"]] == ["readings[0]", "readings[1]"]
    assert all("value" in r["reason"] for r in body["refused"])
    with engine.connect() as conn:
        assert conn.execute(select(readings.c.value)).scalars().all() == [55.0]
        kept = conn.execute(select(func.count()).select_from(dead_letters)).scalar_one()
    assert kept == 2
