"""The offline sweep runs in every process holding connections: each silence reported once.

Under ``convergence serve --workers N`` two workers may sweep at the same moment. On
PostgreSQL the second sweep reads the charge point still online, then waits for the first
one's row lock: once the first commits, the second must not report it again.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from convergence.charging.alerting import Sink
from convergence.charging.kinds import Protocol
from convergence.charging.ocpp.observations import ChargePointRef
from convergence.charging.recording import record_connection, sweep_offline
from convergence.db.types import utcnow
from tests.charging.conftest import TEST_CONFIG, register_charge_point
from tests.support import Territory

WAITING_ON_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND wait_event_type = 'Lock' AND query LIKE 'UPDATE%'"
)


def _silent_charge_point(engine: Engine, territory: Territory) -> int:
    asset_id = register_charge_point(engine, territory.versailles, "SILENT-1")
    ref = ChargePointRef(asset_id, territory.versailles.id, "SILENT-1")
    long_ago = utcnow() - timedelta(days=1)
    with engine.begin() as conn:
        record_connection(conn, Sink(), ref=ref, protocol=Protocol.v16, now=long_ago)
    return asset_id


def _wait_for_a_lock(engine: Engine) -> None:
    deadline = time.monotonic() + 15
    while True:
        with engine.connect() as conn:  # a transaction of its own: a fresh view of the activity
            if conn.execute(WAITING_ON_A_LOCK).scalar():
                return
        assert time.monotonic() < deadline, "the second sweep never waited for the first"
        time.sleep(0.05)


def test_two_concurrent_sweeps_report_a_silent_charge_point_once(
    engine: Engine, territory: Territory
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time: sweeps cannot interleave")
    asset_id = _silent_charge_point(engine, territory)
    now = utcnow()
    second: list[list[int]] = []

    def sweep_meanwhile() -> None:
        with engine.begin() as conn:
            second.append(sweep_offline(conn, Sink(), config=TEST_CONFIG, now=now))

    with engine.connect() as conn, conn.begin():
        first = sweep_offline(conn, Sink(), config=TEST_CONFIG, now=now)
        other = threading.Thread(target=sweep_meanwhile)
        other.start()
        _wait_for_a_lock(engine)
    other.join(timeout=15)
    assert first == [asset_id]
    assert second == [[]]
