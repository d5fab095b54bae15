"""A command for a charge point connected to another process, when no process sends it.

The charge point is recorded as connected (``charge_points.connected``) but no process holds
its WebSocket (the worker holding it died before recording the disconnection): the request
waits for the answer, then the command is logged ``timeout`` and its sealed parameters are
removed; the id tag never appears in clear.
"""

from __future__ import annotations

import json

from sqlalchemy import Engine, select

from convergence.charging.alerting import Sink
from convergence.charging.kinds import Protocol
from convergence.charging.ocpp.observations import ChargePointRef
from convergence.charging.recording import record_connection
from convergence.charging.tables import charging_commands
from convergence.db.types import utcnow
from tests.charging.conftest import LiveServer, register_charge_point, rows
from tests.support import Territory

ID_TAG = "ORPHAN-TAG-7"


def test_a_command_no_process_sends_times_out_and_is_forgotten(
    live: LiveServer, engine: Engine, territory: Territory
) -> None:
    asset_id = register_charge_point(engine, territory.versailles, "ORPHAN-1")
    ref = ChargePointRef(asset_id, territory.versailles.id, "ORPHAN-1")
    with engine.begin() as conn:
        record_connection(conn, Sink(), ref=ref, protocol=Protocol.v16, now=utcnow())
    live.configure(response_timeout_s=0.2)
    with live.api(territory.versailles.bearer("admin")) as api:
        answer = api.post(
            f"/api/v1/charging/{asset_id}/commands/remote_start",
            json={"id_tag": ID_TAG, "connector_id": 1},
        )
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["protocol"]) == ("timeout", "ocpp1.6")
    (logged,) = rows(engine, select(charging_commands))
    assert logged.relay is None
    assert ID_TAG not in json.dumps(logged.params)
