"""Events of the central system, stored through the time-series store for the reactors.

Writes gather their readings and events in a ``Sink``, stored in one go when the
transaction ends; what was new goes to the process's reactors once committed (the alert
rules among them). The three charging alerts are ordinary event rules of the alerts package
(``event_kind`` and a payload ``match``), declared by the charging line's ``alert_rules``
(``convergence.lines.charging``):

- a charger in fault: ``ocpp.status`` with ``charge_point_faulted = true`` (any connector
  Faulted, or the whole charge point); the next status without a fault resolves it;
- a charger unavailable: ``ocpp.status`` with ``charge_point_unavailable = true``;
- a charger offline: ``ocpp.connection`` with ``state = offline``, stored once nothing was
  heard for ``offline_after_intervals`` heartbeat intervals; ``online`` resolves it;
- repeated failed sessions: ``ocpp.session`` with ``repeated_failures = true`` once
  ``failed_sessions_alert`` sessions in a row failed; a completed session resolves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from convergence.charging.kinds import ConnectionState, EventKind
from convergence.charging.ocpp.observations import ChargePointRef
from convergence.quality.qualify import qualify
from convergence.timeseries.committed import Committed
from convergence.timeseries.store import NewEvent, NewReading, insert_events, store_readings

TRUE, FALSE = "true", "false"


def charging_event(
    ref: ChargePointRef,
    kind: EventKind,
    ts: datetime,
    payload: dict[str, Any],
    *,
    connector_id: int = 0,
) -> NewEvent:
    """An event of a charge point (of one of its connectors)."""
    # Events are unique on (asset, kind, ts): connectors reporting in the same millisecond
    # stay apart by a microsecond each, and the same message replayed stays one event.
    moment = ts + timedelta(microseconds=max(connector_id, 0))
    return NewEvent(ref.asset_id, ref.member_id, moment, kind.value, payload)


def connection_event(
    ref: ChargePointRef, state: ConnectionState, ts: datetime, reason: str
) -> NewEvent:
    """The charge point came online or went offline."""
    return charging_event(ref, EventKind.connection, ts, {"state": state.value, "reason": reason})


@dataclass(slots=True)
class Sink:
    """Readings and events gathered by one or many writes, stored together at the end.

    Gathering first lets the central system write the messages of many charge points in one
    transaction: one insert of readings, one of events, one evaluation of alert rules.
    """

    readings: list[NewReading] = field(default_factory=list)
    events: list[NewEvent] = field(default_factory=list)

    def add(self, *, readings: Sequence[NewReading] = (), events: Sequence[NewEvent] = ()) -> None:
        self.readings += readings
        self.events += events

    def merge(self, other: Sink) -> None:
        self.add(readings=other.readings, events=other.events)

    def flush(self, conn: Connection) -> Committed:
        """Store what was gathered; what was actually new, for the reactors after the commit."""
        readings, events = self.readings, self.events
        self.readings, self.events = [], []
        # Meter values take the qualify stage like any reading: set-aside ones feed no figure
        # and no alert.
        inserted = store_readings(conn, readings, qualify=qualify).valid if readings else []
        new_keys = set(insert_events(conn, events)) if events else set()
        new_events = [e for e in events if (e.asset_id, e.kind, e.ts) in new_keys]
        return Committed(readings=inserted, events=new_events)
