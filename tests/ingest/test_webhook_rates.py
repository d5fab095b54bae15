"""Network-server webhooks are limited by their integration's expected rate and lose nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from convergence.db.types import utcnow
from convergence.ingest.schemas import IntegrationConfig, IntegrationCreate, IntegrationKind
from convergence.ingest.service import create_integration
from convergence.ingest.tables import dead_letters
from convergence.members.roles import TokenScope
from convergence.members.schemas import TokenCreate
from convergence.members.scope import command_line_scope
from convergence.members.tokens import create_token
from convergence.simulation.webhooks import convergence_serve, flood, uplink_bodies
from convergence.timeseries.tables import readings
from tests.ingest.conftest import register
from tests.support import Territory

CHIRPSTACK = "/api/v1/ingest/chirpstack?event=up"


def _integration_token(engine: Engine, member_id: int, config: IntegrationConfig) -> str:
    """An ingest token bound to a ChirpStack integration of ``member_id``."""
    data = IntegrationCreate(
        kind=IntegrationKind.chirpstack, name="ChirpStack", member_id=member_id, config=config
    )
    with engine.begin() as conn:
        integration = create_integration(conn, scope=command_line_scope(), data=data)
        token = create_token(
            conn,
            member_id=member_id,
            actor="test",
            data=TokenCreate(
                name="chirpstack", scopes=[TokenScope.ingest], integration_id=integration.id
            ),
        )
    return token.secret


def _devices(engine: Engine, member_id: int, count: int) -> list[str]:
    euis = [f"70B3D5E75E{index:06X}" for index in range(count)]
    for eui in euis:
        register(engine, member_id, name=f"Capteur {eui}", dev_eui=eui)
    return euis


def _count(engine: Engine, table: object, **where: str) -> int:
    query = select(func.count()).select_from(table)  # type: ignore[arg-type]
    for column, value in where.items():
        query = query.where(dead_letters.c[column] == value)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_uplinks_beyond_the_integrations_rate_are_kept_and_replayed(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    # One uplink a second with a minute of burst: 150 requests in a row cannot all fit (they
    # would have to take 90 s); those beyond the budget are kept, then replayed.
    token = _integration_token(
        engine, territory.versailles.id, IntegrationConfig(max_uplinks_per_second=1)
    )
    [eui] = _devices(engine, territory.versailles.id, 1)
    bodies = uplink_bodies([eui], 150, utcnow() - timedelta(hours=2))
    headers = {"Authorization": f"Bearer {token}"}

    answers = [client.post(CHIRPSTACK, content=body, headers=headers) for body in bodies]

    statuses = [a.status_code for a in answers]
    assert set(statuses) == {200, 202}  # never a 429: ChirpStack retries none
    assert statuses[:60] == [200] * 60
    kept = [a.json()["refused"][0] for a in answers if a.status_code == 202]
    assert {k["code"] for k in kept} == {"rate_limited"}
    assert "max_uplinks_per_second" in kept[0]["reason"]
    assert _count(engine, readings) == 2 * (150 - len(kept))

    for letter in kept:
        replayed = client.post(
            f"/api/v1/dead-letters/{letter['dead_letter_id']}/replay",
            headers=territory.versailles.bearer("admin"),
        )
        assert replayed.json()["replayed"] == [letter["dead_letter_id"]], replayed.text

    assert _count(engine, readings) == 2 * 150


def test_a_webhook_token_without_integration_is_kept_not_refused_over_its_rate(
    make_client: Callable[..., TestClient], territory: Territory, engine: Engine
) -> None:
    client = make_client(ingest_rate_per_minute=2)
    [eui] = _devices(engine, territory.versailles.id, 1)
    bodies = uplink_bodies([eui], 3, utcnow() - timedelta(hours=2))
    headers = territory.versailles.bearer("ingest")

    statuses = [client.post(CHIRPSTACK, content=b, headers=headers).status_code for b in bodies]

    assert statuses == [200, 200, 202]
    assert _count(engine, dead_letters, reason_code="rate_limited") == 1


def test_a_live_server_stores_every_uplink_of_a_steady_webhook(
    territory: Territory, engine: Engine, tmp_path: Path
) -> None:
    """The short version of bench/bench_webhook_rate.py: default settings, a live `serve`."""
    token = _integration_token(engine, territory.versailles.id, IntegrationConfig())
    euis = _devices(engine, territory.versailles.id, 20)
    bodies = uplink_bodies(euis, 600, utcnow() - timedelta(hours=2))
    database_url = engine.url.render_as_string(hide_password=False)

    with convergence_serve(database_url, tmp_path) as base_url:
        result = asyncio.run(
            flood(f"{base_url}{CHIRPSTACK}", token, bodies, rate=100, connections=16)
        )

    assert result.failures == {}, result.failures
    assert result.statuses == {200: 600}
    assert _count(engine, readings) == 2 * 600
    assert _count(engine, dead_letters) == 0


def test_a_live_server_replays_what_a_burst_left_waiting_once_the_rate_is_back(
    territory: Territory, engine: Engine, tmp_path: Path
) -> None:
    # One uplink a second with a minute of burst: 75 uplinks at once overflow it by about 15;
    # `serve` replays them by itself as the budget refills, without anyone asking.
    token = _integration_token(
        engine, territory.versailles.id, IntegrationConfig(max_uplinks_per_second=1)
    )
    [eui] = _devices(engine, territory.versailles.id, 1)
    bodies = uplink_bodies([eui], 75, utcnow() - timedelta(hours=2))
    database_url = engine.url.render_as_string(hide_password=False)

    with convergence_serve(database_url, tmp_path) as base_url:
        result = asyncio.run(
            flood(f"{base_url}{CHIRPSTACK}", token, bodies, rate=500, connections=8)
        )
        kept = result.statuses[202]
        assert kept > 0, result.statuses  # the burst did overflow the budget
        assert result.statuses[200] + kept == 75
        assert not result.failures
        deadline = time.monotonic() + 60
        while _count(engine, readings) < 2 * 75 and time.monotonic() < deadline:
            time.sleep(0.5)

    assert _count(engine, readings) == 2 * 75
    assert _count(engine, dead_letters, reason_code="rate_limited", status="pending") == 0
    assert _count(engine, dead_letters, reason_code="rate_limited", status="replayed") == kept


@pytest.fixture(autouse=True)
def _no_stray_letters(engine: Engine) -> None:
    assert _count(engine, dead_letters) == 0
