"""Time-series queries: the same numbers on SQLite and PostgreSQL, resolutions, scopes, DST."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete

from convergence.errors import InvalidInput, NotFound
from convergence.members.binding import scope_for_token
from convergence.members.roles import TokenScope
from convergence.members.scope import MemberScope, command_line_scope
from convergence.timeseries.query_schemas import (
    Aggregation,
    Resolution,
    SeriesFilter,
    TimeRange,
)
from convergence.timeseries.raw_rollups import combined_values_from_raw
from convergence.timeseries.series_queries import (
    choose_resolution,
    combined_values,
    find_series,
    latest_by_asset,
    selection_values,
    series_values,
)
from convergence.timeseries.tables import readings
from tests.support import Territory
from tests.timeseries.queries_support import make_asset, regular, store

T0 = datetime(2026, 1, 4, 23, 0, tzinfo=UTC)  # Monday 5 January, local midnight (UTC+1)
STEP = timedelta(minutes=10)


def _range(start: datetime, days: float) -> TimeRange:
    return TimeRange(start=start, end=start + timedelta(days=days))


def _values(n: int, seed: int) -> list[float]:
    """Deterministic, irregular values (no random module: the same on every run)."""
    return [round(40 + 20 * math.sin(i * 0.37 + seed) + (i * seed % 7) * 0.25, 3) for i in range(n)]


@pytest.fixture
def fleet(engine: Engine, territory: Territory) -> dict[str, int]:
    """Versailles: a noise sensor and two NO2 sensors; Boulogne: a counter. Two days at 10 min."""
    v, b = territory.versailles.id, territory.boulogne.id
    ids = {
        "noise": make_asset(
            engine, member_id=v, name="Sonomètre", domain="noise", where="versailles"
        ),
        "air1": make_asset(engine, member_id=v, name="Air 1", domain="air", where="versailles"),
        "air2": make_asset(engine, member_id=v, name="Air 2", domain="air", where="versailles"),
        "counter": make_asset(
            engine, member_id=b, name="Compteur", domain="traffic", kind="counter", where="boulogne"
        ),
    }
    n = 2 * 144
    store(
        engine,
        asset_id=ids["noise"],
        member_id=v,
        quantity="laeq",
        points=regular(T0, STEP, _values(n, 1)),
    )
    store(
        engine,
        asset_id=ids["air1"],
        member_id=v,
        quantity="no2",
        points=regular(T0, STEP, _values(n, 2)),
    )
    store(
        engine,
        asset_id=ids["air2"],
        member_id=v,
        quantity="no2",
        points=regular(T0 + timedelta(minutes=3), STEP, _values(n, 3)),
    )
    store(
        engine,
        asset_id=ids["counter"],
        member_id=b,
        quantity="vehicle_count",
        points=regular(T0, STEP, [float(i % 50) for i in range(n)]),
    )
    return ids


def _scope(engine: Engine, member_secret: str) -> MemberScope:
    from convergence.members.tokens import use_token

    with engine.begin() as conn:
        return scope_for_token(conn, token=use_token(conn, secret=member_secret))


def test_the_resolution_follows_the_range() -> None:
    assert choose_resolution(_range(T0, 1)) is Resolution.raw
    assert choose_resolution(_range(T0, 2)) is Resolution.raw
    assert choose_resolution(_range(T0, 30)) is Resolution.hourly
    assert choose_resolution(_range(T0, 365)) is Resolution.daily


def _expected_hours(values: list[float], offset_minutes: int = 0) -> dict[datetime, list[float]]:
    hours: dict[datetime, list[float]] = {}
    for ts, value in regular(T0 + timedelta(minutes=offset_minutes), STEP, values):
        hours.setdefault(ts.replace(minute=0), []).append(value)
    return hours


@pytest.mark.parametrize("aggregation", list(Aggregation))
def test_hourly_values_are_the_numbers_of_the_readings(
    engine: Engine, fleet: dict[str, int], aggregation: Aggregation
) -> None:
    expected_hours = _expected_hours(_values(288, 2))
    compute = {
        Aggregation.mean: lambda v: sum(v) / len(v),
        Aggregation.min: min,
        Aggregation.max: max,
        Aggregation.sum: sum,
        Aggregation.count: lambda v: float(len(v)),
    }[aggregation]
    with engine.connect() as conn:
        result = selection_values(
            conn,
            scope=command_line_scope(),
            selection=SeriesFilter(asset_id=fleet["air1"]),
            time_range=_range(T0, 2),
            resolution=Resolution.hourly,
            aggregation=aggregation,
        )
    (only,) = result
    assert [p.start for p in only.points] == sorted(expected_hours)
    for point in only.points:
        assert point.value == pytest.approx(compute(expected_hours[point.start]), rel=1e-12)
        assert point.count == len(expected_hours[point.start])


def test_noise_is_averaged_energetically(engine: Engine, fleet: dict[str, int]) -> None:
    values = _values(288, 1)
    with engine.connect() as conn:
        day = series_values(
            conn,
            scope=command_line_scope(),
            series_id=_series_id(engine, fleet["noise"]),
            time_range=_range(T0, 2),
            resolution=Resolution.hourly,
        )
    first_hour = values[:6]
    energetic = 10 * math.log10(sum(10 ** (v / 10) for v in first_hour) / 6)
    assert day.points[0].value == pytest.approx(energetic, rel=1e-12)
    assert day.points[0].value > sum(first_hour) / 6  # louder than the arithmetic mean


def _series_id(engine: Engine, asset_id: int) -> int:
    with engine.connect() as conn:
        found = find_series(
            conn, scope=command_line_scope(), selection=SeriesFilter(asset_id=asset_id)
        )
    return found[0].id


def test_a_sum_of_decibels_is_refused(engine: Engine, fleet: dict[str, int]) -> None:
    with engine.connect() as conn, pytest.raises(InvalidInput, match="décibels"):
        series_values(
            conn,
            scope=command_line_scope(),
            series_id=_series_id(engine, fleet["noise"]),
            time_range=_range(T0, 2),
            aggregation=Aggregation.sum,
        )


def test_rollups_give_what_raw_rows_give(engine: Engine, fleet: dict[str, int]) -> None:
    selection = SeriesFilter(quantity="no2")
    with engine.connect() as conn:
        for resolution in (Resolution.hourly, Resolution.daily):
            for aggregation in (Aggregation.mean, Aggregation.max, Aggregation.sum):
                arguments = {
                    "scope": command_line_scope(),
                    "selection": selection,
                    "time_range": _range(T0, 2),
                    "resolution": resolution,
                    "aggregation": aggregation,
                }
                fast = combined_values(conn, **arguments)  # type: ignore[arg-type]
                slow = combined_values_from_raw(conn, **arguments)  # type: ignore[arg-type]
                assert [p.start for p in fast.points] == [p.start for p in slow.points]
                assert [p.count for p in fast.points] == [p.count for p in slow.points]
                assert [p.value for p in fast.points] == pytest.approx(
                    [p.value for p in slow.points], rel=1e-12
                )


def test_merged_series_add_up(engine: Engine, fleet: dict[str, int]) -> None:
    with engine.connect() as conn:
        merged = combined_values(
            conn,
            scope=command_line_scope(),
            selection=SeriesFilter(quantity="no2"),
            time_range=_range(T0, 2),
            resolution=Resolution.daily,
            aggregation=Aggregation.count,
        )
    assert merged.unit == "µg/m³"
    assert len(merged.series_ids) == 2
    # 2 series × 144 readings a day; the second starts 3 minutes later but in the same days.
    assert [p.value for p in merged.points] == [288.0, 288.0]
    assert [p.day for p in merged.points] == [date(2026, 1, 5), date(2026, 1, 6)]


def test_different_quantities_are_not_merged(engine: Engine, fleet: dict[str, int]) -> None:
    with engine.connect() as conn, pytest.raises(InvalidInput, match="quantity"):
        combined_values(
            conn,
            scope=command_line_scope(),
            selection=SeriesFilter(commune_insee="78646"),
            time_range=_range(T0, 2),
        )


def test_daily_buckets_are_paris_days_of_23_and_25_hours(
    engine: Engine, territory: Territory
) -> None:
    member = territory.versailles.id
    asset = make_asset(engine, member_id=member, name="Air", domain="air", where="versailles")
    hour = timedelta(hours=1)
    for first in (datetime(2026, 3, 28, 12, tzinfo=UTC), datetime(2026, 10, 24, 12, tzinfo=UTC)):
        store(
            engine,
            asset_id=asset,
            member_id=member,
            quantity="no2",
            points=regular(first, hour, [1.0] * 48),
        )
    series_id = _series_id(engine, asset)
    with engine.connect() as conn:
        spring = series_values(
            conn,
            scope=command_line_scope(),
            series_id=series_id,
            time_range=TimeRange(
                start=datetime(2026, 3, 29, tzinfo=UTC), end=datetime(2026, 3, 30, tzinfo=UTC)
            ),
            resolution=Resolution.daily,
            aggregation=Aggregation.count,
        )
        autumn = series_values(
            conn,
            scope=command_line_scope(),
            series_id=series_id,
            time_range=TimeRange(
                start=datetime(2026, 10, 25, 12, tzinfo=UTC),
                end=datetime(2026, 10, 25, 13, tzinfo=UTC),
            ),
            resolution=Resolution.daily,
            aggregation=Aggregation.count,
        )
    march_29 = next(p for p in spring.points if p.day == date(2026, 3, 29))
    assert march_29.value == 23.0
    assert march_29.start == datetime(2026, 3, 28, 23, tzinfo=UTC)  # local midnight, UTC+1
    (october_25,) = autumn.points
    assert (october_25.day, october_25.value) == (date(2026, 10, 25), 25.0)
    assert october_25.start == datetime(2026, 10, 24, 22, tzinfo=UTC)  # local midnight, UTC+2


def test_a_year_chart_reads_rollups_only(engine: Engine, fleet: dict[str, int]) -> None:
    year = _range(datetime(2025, 6, 1, tzinfo=UTC), 365)
    scope = command_line_scope()
    with engine.connect() as conn:
        before = selection_values(
            conn, scope=scope, selection=SeriesFilter(quantity="no2"), time_range=year
        )
    with engine.begin() as conn:
        conn.execute(delete(readings))
    with engine.connect() as conn:
        after = selection_values(
            conn, scope=scope, selection=SeriesFilter(quantity="no2"), time_range=year
        )
    assert after == before
    assert {v.resolution for v in after} == {Resolution.daily}
    assert [len(v.points) for v in after] == [2, 2]


def test_short_ranges_fall_back_to_hours_when_raw_rows_are_archived(
    engine: Engine, fleet: dict[str, int]
) -> None:
    with engine.begin() as conn:
        conn.execute(delete(readings))
    with engine.connect() as conn:
        (values,) = selection_values(
            conn,
            scope=command_line_scope(),
            selection=SeriesFilter(asset_id=fleet["air1"]),
            time_range=_range(T0, 1),
        )
    assert values.resolution is Resolution.hourly
    assert len(values.points) == 24


def test_raw_points_are_the_readings(engine: Engine, fleet: dict[str, int]) -> None:
    with engine.connect() as conn:
        (values,) = selection_values(
            conn,
            scope=command_line_scope(),
            selection=SeriesFilter(asset_id=fleet["air2"]),
            time_range=_range(T0, 1),
        )
    assert values.resolution is Resolution.raw
    assert [(p.start, p.value) for p in values.points] == regular(
        T0 + timedelta(minutes=3), STEP, _values(144, 3)
    )


def test_too_many_raw_points_in_an_automatic_chart_give_hours(
    engine: Engine, fleet: dict[str, int]
) -> None:
    with engine.connect() as conn:
        found = selection_values(
            conn,
            scope=command_line_scope(),
            selection=SeriesFilter(quantity="no2"),
            time_range=_range(T0, 2),
            limit=100,
        )
    assert {v.resolution for v in found} == {Resolution.hourly}
    assert [len(v.points) for v in found] == [48, 48]


def test_too_many_raw_points_are_refused(engine: Engine, fleet: dict[str, int]) -> None:
    with engine.connect() as conn, pytest.raises(InvalidInput, match="raw readings"):
        selection_values(
            conn,
            scope=command_line_scope(),
            selection=SeriesFilter(quantity="no2"),
            time_range=_range(T0, 2),
            resolution=Resolution.raw,
            limit=100,
        )


def test_another_commune_sees_nothing(
    engine: Engine, fleet: dict[str, int], territory: Territory
) -> None:
    boulogne = _scope(engine, territory.boulogne.tokens["read"])
    noise_id = _series_id(engine, fleet["noise"])
    with engine.connect() as conn:
        assert [
            s.quantity for s in find_series(conn, scope=boulogne, selection=SeriesFilter())
        ] == ["vehicle_count"]
        assert (
            selection_values(
                conn,
                scope=boulogne,
                selection=SeriesFilter(commune_insee="78646"),
                time_range=_range(T0, 2),
            )
            == []
        )
        assert [
            a.name for a in latest_by_asset(conn, scope=boulogne, selection=SeriesFilter())
        ] == ["Compteur"]
        with pytest.raises(NotFound):
            series_values(
                conn,
                scope=boulogne,
                series_id=noise_id,
                time_range=_range(T0, 60),
            )


def test_the_epci_reads_rollups_but_not_raw_rows(
    engine: Engine, fleet: dict[str, int], territory: Territory
) -> None:
    epci = _scope(engine, territory.epci.tokens["read"])
    series_id = _series_id(engine, fleet["air1"])
    with engine.connect() as conn:
        daily = series_values(
            conn,
            scope=epci,
            series_id=series_id,
            time_range=_range(T0, 2),
            resolution=Resolution.daily,
        )
        auto = series_values(conn, scope=epci, series_id=series_id, time_range=_range(T0, 1))
        assert latest_by_asset(conn, scope=epci, selection=SeriesFilter()) == []
        with pytest.raises(NotFound):
            series_values(
                conn,
                scope=epci,
                series_id=series_id,
                time_range=_range(T0, 1),
                resolution=Resolution.raw,
            )
    assert len(daily.points) == 2
    assert auto.resolution is Resolution.hourly


def test_latest_values_for_the_map(
    engine: Engine, fleet: dict[str, int], territory: Territory
) -> None:
    versailles = _scope(engine, territory.versailles.tokens["read"])
    with engine.connect() as conn:
        found = latest_by_asset(
            conn, scope=versailles, selection=SeriesFilter(commune_insee="78646")
        )
    assert sorted(a.name for a in found) == ["Air 1", "Air 2", "Sonomètre"]
    air2 = next(a for a in found if a.name == "Air 2")
    (reading,) = air2.readings
    assert reading.quantity == "no2"
    assert reading.ts == T0 + timedelta(minutes=3) + 287 * STEP
    assert reading.value == _values(288, 3)[-1]
    assert air2.lon is not None
    assert air2.commune_insee == "78646"


def test_the_read_scope_is_required(engine: Engine, territory: Territory) -> None:
    ingest_only = _scope(engine, territory.versailles.tokens[TokenScope.ingest.value])
    with engine.connect() as conn:
        assert find_series(conn, scope=ingest_only, selection=SeriesFilter()) == []
