"""Driving the alert flow as the ingestion path does: store a batch, evaluate it, send."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from convergence.alerts.config import AlertsConfig
from convergence.alerts.delivery import SendReport, send_pending
from convergence.alerts.evaluation import evaluate_batch
from convergence.alerts.lifecycle import Outcome
from convergence.alerts.schemas import RuleCreate
from convergence.alerts.service import create_rule
from convergence.members.scope import MemberScope
from convergence.timeseries.store import NewEvent, NewReading, insert_events, store_readings


def ingest(
    engine: Engine,
    *,
    asset_id: int,
    member_id: int,
    points: Sequence[tuple[datetime, float]],
    quantity: str = "water_level",
    unit: str = "m",
    now: datetime,
) -> Outcome:
    """Store readings and evaluate the batch in one transaction, as the react stage does."""
    rows = [NewReading(asset_id, member_id, quantity, unit, ts, value) for ts, value in points]
    with engine.begin() as conn:
        result = store_readings(conn, rows)
        return evaluate_batch(conn, stored=result.inserted, now=now)


def ingest_event(
    engine: Engine, *, asset_id: int, member_id: int, ts: datetime, kind: str, payload: Any
) -> Outcome:
    """Store one event and evaluate it."""
    event = NewEvent(asset_id, member_id, ts, kind, payload)
    with engine.begin() as conn:
        insert_events(conn, [event])
        return evaluate_batch(conn, stored=[], events=[event], now=ts)


def send(engine: Engine, config: AlertsConfig, now: datetime) -> SendReport:
    return send_pending(engine, config=config, now=now)


def rule(engine: Engine, scope: MemberScope, **fields: Any) -> int:
    """Create a rule from API-shaped fields; returns its id."""
    with engine.begin() as conn:
        return create_rule(conn, scope=scope, data=RuleCreate.model_validate(fields)).id
