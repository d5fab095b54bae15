"""Charge point handshakes: one answer for every refusal, and guessing is throttled.

Findings 7 and 9 of #13. Before: « unknown charge point » and « wrong password » told which
identities exist although ``docs/ocpp.md`` promises one answer, and passwords could be
guessed at 125 per second.
"""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import Engine
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from convergence.charging.config import config_from_settings
from convergence.charging.ocpp import handshake_auth
from convergence.members.tables import auth_failures
from convergence.settings import Settings
from tests.charging.conftest import PASSWORD, LiveServer, register_charge_point, rows, run
from tests.support import Territory


def refusal(live: LiveServer, ocpp_id: str, authorization: str | None) -> tuple[int, bytes]:
    """The status and body of a refused handshake."""
    headers = {"Authorization": authorization} if authorization else {}

    async def attempt() -> tuple[int, bytes]:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                f"{live.ocpp_url}/{ocpp_id}",
                subprotocols=[Subprotocol("ocpp1.6")],
                additional_headers=headers,
                proxy=None,
            ):
                pass
        response = refused.value.response
        return response.status_code, bytes(response.body or b"")

    answer: tuple[int, bytes] = run(attempt())
    return answer


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_every_refusal_gets_the_same_answer(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.versailles, "CP-KNOWN")
    answers = {
        refusal(live, "CP-KNOWN", basic("CP-KNOWN", "not-the-right-password")),
        refusal(live, "CP-GHOST", basic("CP-GHOST", "not-the-right-password")),
        refusal(live, "CP-KNOWN", None),
        refusal(live, "CP-KNOWN", basic("CP-OTHER", PASSWORD)),
    }
    assert answers == {(401, handshake_auth.REFUSED.encode())}


def test_password_guessing_is_throttled(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    register_charge_point(engine, territory.versailles, "CP-TARGET")
    for n in range(handshake_auth.IDENTITY.free_failures + 1):
        assert refusal(live, "CP-TARGET", basic("CP-TARGET", f"guess-number-{n:04d}"))[0] == 401
    # The right password now waits its turn too: the guesser learns nothing from it.
    assert refusal(live, "CP-TARGET", basic("CP-TARGET", PASSWORD))[0] == 401
    keys = {r.key for r in rows(engine, auth_failures.select())}
    assert "ocpp:identity:CP-TARGET" in keys


def test_random_identities_are_not_counted_one_by_one(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    for n in range(5):
        refusal(live, f"RANDOM-{n}", basic(f"RANDOM-{n}", "whatever-password"))
    keys = [r.key for r in rows(engine, auth_failures.select())]
    assert len(keys) == 1
    assert keys[0].startswith("ocpp:address:")


def test_the_handshake_throttle_follows_its_settings(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    """CONVERGENCE_OCPP_AUTH_*: with one free failure, the right password waits after two."""
    settings = Settings(
        ocpp_auth_identity_free_failures=1,
        ocpp_auth_address_free_failures=1000,
        ocpp_auth_throttle_base_s=60.0,
    )
    live.central.config = config_from_settings(settings).model_copy(
        update={"presence_period_s": 0.2, "db_workers": 2}
    )
    register_charge_point(engine, territory.versailles, "CP-STRICT")
    for n in range(2):
        assert refusal(live, "CP-STRICT", basic("CP-STRICT", f"guess-{n}"))[0] == 401
    assert refusal(live, "CP-STRICT", basic("CP-STRICT", PASSWORD))[0] == 401
    assert handshake_auth.IDENTITY.free_failures > 3  # the defaults would have let it in
