"""What one transaction stored that was new, and the reactors that are told about it.

Every path that takes data in — the ingestion pipeline (HTTP, MQTT, replay) and the OCPP
central system — commits, then hands a ``Committed`` to the same reactors (alert rules,
live updates, maintenance tickets). Reactors are given by the composition root
(``convergence.runtime``); a domain package never calls the packages that react.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from convergence.timeseries.bulk import ReadingRow
from convergence.timeseries.store import NewEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Committed:
    """Readings and events a committed transaction inserted (duplicates left out)."""

    readings: Sequence[ReadingRow] = ()
    events: Sequence[NewEvent] = ()

    def __bool__(self) -> bool:
        return bool(self.readings or self.events)


Reactor = Callable[[Committed], None]
# What was stored inside a transaction that the code storing it does not own (a replay run
# by a registration): kept per connection until its owner has committed.
_deferred: weakref.WeakKeyDictionary[Connection, list[Committed]] = weakref.WeakKeyDictionary()


def defer(conn: Connection, committed: Committed) -> None:
    """Keep ``committed`` for the reactors, to be told once ``conn``'s transaction commits."""
    if committed:
        _deferred.setdefault(conn, []).append(committed)


def take_deferred(conn: Connection) -> Committed:
    """Everything deferred on ``conn``, merged, and forgotten."""
    parts = _deferred.pop(conn, [])
    return Committed(
        readings=[row for part in parts for row in part.readings],
        events=[event for part in parts for event in part.events],
    )


def notify(reactors: Sequence[Reactor], committed: Committed) -> None:
    """Run every reactor on what was committed; a failing one is logged, never raised."""
    if not committed:
        return
    for react in reactors:
        try:
            react(committed)
        except Exception:
            # The data is committed: a failed reaction (an alert, a ticket) must not undo it.
            logger.exception("reactor %r failed", react)
