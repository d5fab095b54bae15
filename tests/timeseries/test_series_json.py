"""Series values written from rows to JSON bytes equal what the models give, on both backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from convergence.errors import InvalidInput, NotFound
from convergence.members.scope import command_line_scope
from convergence.timeseries.query_schemas import Aggregation, Resolution, SeriesFilter, TimeRange
from convergence.timeseries.series_json import dumps, selection_points, series_values_json
from convergence.timeseries.series_queries import find_series, selection_values, series_values
from tests.support import Territory
from tests.timeseries.queries_support import make_asset, regular, store

# Sunday 29 March 2026 is a 23-hour day in Paris: daily starts move from +01:00 to +02:00.
T0 = datetime(2026, 3, 27, 22, 7, 30, 250000, tzinfo=UTC)
# Three days across the change to summer time, starting and ending inside an hour.
PERIOD = TimeRange(start=T0 + timedelta(hours=5), end=T0 + timedelta(days=3, hours=1))
STEP = timedelta(minutes=17)


@pytest.fixture
def series_ids(engine: Engine, territory: Territory) -> dict[str, int]:
    """A noise series (decibels, energetic means) and an NO2 series, 4 days every 17 minutes."""
    v = territory.versailles.id
    noise = make_asset(engine, member_id=v, name="Sonomètre", domain="noise", where="versailles")
    air = make_asset(engine, member_id=v, name="Air", domain="air", where="versailles")
    n = 4 * 24 * 60 // 17
    levels = [45 + (i * 7919 % 230) / 10 for i in range(n)]
    no2 = [0.1 * i + (i % 13) / 3 for i in range(n)]
    store(engine, asset_id=noise, member_id=v, quantity="laeq", points=regular(T0, STEP, levels))
    store(engine, asset_id=air, member_id=v, quantity="no2", points=regular(T0, STEP, no2))
    with engine.connect() as conn:
        found = find_series(conn, scope=command_line_scope(), selection=SeriesFilter())
    return {info.quantity: info.id for info in found}


CASES = [
    (resolution, aggregation)
    for resolution in (Resolution.raw, Resolution.hourly, Resolution.daily, None)
    for aggregation in Aggregation
]


@pytest.mark.parametrize(("resolution", "aggregation"), CASES)
def test_one_series_is_the_same_json_as_through_the_models(
    engine: Engine,
    series_ids: dict[str, int],
    resolution: Resolution | None,
    aggregation: Aggregation,
) -> None:
    scope = command_line_scope()
    for quantity, series_id in series_ids.items():
        if quantity == "laeq" and aggregation is Aggregation.sum:
            continue  # refused, below
        args = {"scope": scope, "time_range": PERIOD, "resolution": resolution}
        with engine.connect() as conn:
            model = series_values(conn, series_id=series_id, aggregation=aggregation, **args)
            fast = series_values_json(conn, series_id=series_id, aggregation=aggregation, **args)
        assert model.points, (quantity, resolution)
        assert fast == model.model_dump_json().encode()


@pytest.mark.parametrize(
    ("resolution", "aggregation"), [c for c in CASES if c[1] is not Aggregation.sum]
)
def test_a_selection_of_series_is_the_same_json_as_through_the_models(
    engine: Engine,
    series_ids: dict[str, int],
    resolution: Resolution | None,
    aggregation: Aggregation,
) -> None:
    args = {"scope": command_line_scope(), "selection": SeriesFilter(), "time_range": PERIOD}
    with engine.connect() as conn:
        model = selection_values(conn, resolution=resolution, aggregation=aggregation, **args)
        fast = selection_points(conn, resolution=resolution, aggregation=aggregation, **args)
    assert [item["series"]["id"] for item in fast] == sorted(series_ids.values())
    assert all(item["points"] for item in fast)
    assert dumps(fast) == b"[" + b",".join(m.model_dump_json().encode() for m in model) + b"]"


def test_a_selection_is_the_same_json_and_refusals_are_the_same(
    engine: Engine, series_ids: dict[str, int]
) -> None:
    period = TimeRange(start=T0, end=T0 + timedelta(days=1))
    scope = command_line_scope()
    with engine.connect() as conn:
        model = selection_values(conn, scope=scope, selection=SeriesFilter(), time_range=period)
        fast = dumps(
            selection_points(conn, scope=scope, selection=SeriesFilter(), time_range=period)
        )
        assert json.loads(fast) == [json.loads(m.model_dump_json()) for m in model]
        assert len(json.loads(fast)) == 2
        with pytest.raises(InvalidInput):
            series_values_json(
                conn,
                scope=scope,
                series_id=series_ids["laeq"],
                time_range=period,
                aggregation=Aggregation.sum,
            )
        with pytest.raises(NotFound):
            series_values_json(conn, scope=scope, series_id=10**6, time_range=period)
        with pytest.raises(InvalidInput):  # too many raw points asked for explicitly
            series_values_json(
                conn,
                scope=scope,
                series_id=series_ids["no2"],
                time_range=period,
                resolution=Resolution.raw,
                limit=10,
            )
