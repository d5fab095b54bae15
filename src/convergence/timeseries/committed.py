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
from dataclasses import dataclass, replace

from sqlalchemy import Connection

from convergence.timeseries.bulk import ReadingRow
from convergence.timeseries.store import NewEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Committed:
    """Readings and events a committed transaction inserted (duplicates left out).

    ``alerts_changed`` holds the alerts the alert rules fired or resolved on them: the first
    stage (``staged``) fills it in for the reactors that follow, so that one with nothing to
    do unless an alert changed (maintenance) costs nothing on the ingestion path. The alert
    worker tells the same reactors of each scheduled run with ``periodic`` set.
    """

    readings: Sequence[ReadingRow] = ()
    events: Sequence[NewEvent] = ()
    alerts_changed: Sequence[int] = ()
    periodic: bool = False  # told by the alert worker's scheduled run, not by a transaction

    def __bool__(self) -> bool:
        return bool(self.readings or self.events or self.alerts_changed or self.periodic)


Reactor = Callable[[Committed], None]
# The first stage: reacts, and says which alerts it fired or resolved.
Stage = Callable[[Committed], Sequence[int]]
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


def staged(first: Stage, then: Sequence[Reactor]) -> Reactor:
    """One reactor: ``first``, then every one of ``then`` told which alerts ``first`` changed."""

    def react(committed: Committed) -> None:
        changed: Sequence[int] = ()
        try:
            changed = first(committed)
        except Exception:
            logger.exception("reactor %r failed", first)
        notify(then, replace(committed, alerts_changed=tuple(changed)))

    return react
