"""Time-series queries for charts, maps and exports; every one takes a member scope.

Series are selected by id, asset, commune, quantity or domain. The resolution follows the
range when not given — raw up to two days, hourly up to 62 days, daily beyond — so a one-year
chart reads 365 daily rollups per series and never scans raw rows. Raw readings are read in
full scope only; hourly and daily rollups are aggregates, also readable by the EPCI or
département a commune shares them with (``member_clause(..., aggregates=True)``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Row, Select, select

from convergence.errors import InvalidInput, NotFound
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets
from convergence.timeseries.buckets import (
    Bucket,
    TooManyPoints,
    check_aggregation,
    daily_buckets,
    hourly_buckets,
    raw_buckets,
)
from convergence.timeseries.latest_valid import (
    HeardState,
    heard_join,
    heard_reading,
    latest_valid,
)
from convergence.timeseries.query_schemas import (
    Aggregation,
    CombinedValues,
    LatestAsset,
    LatestReading,
    Resolution,
    SeriesFilter,
    SeriesInfo,
    SeriesValues,
    TimeRange,
)
from convergence.timeseries.rollups import is_decibel
from convergence.timeseries.tables import series

RAW_MAX_SPAN = timedelta(days=2)
HOURLY_MAX_SPAN = timedelta(days=62)
RAW_LIMIT = 100_000


def choose_resolution(time_range: TimeRange) -> Resolution:
    """Raw up to two days, hourly up to 62 days, daily beyond."""
    if time_range.span <= RAW_MAX_SPAN:
        return Resolution.raw
    if time_range.span <= HOURLY_MAX_SPAN:
        return Resolution.hourly
    return Resolution.daily


def _series_select(scope: MemberScope, selection: SeriesFilter, *, aggregates: bool) -> Select[Any]:
    query = (
        select(
            series.c.id,
            series.c.asset_id,
            series.c.member_id,
            series.c.quantity,
            series.c.unit,
            assets.c.commune_insee,
            assets.c.domain,
        )
        .join(assets, assets.c.id == series.c.asset_id)
        .where(member_clause(scope, series.c.member_id, aggregates=aggregates))
    )
    return _filtered(query, selection).order_by(series.c.id)


def _filtered(query: Select[Any], selection: SeriesFilter) -> Select[Any]:
    if selection.series_ids is not None:
        query = query.where(series.c.id.in_(selection.series_ids))
    if selection.asset_id is not None:
        query = query.where(series.c.asset_id == selection.asset_id)
    if selection.commune_insee is not None:
        query = query.where(assets.c.commune_insee == selection.commune_insee)
    if selection.quantity is not None:
        query = query.where(series.c.quantity == selection.quantity)
    if selection.domain is not None:
        query = query.where(assets.c.domain == selection.domain)
    return query


def select_series(*, scope: MemberScope, selection: SeriesFilter) -> Select[Any]:
    """The statement of the selected series whose rollups the scope may read."""
    return _series_select(scope, selection, aggregates=True)


def series_info(row: Row[Any]) -> SeriesInfo:
    return SeriesInfo.model_validate(row._asdict())


def find_series(
    conn: Connection, *, scope: MemberScope, selection: SeriesFilter, aggregates: bool = True
) -> list[SeriesInfo]:
    """The selected series the scope may read (their rollups only, with ``aggregates``)."""
    rows = conn.execute(_series_select(scope, selection, aggregates=aggregates))
    return [SeriesInfo.model_validate(row._asdict()) for row in rows]


def plan(
    conn: Connection,
    *,
    scope: MemberScope,
    selection: SeriesFilter,
    time_range: TimeRange,
    resolution: Resolution | None,
) -> tuple[Resolution, list[SeriesInfo]]:
    """The resolution to read and the series to read it from, within the scope."""
    chosen = resolution or choose_resolution(time_range)
    if chosen is not Resolution.raw:
        return chosen, find_series(conn, scope=scope, selection=selection, aggregates=True)
    full = find_series(conn, scope=scope, selection=selection, aggregates=False)
    if resolution is None:
        # Raw rows are full-scope data: an aggregate reader's chart falls back to hours.
        shared = find_series(conn, scope=scope, selection=selection, aggregates=True)
        if len(shared) != len(full):
            return Resolution.hourly, shared
    return chosen, full


def _buckets(
    conn: Connection,
    resolution: Resolution,
    infos: Sequence[SeriesInfo],
    time_range: TimeRange,
    *,
    merge: bool = False,
    limit: int = RAW_LIMIT,
) -> list[Bucket]:
    ids = [info.id for info in infos]
    if not ids:
        return []
    if resolution is Resolution.raw:
        return raw_buckets(conn, series_ids=ids, time_range=time_range, limit=limit)
    read = hourly_buckets if resolution is Resolution.hourly else daily_buckets
    return read(conn, series_ids=ids, time_range=time_range, merge=merge)


def _read(
    conn: Connection,
    resolution: Resolution,
    infos: Sequence[SeriesInfo],
    time_range: TimeRange,
    *,
    automatic: bool,
    limit: int,
) -> tuple[Resolution, list[Bucket]]:
    """The buckets at ``resolution``; an automatic raw read that finds nothing (the period
    is archived) or too much (a whole territory) gives hourly rollups instead."""
    if not (automatic and resolution is Resolution.raw):
        return resolution, _buckets(conn, resolution, infos, time_range, limit=limit)
    try:
        found = _buckets(conn, resolution, infos, time_range, limit=limit)
    except TooManyPoints:
        found = []
    if found or not infos:
        return resolution, found
    return Resolution.hourly, _buckets(conn, Resolution.hourly, infos, time_range)


def check_units(infos: Sequence[SeriesInfo], aggregation: Aggregation) -> None:
    """InvalidInput when ``aggregation`` means nothing for one of the series (a dB sum)."""
    for info in infos:
        check_aggregation(aggregation, decibel=is_decibel(info.unit))


def selection_values(
    conn: Connection,
    *,
    scope: MemberScope,
    selection: SeriesFilter,
    time_range: TimeRange,
    resolution: Resolution | None = None,
    aggregation: Aggregation = Aggregation.mean,
    limit: int = RAW_LIMIT,
) -> list[SeriesValues]:
    """Points of every selected series (automatic raw falls back to hours when it must)."""
    chosen, infos = plan(
        conn, scope=scope, selection=selection, time_range=time_range, resolution=resolution
    )
    check_units(infos, aggregation)
    chosen, buckets = _read(
        conn, chosen, infos, time_range, automatic=resolution is None, limit=limit
    )
    by_series: dict[int, list[Bucket]] = defaultdict(list)
    for bucket in buckets:
        by_series[bucket.series_id].append(bucket)
    return [_series_values(info, chosen, aggregation, by_series[info.id]) for info in infos]


def _series_values(
    info: SeriesInfo, resolution: Resolution, aggregation: Aggregation, buckets: list[Bucket]
) -> SeriesValues:
    decibel = is_decibel(info.unit)
    return SeriesValues.model_validate(
        {
            "series": info,
            "resolution": resolution,
            "aggregation": aggregation,
            "points": [b.point(aggregation, decibel=decibel) for b in buckets],
        }
    )


def series_values(
    conn: Connection,
    *,
    scope: MemberScope,
    series_id: int,
    time_range: TimeRange,
    resolution: Resolution | None = None,
    aggregation: Aggregation = Aggregation.mean,
    limit: int = RAW_LIMIT,
) -> SeriesValues:
    """Points of one series; NotFound if the scope may not read it at that resolution."""
    found = selection_values(
        conn,
        scope=scope,
        selection=SeriesFilter(series_ids=(series_id,)),
        time_range=time_range,
        resolution=resolution,
        aggregation=aggregation,
        limit=limit,
    )
    if not found:
        raise NotFound(f"série {series_id} introuvable / series {series_id} not found")
    return found[0]


def combined_values(
    conn: Connection,
    *,
    scope: MemberScope,
    selection: SeriesFilter,
    time_range: TimeRange,
    resolution: Resolution | None = None,
    aggregation: Aggregation = Aggregation.mean,
) -> CombinedValues:
    """The selected series of one quantity merged per bucket (hourly or daily rollups)."""
    chosen = resolution or choose_resolution(time_range)
    if chosen is Resolution.raw:
        if resolution is not None:
            raise InvalidInput(
                "la fusion de séries se fait par heure ou par jour / series are merged per hour "
                "or per day: use resolution=hourly or daily"
            )
        chosen = Resolution.hourly
    infos = find_series(conn, scope=scope, selection=selection, aggregates=True)
    quantity, unit = single_quantity(infos, selection)
    check_units(infos, aggregation)
    buckets = _buckets(conn, chosen, infos, time_range, merge=True)
    return combined(quantity, unit, infos, chosen, aggregation, buckets)


def combined(
    quantity: str,
    unit: str,
    infos: Sequence[SeriesInfo],
    resolution: Resolution,
    aggregation: Aggregation,
    buckets: Sequence[Bucket],
) -> CombinedValues:
    """The merged curve of ``infos`` from its merged buckets."""
    decibel = is_decibel(unit)
    return CombinedValues.model_validate(
        {
            "quantity": quantity,
            "unit": unit,
            "series_ids": [info.id for info in infos],
            "resolution": resolution,
            "aggregation": aggregation,
            "points": [b.point(aggregation, decibel=decibel) for b in buckets],
        }
    )


def single_quantity(infos: Sequence[SeriesInfo], selection: SeriesFilter) -> tuple[str, str]:
    """The one (quantity, unit) of the series; InvalidInput when they mix several."""
    kinds = sorted({(info.quantity, info.unit) for info in infos})
    if len(kinds) > 1:
        found = ", ".join(f"{q} ({u})" for q, u in kinds[:5])
        raise InvalidInput(
            f"impossible de fusionner des grandeurs différentes : précisez quantity / cannot "
            f"merge different quantities ({found}): add a quantity filter"
        )
    return kinds[0] if kinds else (selection.quantity or "", "")


def latest_by_asset(
    conn: Connection, *, scope: MemberScope, selection: SeriesFilter
) -> list[LatestAsset]:
    """Each selected asset with the latest valid value of each of its series (for maps).

    A spike set aside is not what a map shows: the last valid value is, with the reason the
    newer value was set aside; a series with no valid value shows none.
    """
    heard = heard_reading()
    query = (
        select(
            assets.c.id.label("asset_id"),
            assets.c.member_id,
            assets.c.name,
            assets.c.kind,
            assets.c.domain,
            assets.c.status,
            assets.c.commune_insee,
            assets.c.lon,
            assets.c.lat,
            series.c.id.label("series_id"),
            series.c.quantity,
            series.c.unit,
            series.c.last_ts,
            series.c.last_value,
            series.c.valid_ts,
            series.c.valid_value,
            heard.c.quality.label("heard_quality"),
            heard.c.quality_reason.label("heard_reason"),
        )
        .join(assets, assets.c.id == series.c.asset_id)
        .outerjoin(heard, heard_join(heard))
        .where(member_clause(scope, series.c.member_id))
    )
    rows = conn.execute(_filtered(query, selection).order_by(assets.c.id, series.c.quantity))
    rows_list = rows.all()
    valid = latest_valid(conn, (_heard_state(row) for row in rows_list))
    found: dict[int, LatestAsset] = {}
    for row in rows_list:
        values = row._asdict()
        asset = found.get(row.asset_id)
        if asset is None:
            asset = found[row.asset_id] = LatestAsset.model_validate(values | {"readings": []})
        latest = valid[row.series_id]
        asset.readings.append(
            LatestReading(
                series_id=row.series_id,
                quantity=row.quantity,
                unit=row.unit,
                ts=latest.ts,
                value=latest.value,
                set_aside_ts=latest.set_aside_ts,
                set_aside_reason=latest.set_aside_reason,
            )
        )
    return list(found.values())


def _heard_state(row: Row[Any]) -> HeardState:
    return HeardState(
        row.series_id,
        row.last_ts,
        row.last_value,
        row.valid_ts,
        row.valid_value,
        row.heard_quality,
        row.heard_reason,
    )
