"""How the tests build the demo: hourly history over two days, test settings."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from convergence.demo.scenario import Tier
from convergence.settings import Environment, Settings

# Hourly readings over the whole window: fast, and the flood still crosses its thresholds.
FAST_TIERS = (Tier(timedelta(days=10_000), timedelta(hours=1), timedelta(days=1)),)
DAYS = 2


def base_settings(root: Path) -> Settings:
    """The platform's settings of a test run (the demo points them at its own directory)."""
    return Settings(
        environment=Environment.test,
        data_dir=root / "platform-data",
        secret_key=secrets.token_urlsafe(48),
    )
