"""How the demo tells where it is: phases with a size, advanced step by step, timed."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol


class ProgressSink(Protocol):
    """What shows the progress: a rich progress bar in the CLI, nothing in tests."""

    def phase(self, label: str, total: int) -> None:
        """A new phase of ``total`` steps begins (the previous one is over)."""

    def advance(self, amount: int) -> None:
        """``amount`` more steps of the current phase are done."""


class Silent:
    """A sink that shows nothing."""

    def phase(self, label: str, total: int) -> None:
        return None

    def advance(self, amount: int) -> None:
        return None


@dataclass(slots=True)
class Stopwatch:
    """Seconds spent in each phase, in order."""

    phases: dict[str, float] = field(default_factory=dict)
    _label: str | None = None
    _started: float = 0.0

    def start(self, label: str) -> None:
        self.stop()
        self._label, self._started = label, time.monotonic()

    def stop(self) -> None:
        if self._label is not None:
            elapsed = time.monotonic() - self._started
            self.phases[self._label] = self.phases.get(self._label, 0.0) + elapsed
            self._label = None

    @property
    def total(self) -> float:
        return sum(self.phases.values())
