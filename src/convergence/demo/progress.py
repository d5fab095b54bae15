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
    """Seconds spent in each phase, in order: wall clock, and CPU time of this process.

    On a machine shared with other work, the CPU time says what the phase costs by itself.
    """

    phases: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    _label: str | None = None
    _started: tuple[float, float] = (0.0, 0.0)

    def start(self, label: str) -> None:
        self.stop()
        self._label, self._started = label, (time.monotonic(), time.process_time())

    def stop(self) -> None:
        if self._label is not None:
            wall, cpu = time.monotonic() - self._started[0], time.process_time() - self._started[1]
            self.phases[self._label] = self.phases.get(self._label, 0.0) + wall
            self.cpu[self._label] = self.cpu.get(self._label, 0.0) + cpu
            self._label = None

    @property
    def total(self) -> float:
        return sum(self.phases.values())
