"""How a long backup or restore tells people where it is."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Receives the steps of a backup or restore, and how far the current one has gone."""

    def step(self, message: str) -> None: ...

    def advance(self, done: int, total: int) -> None: ...


class Silent:
    """Progress that says nothing (library use, tests)."""

    def step(self, message: str) -> None:
        return None

    def advance(self, done: int, total: int) -> None:
        return None
