"""The catch-up replays rate-limited uplinks within their budget, a batch at a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from convergence.ingest.catchup import CatchUp
from convergence.ingest.decoding import Codecs
from convergence.ingest.envelope import RATE_LIMITED, Envelope, Refusal, Source, Stage
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.ratelimit import IntegrationLimits, RateLimiter
from convergence.ingest.schemas import IntegrationConfig, IntegrationCreate, IntegrationKind
from convergence.ingest.service import create_integration, keep_refused
from convergence.ingest.tables import dead_letters
from convergence.members.scope import command_line_scope
from convergence.simulation.webhooks import chirpstack_uplink
from convergence.timeseries.tables import readings
from tests.ingest.conftest import register
from tests.support import Territory

EUI = "70B3D5E75E000001"
RATE = 2  # uplinks a second: a budget of 120, two kept in reserve for live traffic


@pytest.fixture(scope="module")
def pipeline() -> Iterator[Pipeline]:
    codecs = Codecs()
    yield Pipeline(codecs=codecs)
    codecs.close()


def _kept(engine: Engine, territory: Territory, count: int) -> int:
    data = IntegrationCreate(
        kind=IntegrationKind.chirpstack,
        name="ChirpStack",
        member_id=territory.versailles.id,
        config=IntegrationConfig(max_uplinks_per_second=RATE),
    )
    with engine.begin() as conn:
        integration = create_integration(conn, scope=command_line_scope(), data=data)
    register(engine, territory.versailles.id, name="Capteur", dev_eui=EUI)
    start = datetime.now(UTC) - timedelta(hours=3)
    refusal = Refusal(Stage.receive, RATE_LIMITED, "above the expected rate")
    for index in range(count):
        envelope = Envelope(
            Source.chirpstack,
            chirpstack_uplink(EUI, start + timedelta(seconds=index), index),
            datetime.now(UTC),
            member_id=territory.versailles.id,
            metadata={"event": "up", "integration_id": integration.id, "actor": "token:1"},
        )
        keep_refused(engine, envelope=envelope, refusal=refusal)
    return integration.id


def _count(engine: Engine, table: object, **where: str) -> int:
    query = select(func.count()).select_from(table)  # type: ignore[arg-type]
    for column, value in where.items():
        query = query.where(dead_letters.c[column] == value)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def test_waiting_uplinks_are_replayed_a_bounded_batch_at_a_time(
    engine: Engine, territory: Territory, pipeline: Pipeline
) -> None:
    _kept(engine, territory, 30)
    limits = IntegrationLimits()
    catch_up = CatchUp(
        engine, pipeline=pipeline, integration_limits=limits,
        token_limiter=RateLimiter(600), batch=20,
    )  # fmt: skip

    first = catch_up.run_once()
    second = catch_up.run_once()
    third = catch_up.run_once()

    assert (len(first.replayed), len(second.replayed), len(third.replayed)) == (20, 10, 0)
    assert _count(engine, readings) == 2 * 30
    assert _count(engine, dead_letters, reason_code=RATE_LIMITED, status="replayed") == 30


def test_nothing_is_replayed_while_the_integration_is_at_its_rate(
    engine: Engine, territory: Territory, pipeline: Pipeline
) -> None:
    integration_id = _kept(engine, territory, 5)
    limits = IntegrationLimits()
    # Live traffic has used the whole budget but for the reserve of one second.
    while limits.take_spare(integration_id=integration_id, uplinks_per_second=RATE):
        pass
    catch_up = CatchUp(
        engine, pipeline=pipeline, integration_limits=limits, token_limiter=RateLimiter(600)
    )

    assert catch_up.run_once().replayed == []
    assert _count(engine, dead_letters, reason_code=RATE_LIMITED, status="pending") == 5
    assert limits.wait_time(integration_id=integration_id, uplinks_per_second=RATE) is None
