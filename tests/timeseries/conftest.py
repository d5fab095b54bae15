"""Fixtures of the time-series tests: registered equipment to attach series to."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from convergence.members.scope import command_line_scope
from convergence.registry import service
from convergence.registry.schemas import AssetCreate
from tests.support import VERSAILLES_TOWN_HALL, Territory


@pytest.fixture
def asset_id(engine: Engine, territory: Territory) -> int:
    """A noise and air sensor of Versailles."""
    with engine.begin() as conn:
        asset = service.create_asset(
            conn,
            scope=command_line_scope(),
            data=AssetCreate(
                member_id=territory.versailles.id,
                name="Sonomètre place d'Armes",
                kind="sensor",
                domain="noise",
                lon=VERSAILLES_TOWN_HALL[0],
                lat=VERSAILLES_TOWN_HALL[1],
            ),
        )
    return asset.id
