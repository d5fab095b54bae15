"""Fixtures of the coordination tests."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.coordination.builders import Builder
from tests.support import Territory


@pytest.fixture
def build(engine: Engine, territory: Territory) -> Builder:
    return Builder(engine, territory)
