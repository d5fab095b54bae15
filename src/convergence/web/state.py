"""What the application holds for its lifetime: settings and the database engine."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from convergence.settings import Settings


@dataclass(slots=True)
class AppState:
    settings: Settings
    engine: Engine
