"""Daily air and noise files, hourly water levels: rollups of the member's own sensors.

Means come from the time-series queries, so decibel levels are averaged energetically
(10·log10 of the mean of 10^(L/10)), never arithmetically. Days are local days in
Europe/Paris; hours are UTC hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import Connection

from convergence.opendata import cells
from convergence.opendata.drafts import Built, Draft, Source
from convergence.opendata.encoding import write_csv
from convergence.opendata.specs import KIND_SPECS, Cadence
from convergence.opendata.tableschemas import schema_columns
from convergence.opendata.windows import time_range
from convergence.registry.queries import iter_assets
from convergence.registry.schemas import AssetFilters, AssetOut
from convergence.timeseries.query_schemas import (
    Aggregation,
    Point,
    Resolution,
    SeriesFilter,
    SeriesValues,
)
from convergence.timeseries.series_queries import selection_values

_STATISTICS = (Aggregation.mean, Aggregation.min, Aggregation.max)
_DECIMALS = 3


def build_measurements(conn: Connection, *, source: Source, kind: str) -> Built:
    """One row per sensor, quantity and day (or hour) with data."""
    spec = KIND_SPECS[kind]
    (resource,) = spec.resources
    if source.period is None or spec.domain is None:
        raise ValueError(f"{kind} is a time series: it needs a period and a domain")
    hourly = spec.cadence is Cadence.hourly
    filters = AssetFilters(member_id=source.member.id, domain=spec.domain)
    stations = {item.id: item for item in iter_assets(conn, scope=source.scope, filters=filters)}
    by_statistic = [
        selection_values(
            conn,
            scope=source.scope,
            selection=SeriesFilter(domain=spec.domain),
            time_range=time_range(source.period),
            resolution=Resolution.hourly if hourly else Resolution.daily,
            aggregation=statistic,
        )
        for statistic in _STATISTICS
    ]
    rows = _rows(stations, by_statistic, hourly=hourly)
    return Built(drafts=(Draft(resource, write_csv(schema_columns(resource.schema), rows)),))


def _rows(
    stations: dict[int, AssetOut], by_statistic: Sequence[Sequence[SeriesValues]], *, hourly: bool
) -> list[dict[str, str]]:
    means, minima, maxima = by_statistic
    rows = []
    for mean, low, high in zip(means, minima, maxima, strict=True):
        station = stations.get(mean.series.asset_id)
        if station is None:
            continue
        lows = {p.start: p for p in low.points}
        highs = {p.start: p for p in high.points}
        for point in mean.points:
            if point.value is None or point.count == 0:
                continue
            lo, hi = lows.get(point.start, point), highs.get(point.start, point)
            rows.append(_row(station, mean, point, lo, hi, hourly=hourly))
    return rows


def _row(
    station: AssetOut, values: SeriesValues, mean: Point, low: Point, high: Point, *, hourly: bool
) -> dict[str, str]:
    when = (
        {
            "start_datetime": cells.instant(mean.start),
            "end_datetime": cells.instant(mean.start + timedelta(hours=1)),
        }
        if hourly
        else {"day": cells.day(mean.day)}
    )
    return {
        "asset_id": str(station.id),
        "station_name": station.name,
        "commune_insee": cells.text(station.commune_insee),
        "longitude": cells.coordinate(station.lon),
        "latitude": cells.coordinate(station.lat),
        "quantity": values.series.quantity,
        "unit": values.series.unit,
        **when,
        "mean": cells.number(mean.value, _DECIMALS),
        "min": cells.number(low.value, _DECIMALS),
        "max": cells.number(high.value, _DECIMALS),
        "count": str(mean.count),
    }
