"""Per-site settings: the migration matches the table, and traffic references are checked."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from convergence.db.schema import load_all_tables
from convergence.errors import InvalidInput
from convergence.indicators.schemas import SeriesSource, TrafficDirection, TrafficSite
from convergence.indicators.services.sites import set_site_settings
from convergence.indicators.tables import site_settings
from convergence.members.scope import command_line_scope
from tests.indicators.planting import make_site
from tests.support import Territory


def test_the_migration_creates_exactly_the_site_settings_table(engine: Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), load_all_tables()
        )
    assert [d for d in differences if site_settings.name in str(d)] == []


def test_a_direction_must_be_a_counter_of_the_same_member(
    engine: Engine, territory: Territory
) -> None:
    mine = make_site(engine, territory, domain="traffic", name="A")
    sensor = make_site(engine, territory, domain="noise", name="Sonomètre")
    theirs = make_site(engine, territory, domain="traffic", name="B", where="boulogne")
    for other in (sensor, theirs, 999_999):
        wrong = TrafficSite(
            directions=[
                TrafficDirection(name="1"),
                TrafficDirection(name="2", heavy=SeriesSource(asset_id=other)),
            ]
        )
        with engine.begin() as conn, pytest.raises(InvalidInput):
            set_site_settings(conn, scope=command_line_scope(), asset_id=mine, settings=wrong)


def test_direction_names_must_differ() -> None:
    with pytest.raises(ValueError, match="differ"):
        TrafficSite(directions=[TrafficDirection(name="1"), TrafficDirection(name="1")])
