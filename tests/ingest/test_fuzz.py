"""Arbitrary bytes and JSON to every receiver: never a crash, every refusal kept with a reason."""

from __future__ import annotations

import copy
import json
import os
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from convergence.ingest.tables import dead_letters
from tests.ingest.conftest import Sensors
from tests.ingest.payloads import CHIRPSTACK_UP, TTS_UP
from tests.support import Territory

NATIVE_TEMPLATE: dict[str, Any] = {
    "readings": [
        {"device": "SONO-01", "ts": "2026-11-28T09:00:00Z", "quantity": "laeq", "value": 55.0},
        {"device": "SONO-01", "ts": "2026-11-28T09:01:00Z", "quantity": "pm25", "value": 8},
    ],
    "uplinks": [{"device": "A81758FFFE0312AB", "fport": 1, "payload_hex": "0100e20229"}],
}
RECEIVERS = {
    "/api/v1/ingest": NATIVE_TEMPLATE,
    "/api/v1/ingest/chirpstack?event=up": CHIRPSTACK_UP,
    "/api/v1/ingest/tts": TTS_UP,
}
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(
        ["", "\x00", "\ud800", "AQDiAikEACcFBgYDCA==", "a81758fffe0312ab", "2026-13-45"]
    )
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*path, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += _paths(child, (*path, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, template: dict[str, Any]) -> bytes:
    """The template with one part replaced by arbitrary JSON: close to valid, hence deep."""
    document = copy.deepcopy(template)
    path = draw(st.sampled_from(_paths(document)[1:]))
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = draw(JSON_VALUES)
    return json.dumps(document).encode()


def bodies(template: dict[str, Any]) -> st.SearchStrategy[bytes]:
    return (
        st.binary(max_size=200)
        | JSON_VALUES.map(lambda value: json.dumps(value).encode())
        | mutated(template)
    )


def _check(response: Any, engine: Engine) -> None:
    assert response.status_code in {200, 202, 422}, response.text
    body = response.json()
    refused = body["refused"] if "refused" in body else body["error"]["details"]["refused"]
    if response.status_code != 200:
        assert refused
    with engine.connect() as conn:
        for rejection in refused:
            letter = conn.execute(
                select(dead_letters).where(dead_letters.c.id == rejection["dead_letter_id"])
            ).one()
            assert letter.reason
            assert letter.status == "pending"


# More examples for a deeper search: CONVERGENCE_FUZZ_EXAMPLES=600 pytest tests/ingest/test_fuzz.py
EXAMPLES = int(os.environ.get("CONVERGENCE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.data())
def test_the_native_api_survives_anything(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine, data: st.DataObject
) -> None:
    body = data.draw(bodies(NATIVE_TEMPLATE))
    response = client.post(
        "/api/v1/ingest", content=body, headers=territory.versailles.bearer("ingest")
    )
    _check(response, engine)


@FUZZ
@given(data=st.data())
def test_the_chirpstack_receiver_survives_anything(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine, data: st.DataObject
) -> None:
    body = data.draw(bodies(CHIRPSTACK_UP))
    path = "/api/v1/ingest/chirpstack?event=up"
    _check(client.post(path, content=body, headers=territory.versailles.bearer("ingest")), engine)


@FUZZ
@given(data=st.data())
def test_the_tts_receiver_survives_anything(
    client: TestClient, territory: Territory, sensors: Sensors, engine: Engine, data: st.DataObject
) -> None:
    body = data.draw(bodies(TTS_UP))
    _check(
        client.post(
            "/api/v1/ingest/tts", content=body, headers=territory.versailles.bearer("ingest")
        ),
        engine,
    )
