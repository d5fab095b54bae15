"""Fixtures of the quality tests: the real pipeline and a way to send it readings."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from convergence.ingest.decoding import Codecs
from convergence.ingest.envelope import Envelope, Source
from convergence.ingest.outcomes import BatchResult
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.service import ingest
from convergence.timeseries.tables import readings, readings_set_aside, series

Item = tuple[datetime, float]
Send = Callable[[int, str, str, list[Item]], BatchResult]


@pytest.fixture(scope="module")
def pipeline() -> Iterator[Pipeline]:
    codecs = Codecs()
    yield Pipeline(codecs=codecs, clock=lambda: datetime(2026, 12, 1, tzinfo=UTC))
    codecs.close()


@pytest.fixture
def send(engine: Engine, pipeline: Pipeline) -> Send:
    """Send readings of one quantity of one device through the pipeline, one message each."""

    def send(member_id: int, device: str, quantity: str, items: list[Item]) -> BatchResult:
        envelopes = [
            Envelope(
                Source.http,
                json.dumps(
                    [{"device": device, "ts": ts.isoformat(), "quantity": quantity, "value": v}]
                ).encode(),
                datetime.now(UTC),
                member_id=member_id,
            )
            for ts, v in items
        ]
        return ingest(engine, pipeline=pipeline, envelopes=envelopes, reactors=[])

    return send


def flags_of(engine: Engine, asset_id: int, quantity: str) -> list[tuple[float, int, str | None]]:
    """(value, flag, reason) of every stored reading of a series, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(readings.c.value, readings.c.quality, readings.c.quality_reason)
            .join(series, series.c.id == readings.c.series_id)
            .where(series.c.asset_id == asset_id, series.c.quantity == quantity)
            .order_by(readings.c.ts)
        )
        return [(r.value, r.quality, r.quality_reason) for r in rows]


def set_aside_of(engine: Engine, asset_id: int) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(readings_set_aside.c.reason, readings_set_aside.c["count"])
            .join(series, series.c.id == readings_set_aside.c.series_id)
            .where(series.c.asset_id == asset_id)
        )
        totals: dict[str, int] = {}
        for reason, count in rows:
            totals[reason] = totals.get(reason, 0) + count
        return totals
