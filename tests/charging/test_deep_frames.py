"""A frame nested 100,000 deep is refused, and the connection goes on (finding 9 of #13).

Before: ``json.loads`` raised ``RecursionError``, which nothing caught.
"""

from __future__ import annotations

import asyncio
import base64
import json

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from convergence.charging.ocpp.frames import MAX_DEPTH, too_deep
from tests.charging.conftest import PASSWORD, LiveServer, register_charge_point, run
from tests.support import Territory


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


nested = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\ab', max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=200,
)


@given(nested, st.integers(min_value=1, max_value=MAX_DEPTH))
def test_the_depth_is_measured_outside_strings(value: object, limit: int) -> None:
    assert too_deep(json.dumps(value), limit) == (depth(value) > limit)


def test_a_too_deep_frame_is_refused_and_the_connection_goes_on(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.versailles, "CP-DEEP")
    credentials = base64.b64encode(f"CP-DEEP:{PASSWORD}".encode()).decode()

    async def scenario() -> list[object]:
        async with connect(
            f"{live.ocpp_url}/CP-DEEP",
            subprotocols=[Subprotocol("ocpp1.6")],
            additional_headers={"Authorization": f"Basic {credentials}"},
            proxy=None,
            max_size=None,
        ) as websocket:
            await websocket.send("[" * 100_000 + "]" * 100_000)
            await websocket.send(json.dumps([2, "after-the-deep-one", "Heartbeat", {}]))
            answer = await asyncio.wait_for(websocket.recv(), timeout=10)
        parsed: list[object] = json.loads(answer)
        return parsed

    answer = run(scenario())
    assert answer[:2] == [3, "after-the-deep-one"]
    assert "currentTime" in answer[2]  # type: ignore[operator]
