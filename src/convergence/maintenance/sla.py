"""SLA figures of a ticket under its contract: delays used, lateness and penalties.

Two clocks run from the opening of a ticket (the time of the fault):

- the **intervention** clock stops when the contractor takes the ticket in hand
  (acknowledgement in its portal);
- the **restoration** clock stops when service is restored (verified by telemetry for a
  charge point).

Both count in the contract's hours (calendar or business), net of pauses (waiting on the
member; between a restoration and a reopening) and of agreed exclusions. A clock still
running is measured up to ``now``. Penalty: the contract's amount per started hour beyond
each delay, the total capped per ticket when the contract sets a cap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import Row

from convergence.maintenance.clocks import Calendar, Interval, deadline, elapsed_seconds
from convergence.maintenance.kinds import HoursBasis

HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class Terms:
    """The SLA terms of a contract."""

    calendar: Calendar
    intervention_delay_s: float
    restoration_delay_s: float
    penalty_per_hour_cents: int
    penalty_cap_cents: int | None

    @classmethod
    def from_row(cls, row: Row[Any]) -> Terms:
        """The terms of a ``maintenance_contracts`` row."""
        start, end = int(row.day_start_min), int(row.day_end_min)
        calendar = Calendar(
            basis=HoursBasis(row.hours_basis),
            day_start=time(start // 60, start % 60),
            day_end=time(end // 60, end % 60),
        )
        return cls(
            calendar=calendar,
            intervention_delay_s=int(row.intervention_delay_min) * 60.0,
            restoration_delay_s=int(row.restoration_delay_min) * 60.0,
            penalty_per_hour_cents=int(row.penalty_per_hour_cents),
            penalty_cap_cents=row.penalty_cap_cents,
        )


@dataclass(frozen=True, slots=True)
class Clock:
    """One clock of a ticket."""

    elapsed_s: float
    delay_s: float
    due_at: datetime
    stopped: bool

    @property
    def late_s(self) -> float:
        return max(0.0, self.elapsed_s - self.delay_s)

    @property
    def is_late(self) -> bool:
        return self.late_s > 0


@dataclass(frozen=True, slots=True)
class TicketSla:
    intervention: Clock
    restoration: Clock
    penalty_cents: int


def clock(
    *,
    start: datetime,
    stop: datetime | None,
    now: datetime,
    delay_s: float,
    calendar: Calendar,
    holes: Sequence[Interval],
) -> Clock:
    """A clock from ``start`` to ``stop`` (or ``now`` while it runs), net of ``holes``."""
    end = stop if stop is not None else now
    return Clock(
        elapsed_s=elapsed_seconds(start, end, calendar, holes),
        delay_s=delay_s,
        due_at=deadline(start, delay_s, calendar, holes),
        stopped=stop is not None,
    )


def ticket_sla(
    *,
    terms: Terms,
    opened_at: datetime,
    acknowledged_at: datetime | None,
    restored_at: datetime | None,
    holes: Sequence[Interval],
    now: datetime,
) -> TicketSla:
    """Both clocks of a ticket and its penalty."""
    calendar = terms.calendar
    intervention = clock(
        start=opened_at, stop=acknowledged_at, now=now,
        delay_s=terms.intervention_delay_s, calendar=calendar, holes=holes,
    )  # fmt: skip
    restoration = clock(
        start=opened_at, stop=restored_at, now=now,
        delay_s=terms.restoration_delay_s, calendar=calendar, holes=holes,
    )  # fmt: skip
    return TicketSla(intervention, restoration, penalty(terms, intervention, restoration))


def penalty(terms: Terms, *clocks: Clock) -> int:
    """Euro cents owed: the rate per started hour of lateness on each clock, capped."""
    hours = sum(math.ceil(c.late_s / HOUR) for c in clocks if c.is_late)
    total = hours * terms.penalty_per_hour_cents
    if terms.penalty_cap_cents is not None:
        total = min(total, terms.penalty_cap_cents)
    return total
