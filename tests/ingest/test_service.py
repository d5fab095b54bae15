"""The react stage: reactors see what was committed; a failing reactor loses nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select

from convergence.ingest.decoding import Codecs
from convergence.ingest.envelope import Envelope, Source
from convergence.ingest.outcomes import BatchResult
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.service import ingest
from convergence.timeseries.tables import readings
from tests.ingest.conftest import Sensors
from tests.support import Territory


@pytest.fixture(scope="module")
def pipeline() -> Iterator[Pipeline]:
    codecs = Codecs()
    yield Pipeline(codecs=codecs)
    codecs.close()


def _envelope(member_id: int, minute: int) -> Envelope:
    item = {"device": "SONO-01", "ts": f"2026-11-28T09:{minute:02d}:00Z", "quantity": "laeq"}
    raw = json.dumps([item | {"value": 50 + minute}]).encode()
    return Envelope(Source.http, raw, datetime.now(UTC), member_id=member_id)


def test_reactors_run_after_the_commit_even_when_one_fails(
    engine: Engine, territory: Territory, sensors: Sensors, pipeline: Pipeline
) -> None:
    seen: list[int] = []

    def count_committed(result: BatchResult) -> None:
        with engine.connect() as conn:  # another connection: the rows must be committed
            seen.append(conn.execute(select(func.count()).select_from(readings)).scalar_one())

    def broken(result: BatchResult) -> None:
        raise RuntimeError("an alert rule with a bug")

    envelopes = [_envelope(territory.versailles.id, m) for m in range(3)]
    result = ingest(
        engine, pipeline=pipeline, envelopes=envelopes, reactors=[broken, count_committed]
    )
    assert [o.stored for o in result.outcomes] == [1, 1, 1]
    assert len(result.inserted) == 3
    assert seen == [3]
