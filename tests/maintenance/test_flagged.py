"""Tickets for equipment flagged faulty by its status or by its own data, not by an alert.

The status test goes through the alert worker of a platform process (``Runtime``): each of
its scheduled runs tells the maintenance reactor, which looks at the flagged assets then.
The quality test sends its values through the real ingestion pipeline, whose quality stage
judges them.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.ingest.decoding import Codecs
from convergence.ingest.envelope import Envelope, Source
from convergence.ingest.pipeline import Pipeline
from convergence.ingest.service import ingest
from convergence.maintenance.kinds import Origin, Problem, TicketStatus
from convergence.maintenance.react import run_sync
from convergence.members.scope import command_line_scope
from convergence.registry import service as registry_service
from convergence.registry.kinds import AssetStatus
from convergence.registry.schemas import AssetUpdate
from convergence.runtime import Runtime
from convergence.settings import Environment, Settings
from tests.ingest.conftest import register
from tests.maintenance.planting import WINDOW
from tests.maintenance.test_faults import tickets_of
from tests.support import Territory


@pytest.fixture
def runtime(engine: Engine) -> Iterator[Runtime]:
    settings = Settings(
        environment=Environment.test,
        secret_key=secrets.token_urlsafe(48),
        maintenance_flagged_period_s=0,  # every run of the worker looks (the default: 15 min)
    )
    built = Runtime.build(settings, engine=engine)
    yield built
    built.close()


def _set_status(engine: Engine, asset_id: int, status: AssetStatus) -> None:
    with engine.begin() as conn:
        registry_service.update_asset(
            conn, scope=command_line_scope(), asset_id=asset_id, data=AssetUpdate(status=status)
        )


def test_a_sensor_set_to_faulty_opens_a_ticket_the_next_period_and_active_restores_it(
    engine: Engine, territory: Territory, runtime: Runtime
) -> None:
    sensor = register(engine, territory.versailles.id, name="Capteur NO2 gare", serial="NO2-9")
    runtime.alert_worker.run_once()
    assert tickets_of(engine, sensor, utcnow()) == []  # active: nothing to open

    _set_status(engine, sensor, AssetStatus.faulty)
    runtime.alert_worker.run_once()
    [ticket] = tickets_of(engine, sensor, utcnow())
    assert (ticket.problem, ticket.origin, ticket.status) == (
        Problem.sensor_faulty, Origin.status, TicketStatus.open,
    )  # fmt: skip
    assert "En panne" in ticket.description
    runtime.alert_worker.run_once()  # still faulty: the same ticket, no duplicate
    assert [t.id for t in tickets_of(engine, sensor, utcnow())] == [ticket.id]

    _set_status(engine, sensor, AssetStatus.active)
    runtime.alert_worker.run_once()
    [restored] = tickets_of(engine, sensor, utcnow())
    assert restored.id == ticket.id
    assert restored.status is TicketStatus.resolved
    assert restored.restoration_verified


def _send(engine: Engine, member_id: int, device: str, items: list[tuple[datetime, float]]) -> None:
    codecs = Codecs()
    try:
        envelopes = [
            Envelope(
                Source.http,
                json.dumps(
                    [{"device": device, "ts": ts.isoformat(), "quantity": "speed", "value": value}]
                ).encode(),
                datetime.now(UTC),
                member_id=member_id,
            )
            for ts, value in items
        ]
        ingest(engine, pipeline=Pipeline(codecs=codecs), envelopes=envelopes, reactors=[])
    finally:
        codecs.close()


def test_a_sensor_whose_recent_values_are_mostly_invalid_opens_a_ticket(
    engine: Engine, territory: Territory
) -> None:
    sensor = register(engine, territory.boulogne.id, name="Radar école", serial="RAD-7",
                      domain="traffic", boulogne=True)  # fmt: skip
    t0 = utcnow().replace(microsecond=0) - timedelta(days=2)
    # Eight speeds 20 minutes apart, six of them out of the physical range (0 to 200 km/h)
    # though plausible enough to be stored (a radar reading double).
    values = [48.0, 210.0, 220.0, 52.0, 230.0, 240.0, 250.0, 260.0]
    _send(engine, territory.boulogne.id, "RAD-7",
          [(t0 + timedelta(minutes=20 * i), v) for i, v in enumerate(values)])  # fmt: skip
    at = t0 + timedelta(hours=3)
    run_sync(engine, reopen_window=WINDOW, now=at)  # the alerts' history alone: no ticket
    assert tickets_of(engine, sensor, at) == []

    run_sync(engine, reopen_window=WINDOW, now=at, flagged=True)
    [ticket] = tickets_of(engine, sensor, at)
    assert (ticket.problem, ticket.origin) == (Problem.sensor_faulty, Origin.quality)
    assert ticket.description.startswith("6 des 8 valeurs")

    # Repaired: twenty valid values follow; within 24 h, 6 of 28 are invalid.
    later = at + timedelta(minutes=10)
    _send(engine, territory.boulogne.id, "RAD-7",
          [(later + timedelta(minutes=10 * i), 40.0 + i) for i in range(20)])  # fmt: skip
    back = later + timedelta(hours=4)
    run_sync(engine, reopen_window=WINDOW, now=back, flagged=True)
    [restored] = tickets_of(engine, sensor, back)
    assert restored.status is TicketStatus.resolved
    assert restored.restored_at == back


def test_values_set_aside_for_a_known_reason_do_not_flag_the_sensor(
    engine: Engine, territory: Territory
) -> None:
    sensor = register(engine, territory.versailles.id, name="Radar en panne", serial="RAD-8",
                      domain="traffic")  # fmt: skip
    _set_status(engine, sensor, AssetStatus.faulty)
    t0 = utcnow().replace(microsecond=0) - timedelta(days=2)
    # Sent while known faulty: every value is invalid for that reason, not for its own.
    _send(engine, territory.versailles.id, "RAD-8",
          [(t0 + timedelta(minutes=10 * i), 50.0 + i) for i in range(10)])  # fmt: skip
    _set_status(engine, sensor, AssetStatus.active)
    at = t0 + timedelta(hours=2)
    run_sync(engine, reopen_window=WINDOW, now=at, flagged=True)
    assert tickets_of(engine, sensor, at) == []


def test_serve_looks_for_flagged_assets_at_most_once_a_period(
    engine: Engine, territory: Territory
) -> None:
    settings = Settings(environment=Environment.test, secret_key=secrets.token_urlsafe(48))
    assert settings.maintenance_flagged_period_s == 900
    built = Runtime.build(settings, engine=engine)
    try:
        sensor = register(engine, territory.versailles.id, name="Capteur PM", serial="PM-4")
        built.alert_worker.run_once()  # looks now: nothing flagged
        _set_status(engine, sensor, AssetStatus.faulty)
        built.alert_worker.run_once()  # within the 15 minutes: does not look again
        assert tickets_of(engine, sensor, utcnow()) == []
    finally:
        built.close()
