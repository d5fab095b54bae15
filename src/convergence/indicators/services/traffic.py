"""Traffic indicators from hourly rollups: daily counts per direction, TMJA, TMJO, peaks, %PL.

A counting site is a counter asset; its settings name its directions, each read from a
counter (the site's own by default) and, when classified, from a heavy-vehicle series merged
into the same hours. An hour without a rollup is missing, never zero. Counters named as
another site's direction are not listed as sites of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection

from convergence.errors import InvalidInput
from convergence.indicators.queries import (
    SeriesRow,
    Site,
    domain_sites,
    hourly_of,
    raw_of,
    series_of,
    settings_of,
)
from convergence.indicators.regulations.traffic import TMJ_DEFINITION, V85_DEFINITION
from convergence.indicators.result_schemas import (
    DirectionDayOut,
    PeakHourOut,
    SpeedOut,
    TrafficAverageOut,
    TrafficDayOut,
    TrafficIndicators,
    TrafficSiteOut,
    TrafficZoneOut,
)
from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.schemas import (
    IndicatorQuery,
    SpeedReadings,
    TrafficDirection,
    TrafficSite,
    measure_out,
    optional_measure,
    period_out,
)
from convergence.indicators.timewindows import TimeWindow, group_by_local_day, local_days_window
from convergence.indicators.traffic import (
    BOTH_DIRECTIONS,
    PERIOD_REQUIRED_RATIO,
    DayTraffic,
    DirectionDay,
    HourlyCount,
    PeakHour,
    TrafficAverage,
    days_traffic,
    hours_traffic,
    mean_daily_traffic,
    peak_hours,
    share_of_heavy_vehicles,
    tmja,
    tmjo,
)
from convergence.indicators.traffic_speeds import speed_statistics
from convergence.indicators.views import Metric, Zone, view_levels, zone_views
from convergence.members.scope import MemberScope
from convergence.timeseries.buckets import Bucket

SPEED = "speed"
DEFAULT_DIRECTION = "1"
INTERVAL_MEAN_METHOD = (
    "moyenne des vitesses moyennes transmises par intervalle (V85 et V50 demandent une "
    "vitesse par véhicule)"
)
SeriesKey = tuple[int, str]
TRAFFIC_METRIC = Metric(
    name="busiest_tmj",
    description=(
        "trafic moyen journalier (TMJ, deux sens) du site de comptage le plus chargé / mean "
        "daily traffic (both directions) of the busiest counting site"
    ),
    per_inhabitant=False,
    higher_is_better=False,
)


@dataclass(frozen=True, slots=True)
class SiteTraffic:
    """A counting site's days, their peak hours and its speed statistics."""

    site: Site
    settings: TrafficSite
    days: tuple[DayTraffic, ...]
    peaks: tuple[tuple[PeakHour, PeakHour], ...]
    speeds: tuple[SpeedOut, ...]

    @property
    def directions(self) -> list[str]:
        return [d.name for d in self.settings.directions]


def default_settings() -> TrafficSite:
    """A counter without settings: one direction, its own vehicle count."""
    return TrafficSite(directions=[TrafficDirection(name=DEFAULT_DIRECTION)])


def _sources(site: Site, direction: TrafficDirection) -> tuple[SeriesKey, SeriesKey | None]:
    vehicles = (direction.asset_id or site.asset_id, direction.quantity)
    heavy = direction.heavy
    return vehicles, None if heavy is None else (heavy.asset_id or site.asset_id, heavy.quantity)


def _counted_elsewhere(sites: Sequence[Site], settings: dict[int, TrafficSite]) -> set[int]:
    """Counters that another site reads as one of its directions or heavy-vehicle series."""
    used = set()
    for site in sites:
        for direction in settings[site.asset_id].directions:
            for key in _sources(site, direction):
                if key is not None and key[0] != site.asset_id:
                    used.add(key[0])
    return used


def _counts(
    site: Site,
    settings: TrafficSite,
    rows: dict[SeriesKey, SeriesRow],
    buckets: dict[int, list[Bucket]],
) -> list[HourlyCount]:
    """Hourly counts of every direction; heavy vehicles merged hour by hour when known."""
    counts = []
    for direction in settings.directions:
        vehicles_key, heavy_key = _sources(site, direction)
        heavy = _hourly_sums(rows.get(heavy_key) if heavy_key else None, buckets)
        for hour, vehicles in _hourly_sums(rows.get(vehicles_key), buckets).items():
            pl = heavy.get(hour)
            pl = pl if pl is not None and pl <= vehicles else None  # inconsistent hour: unknown
            counts.append(HourlyCount(hour, direction.name, vehicles, pl))
    return counts


def _hourly_sums(row: SeriesRow | None, buckets: dict[int, list[Bucket]]) -> dict[datetime, int]:
    if row is None:
        return {}
    return {b.start: round(b.sum) for b in buckets.get(row.id, [])}


def _interval_mean(
    direction: str, row: SeriesRow | None, buckets: dict[int, list[Bucket]], window: TimeWindow
) -> SpeedOut:
    """Mean of the interval mean speeds over the period (hours with data ÷ hours)."""
    hours = buckets.get(row.id, []) if row is not None else []
    count = sum(b.count for b in hours)
    mean = sum(b.sum for b in hours) / count if count else None
    done = Completeness(len(hours), round(window.hours), 0.75, "heures")
    rule = V85_DEFINITION.text
    empty = Measure(None, Unit.KM_PER_HOUR, rule, done)
    return SpeedOut(
        direction=direction,
        method=INTERVAL_MEAN_METHOD,
        vehicles=0,
        v85=measure_out(empty),
        v50=measure_out(empty),
        mean=measure_out(Measure(mean, Unit.KM_PER_HOUR, rule, done)),
        limit_kmh=None,
        share_above_limit=None,
        share_above_limit_plus_10=None,
    )


def _per_vehicle(direction: str, speeds: Sequence[float], limit: float | None) -> SpeedOut:
    """V85, V50, mean and shares above the limit of individual spot speeds (nearest rank)."""
    stats = speed_statistics(speeds, limit_kmh=limit)
    return SpeedOut(
        direction=direction,
        method=stats.method,
        vehicles=stats.vehicles,
        v85=measure_out(stats.v85),
        v50=measure_out(stats.v50),
        mean=measure_out(stats.mean),
        limit_kmh=stats.limit_kmh,
        share_above_limit=optional_measure(stats.share_above_limit),
        share_above_limit_plus_10=optional_measure(stats.share_above_limit_plus_10),
    )


def _raw_speeds(conn: Connection, row: SeriesRow | None, window: TimeWindow) -> list[float]:
    """Spot speeds of the period, when the caller reads them in full (raw readings)."""
    if row is None:
        return []
    try:
        raw = raw_of(conn, rows=[row], window=window)
    except InvalidInput:
        return []  # more readings than a request may read: statistics left empty
    return [b.sum for b in raw.get(row.id, [])]


def _speeds(
    conn: Connection,
    site: Site,
    settings: TrafficSite,
    rows: dict[SeriesKey, SeriesRow],
    buckets: dict[int, list[Bucket]],
    window: TimeWindow,
) -> tuple[SpeedOut, ...]:
    """Speed statistics per direction whose counter sends speeds."""
    found = []
    for direction in settings.directions:
        row = rows.get((direction.asset_id or site.asset_id, SPEED))
        if row is None:
            continue
        if settings.speed_readings is SpeedReadings.per_vehicle:
            speeds = _raw_speeds(conn, row, window)
            found.append(_per_vehicle(direction.name, speeds, settings.speed_limit_kmh))
        else:
            found.append(_interval_mean(direction.name, row, buckets, window))
    return tuple(found)


def _visible(site: Site, settings: TrafficSite) -> TrafficSite:
    """Direction names are free text: a reader of aggregates only gets their numbers."""
    if site.full:
        return settings
    directions = [
        d.model_copy(update={"name": str(i)}) for i, d in enumerate(settings.directions, start=1)
    ]
    return settings.model_copy(update={"directions": directions})


def _settings(
    conn: Connection, scope: MemberScope, sites: Sequence[Site], *, asked: int | None
) -> dict[int, TrafficSite]:
    """Settings of the sites kept: counters read by another site are not sites themselves."""
    stored = settings_of(conn, scope=scope, asset_ids=[s.asset_id for s in sites], kind="traffic")
    settings = {s.asset_id: _visible(s, stored.get(s.asset_id, default_settings())) for s in sites}
    if asked is not None:
        return settings
    used = _counted_elsewhere([s for s in sites if s.asset_id in stored], settings)
    return {k: v for k, v in settings.items() if k not in used}


def _keys(
    sites: Sequence[Site], settings: dict[int, TrafficSite], *, speeds: bool
) -> set[SeriesKey]:
    keys: set[SeriesKey] = set()
    for site in sites:
        for direction in settings[site.asset_id].directions:
            vehicles, heavy = _sources(site, direction)
            keys |= {vehicles} | ({(vehicles[0], SPEED)} if speeds else set())
            keys |= {heavy} if heavy else set()
    return keys


def site_traffic(
    conn: Connection,
    site: Site,
    settings: TrafficSite,
    rows: dict[SeriesKey, SeriesRow],
    buckets: dict[int, list[Bucket]],
    query: IndicatorQuery,
    *,
    volumes_only: bool = False,
) -> SiteTraffic:
    """Days, peak hours and speeds of one counting site (its days only if ``volumes_only``)."""
    counts = _counts(site, settings, rows, buckets)
    names = [d.name for d in settings.directions]
    days = tuple(days_traffic(counts, query.first_day, query.last_day, directions=names))
    if volumes_only:
        return SiteTraffic(site, settings, days, (), ())
    by_day = group_by_local_day(counts)
    peaks = tuple(
        peak_hours(hours_traffic(by_day.get(d.day, []), d.day, directions=names), d) for d in days
    )
    window = local_days_window(query.first_day, query.last_day)
    speeds = _speeds(conn, site, settings, rows, buckets, window)
    return SiteTraffic(site, settings, days, peaks, speeds)


def compute_traffic_volumes(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> list[SiteTraffic]:
    """As ``compute_traffic``, for the daily volumes only (comparisons across many communes):
    neither peak hours nor speeds, whose series are not read."""
    return compute_traffic(conn, scope=scope, query=query, volumes_only=True)


def compute_traffic(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery, volumes_only: bool = False
) -> list[SiteTraffic]:
    """Traffic of every counting site the query selects."""
    found = domain_sites(
        conn, scope=scope, domain="traffic", commune=query.commune, asset_id=query.asset_id
    )
    settings = _settings(conn, scope, found, asked=query.asset_id)
    sites = [s for s in found if s.asset_id in settings]
    keys = _keys(sites, settings, speeds=not volumes_only)
    rows = series_of(
        conn, scope=scope, asset_ids={k[0] for k in keys}, quantities={k[1] for k in keys}
    )
    rows = {k: row for k, row in rows.items() if k in keys}
    window = local_days_window(query.first_day, query.last_day)
    buckets = hourly_of(conn, rows=rows.values(), window=window)
    return [
        site_traffic(conn, s, settings[s.asset_id], rows, buckets, query, volumes_only=volumes_only)
        for s in sites
    ]


def period_tmj(site: SiteTraffic) -> Measure:
    """Mean daily traffic of the site over the valid days of the period, both directions."""
    first, last = site.days[0].day, site.days[-1].day
    return mean_daily_traffic(site.days, first, last).value


def busiest_tmj(sites: Sequence[SiteTraffic]) -> Measure:
    """The highest TMJ of the sites (volumes of different roads are never added)."""
    measured = [period_tmj(s) for s in sites if s.days]
    with_value = [m for m in measured if m.value is not None]
    if with_value:
        return max(with_value, key=lambda m: m.value or 0.0)
    done = Completeness(0, len(sites), PERIOD_REQUIRED_RATIO, "sites")
    return Measure(None, Unit.VEHICLES_PER_DAY, TMJ_DEFINITION.text, done)


# --- API form ----------------------------------------------------------------------------


def _direction_out(day: DirectionDay) -> DirectionDayOut:
    return DirectionDayOut(
        direction=day.direction,
        vehicles=measure_out(day.vehicles),
        heavy_vehicles=optional_measure(day.heavy_vehicles),
        heavy_share=optional_measure(day.heavy_share),
    )


def _peak_out(peak: PeakHour) -> PeakHourOut:
    return PeakHourOut(
        name=peak.name,
        direction=peak.direction,
        hour_start=peak.hour_start,
        local_hour=peak.local_hour,
        vehicles=measure_out(peak.vehicles),
        share_of_day=optional_measure(peak.share_of_day),
    )


def _day_out(day: DayTraffic, peaks: tuple[PeakHour, PeakHour]) -> TrafficDayOut:
    return TrafficDayOut(
        day=day.day,
        valid=day.valid,
        directions=[_direction_out(d) for d in day.directions],
        both=_direction_out(day.both),
        peak_hours=[_peak_out(p) for p in peaks],
    )


def _average_out(
    name: Literal["TMJA", "TMJO", "TMJ"], average: TrafficAverage, year: int | None = None
) -> TrafficAverageOut:
    return TrafficAverageOut(
        name=name,
        direction=average.direction,
        year=year,
        value=measure_out(average.value),
        days_used=average.days_used,
        months_used=list(average.months_used),
        months_excluded=list(average.months_excluded),
    )


def _averages(site: SiteTraffic) -> list[TrafficAverageOut]:
    """TMJA of each calendar year touched and TMJO, per direction and both; the period's TMJ."""
    first, last = site.days[0].day, site.days[-1].day
    found = []
    for direction in [BOTH_DIRECTIONS, *site.directions]:
        found += [
            _average_out("TMJA", tmja(site.days, year, direction=direction), year)
            for year in range(first.year, last.year + 1)
        ]
        found.append(_average_out("TMJO", tmjo(site.days, first, last, direction=direction)))
    found.append(_average_out("TMJ", mean_daily_traffic(site.days, first, last)))
    return found


def _site_out(site: SiteTraffic) -> TrafficSiteOut:
    return TrafficSiteOut(
        station=site.site.station(),
        directions=site.directions,
        days=[_day_out(d, p) for d, p in zip(site.days, site.peaks, strict=True)],
        averages=_averages(site) if site.days else [],
        heavy_share=measure_out(share_of_heavy_vehicles(site.days)),
        speeds=list(site.speeds),
    )


def _zone_out(zone: Zone, sites: list[SiteTraffic]) -> TrafficZoneOut:
    measured = [(s, period_tmj(s)) for s in sites if s.days]
    with_value = [(s, m) for s, m in measured if m.value is not None]
    top = max(with_value, key=lambda pair: pair[1].value or 0.0) if with_value else None
    return TrafficZoneOut(
        zone=zone.out(),
        sites=len(sites),
        busiest_asset_id=None if top is None else top[0].site.asset_id,
        busiest_tmj=None if top is None else measure_out(top[1]),
    )


def traffic_indicators(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> TrafficIndicators:
    """Traffic indicators of the counting sites the query selects, and of their zones."""
    sites = compute_traffic(conn, scope=scope, query=query)
    views = zone_views(sites, levels=view_levels(commune=query.commune, asset_id=query.asset_id))
    return TrafficIndicators(
        period=period_out(query),
        stations=[_site_out(s) for s in sites],
        communes=[_zone_out(z, items) for z, items in views.communes],
        epcis=[_zone_out(z, items) for z, items in views.epcis],
        departements=[_zone_out(z, items) for z, items in views.departements],
    )
