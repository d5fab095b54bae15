"""A domain page stays under 300 KB of HTML whatever the period asked: eight air stations
(the most a chart draws one curve each for) measuring the page's five pollutants for two
months, read over two months (hourly rollups) and over three (daily rollups)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.db.types import utcnow
from convergence.indicators.timewindows import local_day_of, local_wall_time
from convergence.members.roles import Role
from convergence.members.scope import command_line_scope
from convergence.registry import service
from convergence.registry.schemas import AssetCreate
from convergence.timeseries.store import NewReading, store_readings
from convergence.web.pages.domains.series import DAY_ROWS, MAX_LINES
from convergence.web.pages.domains.thinning import CHART_NUMBERS, TIME_WEIGHT
from tests.support import VERSAILLES_TOWN_HALL, Territory
from tests.web.pages_support import log_in_as

PAGE_BYTES = 300_000
HOUR = timedelta(hours=1)
DAYS = 62
POLLUTANTS = {"no2": 30.0, "pm10": 20.0, "pm25": 12.0, "o3": 50.0, "so2": 5.0}


@pytest.fixture
def stations(client: TestClient, territory: Territory) -> date:
    """MAX_LINES air stations of Versailles, hourly values of five pollutants for 62 days;
    returns the first day."""
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    last = local_day_of(utcnow()) - timedelta(days=1)
    first = last - timedelta(days=DAYS - 1)
    start = local_wall_time(first, 0)
    hours = (local_wall_time(last + timedelta(days=1), 0) - start) // HOUR
    member = territory.versailles
    with engine.begin() as conn:
        for n in range(MAX_LINES):
            asset = service.create_asset(
                conn,
                scope=command_line_scope(),
                data=AssetCreate(
                    member_id=member.id, name=f"Station {n + 1}", kind="sensor", domain="air",
                    status="active", lon=VERSAILLES_TOWN_HALL[0], lat=VERSAILLES_TOWN_HALL[1],
                ),
            ).id  # fmt: skip
            store_readings(conn, list(_values(asset, member.id, start, hours, offset=n)))
    return first


def _values(
    asset: int, member_id: int, start: datetime, hours: int, *, offset: float
) -> Iterator[NewReading]:
    for h in range(hours):
        at = start + timedelta(hours=h, minutes=30)
        wave = 10 * math.sin(2 * math.pi * h / 24)
        for quantity, level in POLLUTANTS.items():
            yield NewReading(asset, member_id, quantity, "µg/m³", at, level + offset + wave)


def chart_numbers(page: str) -> list[int]:
    """The numbers each chart of the page writes, a time weighing three."""
    figures = re.findall(r'<script type="application/json" id="mesure-[^"]+">(.*?)</script>', page)
    found = []
    for figure in map(json.loads, figures):
        times = len(figure.get("sharedX", [])) + len(figure.get("times", []))
        times += sum(len(trace.get("x", [])) for trace in figure["data"])
        found.append(TIME_WEIGHT * times + sum(len(trace["y"]) for trace in figure["data"]))
    return found


def test_long_periods_of_eight_stations_are_drawn_with_longer_steps_and_shorter_tables(
    client: TestClient, territory: Territory, stations: date
) -> None:
    log_in_as(client, territory.versailles, Role.elected)
    last = stations + timedelta(days=DAYS - 1)
    first = last - timedelta(days=59)
    hours = (local_wall_time(last + timedelta(days=1), 0) - local_wall_time(first, 0)) // HOUR
    page = client.get(f"/air?du={first}&au={last}").text
    assert len(page.encode()) < PAGE_BYTES
    assert page.count("8 équipements, moyennes sur 4 heures.") == len(POLLUTANTS)
    assert len(chart_numbers(page)) == len(POLLUTANTS)
    assert all(numbers <= CHART_NUMBERS for numbers in chart_numbers(page))
    # The sentences speak of every hour read, not of the points drawn.
    assert f"({hours} points)" in page
    assert "Tableau des valeurs journalières" in page

    # Beyond DAY_ROWS days: index days counted by class, values by week (the longest
    # period a page accepts, MAX_DAYS, adds rows of weeks only).
    first = last - timedelta(days=DAY_ROWS + 30)
    page = client.get(f"/air?du={first}&au={last}").text
    assert len(page.encode()) < PAGE_BYTES
    assert "Jours de chaque classe de l'indice de type ATMO sur la période" in page
    classes = re.search(r'<table id="indice-tableau">.*?</table>', page, re.S)
    assert classes
    assert 'class="badge' in classes.group(0)
    assert "Indisponible" in classes.group(0)  # the month before the stations
    assert "Tableau des valeurs hebdomadaires" in page
    assert '<th scope="col">Semaine du</th>' in page
    assert page.count("8 équipements, moyennes journalières.") == len(POLLUTANTS)
