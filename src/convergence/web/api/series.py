"""Time series: the series a caller reads, their values over any range, the latest values map.

Every route answers JSON by default and CSV or Parquet with ``format=csv|parquet``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from convergence.db.types import utcnow
from convergence.errors import InvalidInput
from convergence.registry.kinds import DomainName
from convergence.timeseries import export, series_json, series_queries
from convergence.timeseries.export import ExportFormat, FlatTable
from convergence.timeseries.query_schemas import (
    INSEE_PATTERN,
    Aggregation,
    CombinedValues,
    LatestAsset,
    Resolution,
    SeriesFilter,
    SeriesInfo,
    SeriesValues,
    TimeRange,
)
from convergence.web.api.pagination import Page, PageDep, paginate, paginate_sequence
from convergence.web.deps import EngineDep, ReadScope

router = APIRouter(tags=["series"])
DEFAULT_SPAN = timedelta(days=1)
EXPORT_RAW_LIMIT = 1_000_000


# Both are ``async def``: they do no I/O, and FastAPI would run a plain ``def`` in its thread
# pool, a hand-off that costs more than the function on every read (see ``web/deps.py``).
async def time_range(
    from_: datetime | None = Query(
        default=None,
        alias="from",
        description="start, ISO 8601 with a time zone (default: to − 1 day)",
    ),
    to: datetime | None = Query(default=None, description="end, excluded (default: now)"),
) -> TimeRange:
    """The requested [from, to) range."""
    end = to or utcnow()
    try:
        return TimeRange(start=from_ or end - DEFAULT_SPAN, end=end)
    except ValidationError as error:
        reasons = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
        raise InvalidInput(f"période invalide / invalid range: {reasons}") from None


async def series_filter(
    asset_id: int | None = None,
    commune: str | None = Query(default=None, pattern=INSEE_PATTERN, description="INSEE code"),
    quantity: str | None = Query(default=None, max_length=64, examples=["no2", "laeq"]),
    domain: DomainName | None = None,
) -> SeriesFilter:
    """Which series: by asset, commune, quantity and domain."""
    return SeriesFilter(asset_id=asset_id, commune_insee=commune, quantity=quantity, domain=domain)


RangeDep = Annotated[TimeRange, Depends(time_range)]
FilterDep = Annotated[SeriesFilter, Depends(series_filter)]
FormatQuery = Annotated[ExportFormat, Query(alias="format")]
ResolutionQuery = Annotated[
    Resolution | None, Query(description="raw, hourly or daily; chosen from the range if absent")
]
AggregationQuery = Annotated[Aggregation, Query(alias="agg")]


def _raw_limit(export_format: ExportFormat) -> int:
    """Raw readings per request: a chart stays light, a file download may be large."""
    if export_format is ExportFormat.json:
        return series_queries.RAW_LIMIT
    return EXPORT_RAW_LIMIT


def _file(table: FlatTable, export_format: ExportFormat, name: str) -> Response:
    return Response(
        export.encode(table, export_format),
        media_type=export.MEDIA_TYPES[export_format],
        headers={"Content-Disposition": f'attachment; filename="{name}.{export_format.value}"'},
    )


@router.get("/series", response_model=Page[SeriesInfo])
def list_series(
    engine: EngineDep,
    scope: ReadScope,
    selection: FilterDep,
    page: PageDep,
    export_format: FormatQuery = ExportFormat.json,
) -> Page[SeriesInfo] | Response:
    """Series whose rollups the caller may read, by asset, commune, quantity or domain.

    CSV and Parquet hold every series; JSON answers a page."""
    with engine.connect() as conn:
        if export_format is ExportFormat.json:
            statement = series_queries.select_series(scope=scope, selection=selection)
            return paginate(conn, statement, page, to_item=series_queries.series_info)
        found = series_queries.find_series(conn, scope=scope, selection=selection)
    return _file(export.series_table(found), export_format, "series")


@router.get("/series/values", response_model=Page[SeriesValues] | CombinedValues)
def selection_values(
    engine: EngineDep,
    scope: ReadScope,
    selection: FilterDep,
    period: RangeDep,
    page: PageDep,
    resolution: ResolutionQuery = None,
    aggregation: AggregationQuery = Aggregation.mean,
    combine: bool = Query(default=False, description="merge the series into one curve"),
    export_format: FormatQuery = ExportFormat.json,
) -> BaseModel | Response:
    """Values of the selected series (by commune, quantity, domain) a page of series at a
    time, or one merged curve; CSV and Parquet hold every series."""
    if export_format is ExportFormat.json and not combine:
        with engine.connect() as conn:
            found = series_json.selection_points(
                conn,
                scope=scope,
                selection=selection,
                time_range=period,
                resolution=resolution,
                aggregation=aggregation,
                limit=_raw_limit(export_format),
            )
        shown = paginate_sequence(found, page, key=lambda v: int(v["series"]["id"]))
        body = {"items": shown.items, "next_cursor": shown.next_cursor, "limit": shown.limit}
        return Response(series_json.dumps(body), media_type="application/json")
    with engine.connect() as conn:
        if combine:
            merged = series_queries.combined_values(
                conn,
                scope=scope,
                selection=selection,
                time_range=period,
                resolution=resolution,
                aggregation=aggregation,
            )
        else:
            items = series_queries.selection_values(
                conn,
                scope=scope,
                selection=selection,
                time_range=period,
                resolution=resolution,
                aggregation=aggregation,
                limit=_raw_limit(export_format),
            )
    if combine and export_format is ExportFormat.json:
        return merged
    table = export.combined_table(merged) if combine else export.values_table(items)
    return _file(table, export_format, "series-values")


@router.get("/series/{series_id}/values", response_model=SeriesValues)
def series_values(
    series_id: int,
    engine: EngineDep,
    scope: ReadScope,
    period: RangeDep,
    resolution: ResolutionQuery = None,
    aggregation: AggregationQuery = Aggregation.mean,
    export_format: FormatQuery = ExportFormat.json,
) -> SeriesValues | Response:
    """Values of one series over [from, to) at the given or chosen resolution."""
    if export_format is ExportFormat.json:
        # Rows straight to JSON bytes: a chart of thousands of points builds no object each.
        with engine.connect() as conn:
            body = series_json.series_values_json(
                conn,
                scope=scope,
                series_id=series_id,
                time_range=period,
                resolution=resolution,
                aggregation=aggregation,
                limit=_raw_limit(export_format),
            )
        return Response(body, media_type="application/json")
    with engine.connect() as conn:
        found = series_queries.series_values(
            conn,
            scope=scope,
            series_id=series_id,
            time_range=period,
            resolution=resolution,
            aggregation=aggregation,
            limit=_raw_limit(export_format),
        )
    return _file(export.values_table([found]), export_format, f"series-{series_id}")


@router.get("/latest", response_model=Page[LatestAsset])
def latest(
    engine: EngineDep,
    scope: ReadScope,
    selection: FilterDep,
    page: PageDep,
    export_format: FormatQuery = ExportFormat.json,
) -> Page[LatestAsset] | Response:
    """Each asset with the latest value of each of its series, for the map; CSV and Parquet
    hold every asset."""
    with engine.connect() as conn:
        found = series_queries.latest_by_asset(conn, scope=scope, selection=selection)
    if export_format is ExportFormat.json:
        return paginate_sequence(found, page, key=lambda a: a.asset_id)
    return _file(export.latest_table(found), export_format, "latest")
