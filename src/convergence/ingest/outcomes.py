"""What became of each envelope of a batch, as the sender is told and the reactors see it."""

from __future__ import annotations

from dataclasses import dataclass, field

from convergence.ingest.envelope import Stage
from convergence.timeseries.bulk import ReadingRow
from convergence.timeseries.committed import Committed
from convergence.timeseries.store import NewEvent


@dataclass(frozen=True, slots=True)
class Rejection:
    """A refusal as the sender is told about it: where, why, and the dead letter keeping it."""

    index: str | None
    device_ref: str | None
    stage: Stage
    code: str
    reason: str
    dead_letter_id: int | None  # None: over the dead-letter quota, counted and not kept


@dataclass(slots=True)
class Outcome:
    """What became of one envelope."""

    messages: int = 0
    stored: int = 0
    duplicates: int = 0
    events: int = 0
    set_aside: int = 0  # stored, but flagged suspect or invalid (kept out of the figures)
    rejections: list[Rejection] = field(default_factory=list)


@dataclass(slots=True)
class BatchResult:
    """The outcome of each envelope, the valid rows and the events inserted (for the react
    stage)."""

    outcomes: list[Outcome]
    inserted: list[ReadingRow] = field(default_factory=list)
    new_events: list[NewEvent] = field(default_factory=list)

    @property
    def committed(self) -> Committed:
        """What the batch inserted, for the reactors once it is committed."""
        return Committed(readings=self.inserted, events=self.new_events)
