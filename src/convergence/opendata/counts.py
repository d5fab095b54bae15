"""A counts dataset in the national *comptage des mobilités* shape (the traffic line's).

Each counter (one asset per direction, with a ``vehicle_count`` series) is a channel; the
counters at one position form a site. Hourly sums are the measures: an hour without data
has no row (missing), an hour counted empty has a 0. Tags of the asset refine the channel:
``direction=N`` (N, NE, … NW), ``mobility_type=BIKE,PEDESTRIAN`` (default UNDEFINED),
``counter_type=INDUCTIVE LOOP``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import Connection

from convergence.errors import InvalidInput
from convergence.indicators.mobility_counts import (
    CompassDirection,
    CounterType,
    MobilityType,
    channel_row,
    measure_rows,
    site_row,
)
from convergence.indicators.traffic import HourlyCount
from convergence.opendata.counts_checks import link_problems
from convergence.opendata.drafts import Built, Draft, Source
from convergence.opendata.encoding import write_csv
from convergence.opendata.schemas import ValidationProblem
from convergence.opendata.specs import KindSpec
from convergence.opendata.tableschemas import schema_columns
from convergence.opendata.windows import time_range
from convergence.paris_time import local_midnight
from convergence.registry.queries import iter_assets
from convergence.registry.schemas import AssetFilters, AssetOut
from convergence.timeseries.query_schemas import Aggregation, Point, Resolution, SeriesFilter
from convergence.timeseries.series_queries import selection_values

QUANTITY = "vehicle_count"
Rows = list[dict[str, str]]


def build_counts(conn: Connection, *, source: Source, spec: KindSpec) -> Built:
    """Sites, channels and hourly measures of the member's counters of ``spec.domain``; the
    spec's three files (site, channel, measure) receive them."""
    if source.period is None or spec.domain is None:
        raise ValueError("counts cover a period and the equipment of one domain")
    filters = AssetFilters(member_id=source.member.id, domain=spec.domain)
    counters = {a.id: a for a in iter_assets(conn, scope=source.scope, filters=filters)}
    hourly = selection_values(
        conn,
        scope=source.scope,
        selection=SeriesFilter(domain=spec.domain, quantity=QUANTITY),
        time_range=time_range(source.period),
        resolution=Resolution.hourly,
        aggregation=Aggregation.sum,
    )
    counts = {v.series.asset_id: v.points for v in hourly if v.series.asset_id in counters}
    located = [counters[i] for i in sorted(counts) if counters[i].lon is not None]
    problems = [_unlocated(counters[i]) for i in sorted(counts) if counters[i].lon is None]
    sites, channels, measures = _files(located, counts, source, problems)
    problems += link_problems(sites, channels, measures)
    return Built(drafts=_drafts(spec, sites, channels, measures), problems=tuple(problems))


def _files(
    counters: list[AssetOut],
    counts: dict[int, list[Point]],
    source: Source,
    problems: list[ValidationProblem],
) -> tuple[Rows, Rows, Rows]:
    sites, channels, measures = [], [], []
    for position_counters in _by_position(counters).values():
        site_id = f"{source.member.siren}-S{position_counters[0].id}"
        sites.append(_site(site_id, position_counters[0]))
        for counter in position_counters:
            channel_id = f"{source.member.siren}-C{counter.id}"
            try:
                hours = _hours(counts[counter.id])
                channels.append(_channel(channel_id, site_id, counter, hours, source))
            except InvalidInput as error:
                problems.append(_counter_problem(counter, error))
                continue
            measures += measure_rows(
                hours, channel_ids={"1": channel_id}, counter_id=str(counter.id)
            )
    return sites, channels, measures


def _hours(points: list[Point]) -> list[HourlyCount]:
    # One channel per counter: its hours go under a single pseudo-direction.
    return [HourlyCount(p.start, "1", round(p.value)) for p in points if p.value is not None]


def _by_position(counters: list[AssetOut]) -> dict[tuple[float, float], list[AssetOut]]:
    groups: dict[tuple[float, float], list[AssetOut]] = defaultdict(list)
    for counter in counters:
        groups[(round(counter.lon or 0, 6), round(counter.lat or 0, 6))].append(counter)
    return groups


def _site(site_id: str, counter: AssetOut) -> dict[str, str]:
    return site_row(
        site_id=site_id,
        site_name=counter.name.split(" — ")[0],
        lon=counter.lon or 0.0,
        lat=counter.lat or 0.0,
        insee=counter.commune_insee,
    )


def _channel(
    channel_id: str, site_id: str, counter: AssetOut, hours: list[HourlyCount], source: Source
) -> dict[str, str]:
    tags = dict(tag.split("=", 1) for tag in counter.tags if "=" in tag)
    try:
        mobility = [
            MobilityType(m.strip()) for m in tags.get("mobility_type", "UNDEFINED").split(",")
        ]
        direction = CompassDirection(tags["direction"]) if "direction" in tags else None
        counter_type = CounterType(tags["counter_type"]) if "counter_type" in tags else None
    except ValueError as error:
        raise InvalidInput(f"étiquette invalide / invalid tag: {error}") from None
    last = max((h.hour_start for h in hours), default=None)
    return channel_row(
        channel_id=channel_id,
        site_id=site_id,
        started_at=_started_at(counter),
        mobility_types=mobility,
        counter_type=counter_type,
        direction=direction,
        data_provider_name=source.member.name,
        last_updated_at=last + timedelta(hours=1) if last else None,
    )


def _started_at(counter: AssetOut) -> datetime:
    if counter.installed_on is not None:
        return local_midnight(counter.installed_on)
    return counter.created_at


def _drafts(spec: KindSpec, sites: Rows, channels: Rows, measures: Rows) -> tuple[Draft, ...]:
    return tuple(
        Draft(file, write_csv(schema_columns(file.schema), rows))
        for file, rows in zip(spec.resources, (sites, channels, measures), strict=True)
    )


def _unlocated(counter: AssetOut) -> ValidationProblem:
    return ValidationProblem(
        resource="site",
        field="xlong",
        message_fr=f"compteur {counter.id} ({counter.name}) : position manquante",
        message_en=f"counter {counter.id} ({counter.name}): no position",
    )


def _counter_problem(counter: AssetOut, error: InvalidInput) -> ValidationProblem:
    return ValidationProblem(
        resource="channel",
        message_fr=f"compteur {counter.id} ({counter.name}) : {error.message}",
        message_en=f"counter {counter.id} ({counter.name}): {error.message}",
    )
