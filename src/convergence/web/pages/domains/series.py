"""The curves of a quantity over a period, with their text alternatives and downloads.

Up to ``MAX_LINES`` stations get one line each; beyond, one merged curve (the mean of the
stations, energetic for decibels) keeps the chart readable. Long periods are drawn with
longer steps (``thinning``); the sentences under the chart speak of every bucket read. The
table always merges the selected stations: mean, minimum and maximum of each local day, or
of each week beyond ``DAY_ROWS`` days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection

from convergence.decoders.quantities import find_quantity
from convergence.members.scope import MemberScope
from convergence.timeseries.buckets import daily_buckets
from convergence.timeseries.query_schemas import (
    Point,
    Resolution,
    SeriesFilter,
    SeriesInfo,
    TimeRange,
)
from convergence.timeseries.rollups import is_decibel
from convergence.timeseries.series_queries import (
    choose_resolution,
    combined_values,
    find_series,
    selection_values,
)
from convergence.web.pages.domains.charts import Line, line_figure
from convergence.web.pages.domains.summaries import (
    DailyRow,
    SeriesSummary,
    daily_rows,
    summarise,
    weekly_rows,
)
from convergence.web.pages.domains.thinning import step_for, thinned

MAX_LINES = 8
DAY_ROWS = 62  # beyond, the table of values has a row a week: a page stays light
DECIMALS = {"vehicle_count": 0, "power": 0, "water_level": 2, "energy": 1}


@dataclass(frozen=True, slots=True)
class QuantityView:
    """One quantity of the selection: its chart, the chart's words, its table and CSV."""

    quantity: str
    label: str
    unit: str
    stations: int
    merged: bool
    resolution: str
    figure: dict[str, Any]
    summaries: list[SeriesSummary]
    rows: list[DailyRow] = field(default_factory=list)
    weekly: bool = False
    csv_url: str = ""


def quantity_label(quantity: str) -> str:
    """The French name of a quantity, its identifier when it is not catalogued."""
    found = find_quantity(quantity)
    return found.label_fr if found is not None else quantity


def csv_url(selection: SeriesFilter, time_range: TimeRange) -> str:
    """The series API's CSV of the selection over the period (same scope, same filters)."""
    params = {
        "domain": selection.domain,
        "commune": selection.commune_insee,
        "asset_id": selection.asset_id,
        "quantity": selection.quantity,
        "from": time_range.start.isoformat(),
        "to": time_range.end.isoformat(),
        "format": "csv",
    }
    return "/api/v1/series/values?" + urlencode({k: v for k, v in params.items() if v})


def quantity_view(
    conn: Connection,
    *,
    scope: MemberScope,
    selection: SeriesFilter,
    time_range: TimeRange,
    names: Mapping[int, str],
) -> QuantityView | None:
    """The view of one quantity (``selection.quantity``); None when no series is readable."""
    infos = find_series(conn, scope=scope, selection=selection, aggregates=True)
    if not infos:
        return None
    quantity, unit = infos[0].quantity, infos[0].unit
    merged = len(infos) > MAX_LINES
    curves, resolution = (
        _merged(conn, scope, selection, time_range, len(infos))
        if merged
        else _curves(conn, scope, selection, time_range, names)
    )
    decibel = is_decibel(unit)
    times = len({point.start for _, points in curves for point in points})
    step = step_for(resolution, times, len(curves))
    lines = [Line(name, *thinned(points, step, decibel=decibel)) for name, points in curves]
    buckets = daily_buckets(
        conn, series_ids=[i.id for i in infos], time_range=time_range, merge=True
    )
    decimals = DECIMALS.get(quantity, 1)
    weekly = time_range.span > timedelta(days=DAY_ROWS)
    return QuantityView(
        quantity=quantity,
        label=quantity_label(quantity),
        unit=unit,
        stations=len({i.asset_id for i in infos}),
        merged=merged,
        resolution=step.words,
        figure=line_figure(lines, unit=unit, grid=resolution is not Resolution.raw),
        summaries=[
            summarise(name, unit, points, decibel=decibel, decimals=decimals)
            for name, points in curves
        ],
        rows=(weekly_rows if weekly else daily_rows)(buckets, decibel=decibel),
        weekly=weekly,
        csv_url=csv_url(selection, time_range),
    )


def _station_name(info: SeriesInfo, names: Mapping[int, str]) -> str:
    return names.get(info.asset_id, f"Équipement n° {info.asset_id}")


Curve = tuple[str, list[Point]]  # a station's name (or the merged curve's) and its points


def _curves(
    conn: Connection,
    scope: MemberScope,
    selection: SeriesFilter,
    time_range: TimeRange,
    names: Mapping[int, str],
) -> tuple[list[Curve], Resolution]:
    found = selection_values(conn, scope=scope, selection=selection, time_range=time_range)
    curves = [(_station_name(values.series, names), values.points) for values in found]
    resolution = found[0].resolution if found else choose_resolution(time_range)
    return curves, resolution


def _merged(
    conn: Connection, scope: MemberScope, selection: SeriesFilter, time_range: TimeRange, count: int
) -> tuple[list[Curve], Resolution]:
    merged = combined_values(conn, scope=scope, selection=selection, time_range=time_range)
    return [(f"Moyenne des {count} équipements", merged.points)], merged.resolution
