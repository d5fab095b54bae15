"""Group commit: concurrent webhook envelopes share a transaction; each is answered after it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, event, func, select

from convergence.ingest.decoding import Codecs
from convergence.ingest.envelope import Envelope, Source
from convergence.ingest.groupcommit import GroupCommit
from convergence.ingest.outcomes import Outcome
from convergence.ingest.pipeline import Pipeline
from convergence.timeseries.tables import readings
from tests.ingest.conftest import Sensors
from tests.support import Territory

SENDERS = 24


@pytest.fixture(scope="module")
def pipeline() -> Iterator[Pipeline]:
    codecs = Codecs()
    yield Pipeline(codecs=codecs)
    codecs.close()


def _envelope(member_id: int, minute: int) -> Envelope:
    item = {"device": "SONO-01", "ts": f"2026-11-28T09:{minute:02d}:00Z", "quantity": "laeq"}
    raw = json.dumps([item | {"value": 50 + minute}]).encode()
    return Envelope(Source.http, raw, datetime.now(UTC), member_id=member_id)


def _stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(readings)).scalar_one())


def test_concurrent_envelopes_are_committed_together_and_answered_after_the_commit(
    engine: Engine, territory: Territory, sensors: Sensors, pipeline: Pipeline
) -> None:
    commits: list[int] = []
    told: list[int] = []

    def count_commit(_conn: object) -> None:
        commits.append(1)

    event.listen(engine, "commit", count_commit)
    writer = GroupCommit(
        engine, pipeline=pipeline, reactors=[lambda c: told.append(len(c.readings))]
    )
    answered_with: list[int] = []
    gate = threading.Barrier(SENDERS)

    def send(minute: int) -> Outcome:
        gate.wait()
        outcome = writer.take_in(_envelope(territory.versailles.id, minute))
        answered_with.append(_stored(engine))  # what another connection sees on the answer
        return outcome

    try:
        with ThreadPoolExecutor(SENDERS) as pool:
            outcomes = list(pool.map(send, range(SENDERS)))
    finally:
        writer.close()
        event.remove(engine, "commit", count_commit)

    assert [o.stored for o in outcomes] == [1] * SENDERS
    assert _stored(engine) == SENDERS
    assert min(answered_with) >= 1  # never answered before its own reading was committed
    assert sum(told) == SENDERS  # the reactors heard of every reading, once
    assert len(told) < SENDERS  # ... per batch, not per envelope
    assert len(commits) < SENDERS


def test_a_closed_writer_refuses_instead_of_losing(
    engine: Engine, territory: Territory, sensors: Sensors, pipeline: Pipeline
) -> None:
    writer = GroupCommit(engine, pipeline=pipeline)
    assert writer.take_in(_envelope(territory.versailles.id, 1)).stored == 1
    writer.close()

    with pytest.raises(RuntimeError, match="closed"):
        writer.take_in(_envelope(territory.versailles.id, 2))
    assert _stored(engine) == 1
