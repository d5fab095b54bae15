"""A batch on its way through the pipeline's stages: its messages, and what waits for the store."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from convergence.decoders.normalise import NormalisedReading
from convergence.ingest.columns import ReadingColumns
from convergence.ingest.devices import Device
from convergence.ingest.envelope import Envelope, Refusal
from convergence.ingest.messages import Message
from convergence.ingest.outcomes import Outcome
from convergence.timeseries.store import NewEvent, NewReading


@dataclass(slots=True)
class Work:
    """One message on its way through the stages."""

    slot: int
    envelope: Envelope
    message: Message
    position: int = 0  # among the items of its envelope: dead letters keep the items' order
    device: Device | None = None
    refusal: Refusal | None = None
    partial: list[Refusal] = field(default_factory=list)
    candidates: list[NormalisedReading] = field(default_factory=list)
    readings: list[NewReading] = field(default_factory=list)
    events: list[NewEvent] = field(default_factory=list)

    @property
    def alive(self) -> bool:
        return self.refusal is None


# A reading on its way to its series: (asset, member, quantity, unit, UTC ts, value, slot,
# where it came from — a message, or a row of a columns batch — to refuse it at the store).
Pending = tuple[int, int, str, str, datetime, float, int, "Work | tuple[ReadingColumns, int]"]


@dataclass(slots=True)
class Prepared:
    """A batch decoded and validated, waiting for its write transaction."""

    outcomes: list[Outcome]
    works: list[Work]
    pending: list[Pending]
    replaying: bool = False

    def copy(self) -> Prepared:
        """A copy the store may change (it adds refusals), keeping this one for a retry."""
        works = {id(w): replace(w, partial=list(w.partial)) for w in self.works}
        # Rows of a columns batch point at their batch, which the store does not change.
        pending = (
            [
                (*item[:7], works[id(item[7])]) if isinstance(item[7], Work) else item
                for item in self.pending
            ]
            if works
            else list(self.pending)
        )
        outcomes = [replace(o, rejections=list(o.rejections)) for o in self.outcomes]
        return Prepared(outcomes, list(works.values()), pending, self.replaying)

    def only(self, slot: int) -> Prepared:
        """The part of one envelope (its outcome stays at ``slot``), to store it on its own."""
        works = [w for w in self.works if w.slot == slot]
        pending = [item for item in self.pending if item[6] == slot]
        return Prepared(self.outcomes, works, pending, self.replaying)
