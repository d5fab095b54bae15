"""What changes whenever the data of a commune changes, so that figures computed from it are
computed again only then: counts and latest times of its series, rollups, set-aside values,
quality periods, events and equipment, in a few grouped queries for every commune at once.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from sqlalchemy import ColumnElement, Connection, FromClause, Select, Table, func, select

from convergence.quality.tables import quality_periods
from convergence.registry.tables import assets
from convergence.timeseries.tables import events, readings_daily, readings_set_aside, series

UNSCOPED_REASON = (
    "a platform job's change detection: counts and times per commune, compared with the "
    "previous round and never shown to anyone"
)


def data_fingerprints(conn: Connection) -> dict[str, Hashable]:
    """For each commune with equipment, a value that differs as soon as any of its readings,
    set-aside values, quality periods, events or equipment is added, changed or removed."""
    of_series = series.join(assets, assets.c.id == series.c.asset_id)
    parts = (
        _per_commune(assets, func.count(), func.max(assets.c.id)),
        _per_commune(of_series, func.count(), func.max(series.c.last_ts)),
        _per_commune(
            _rollup_of(of_series, readings_daily),
            func.sum(readings_daily.c.count),
            func.count(),  # no sum of values: a float sum's last digits vary between plans
        ),
        _per_commune(
            _rollup_of(of_series, readings_set_aside),
            func.sum(readings_set_aside.c.count),
            func.count(),
        ),
        _per_commune(
            quality_periods.join(assets, assets.c.id == quality_periods.c.asset_id),
            func.count(),
            func.max(quality_periods.c.id),
        ),
        _per_commune(
            events.join(assets, assets.c.id == events.c.asset_id),
            func.count(),
            func.max(events.c.id),
        ),
    )
    found: dict[str, list[object]] = {}
    for number, query in enumerate(parts):
        for insee, first, second in conn.execute(query):
            found.setdefault(insee, [None] * len(parts))[number] = (first, second)
    return {insee: tuple(values) for insee, values in found.items() if insee}


def _rollup_of(of_series: FromClause, table: Table) -> FromClause:
    return of_series.join(table, table.c.series_id == series.c.id)


def _per_commune(
    source: FromClause, first: ColumnElement[Any], second: ColumnElement[Any]
) -> Select[Any]:
    """Two aggregates of ``source`` per commune of its equipment."""
    return (
        select(assets.c.commune_insee, first, second)
        .select_from(source)
        .group_by(assets.c.commune_insee)
    )
