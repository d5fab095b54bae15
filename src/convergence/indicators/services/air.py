"""Air indicators from hourly rollups: daily ATMO-type index, EAQI and threshold exceedances.

Each station's hourly value is the mean of its hourly rollup (sum ÷ count) stamped with the
UTC hour; days are local days in Europe/Paris. A zone (commune, EPCI, département) takes,
per pollutant, the worst sub-index of its stations (arrêté du 10 juillet 2020, art. 3), and
for each threshold the station with the highest count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from convergence.indicators.air import (
    AtmoLikeIndex,
    EaqiIndex,
    EaqiVersion,
    commune_atmo_like_index,
    eaqi_index,
    station_atmo_like_index,
)
from convergence.indicators.air_exceedances import (
    PeriodSeries,
    ThresholdAssessment,
    assess_series,
)
from convergence.indicators.queries import Site, domain_sites, hourly_of, series_of
from convergence.indicators.regulations.air import (
    ARRETE_ATMO_2020,
    EU_2008_50,
    FR_PROCEDURES,
    WHO_2021,
    AirThreshold,
    Pollutant,
)
from convergence.indicators.result_schemas import (
    AirDayOut,
    AirIndicators,
    AirStationOut,
    AirZoneOut,
    AtmoLikeIndexOut,
    EaqiBandOut,
    EaqiOut,
    ThresholdOut,
)
from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.schemas import (
    IndicatorQuery,
    completeness_fields,
    completeness_out,
    measure_fields,
    measure_out,
    period_out,
)
from convergence.indicators.timewindows import (
    HourlySample,
    TimeWindow,
    days_between,
    group_by_local_day,
    local_days_window,
)
from convergence.indicators.views import Metric, Zone, view_levels, zone_views
from convergence.members.scope import MemberScope

THRESHOLD_TABLES: dict[str, tuple[AirThreshold, ...]] = {
    "EU_2008_50": EU_2008_50,
    "WHO_2021": WHO_2021,
    "FR_PROCEDURES": FR_PROCEDURES,
}
POOR_CLASS = 4  # "Mauvais"
AIR_METRIC = Metric(
    name="bad_air_days",
    description=(
        "jours où l'indice de type ATMO (capteurs de la commune, non officiel) est « mauvais » "
        "ou pire / days with an ATMO-type index of 'mauvais' or worse"
    ),
    per_inhabitant=False,
    higher_is_better=False,
)


@dataclass(frozen=True, slots=True)
class StationAir:
    """A station's daily indices and its threshold checks over the period."""

    site: Site
    days: tuple[AtmoLikeIndex, ...]
    exceedances: tuple[tuple[str, ThresholdAssessment], ...]


def _station_hourly(
    conn: Connection, scope: MemberScope, sites: Sequence[Site], window: TimeWindow
) -> dict[int, dict[Pollutant, list[HourlySample]]]:
    """Hourly means per station and pollutant (sum ÷ count of each hourly rollup)."""
    rows = series_of(
        conn,
        scope=scope,
        asset_ids=[s.asset_id for s in sites],
        quantities=[p.value for p in Pollutant],
    )
    buckets = hourly_of(conn, rows=rows.values(), window=window)
    hourly: dict[int, dict[Pollutant, list[HourlySample]]] = {}
    for (asset_id, quantity), row in rows.items():
        samples = [
            HourlySample(b.start, b.sum / b.count) for b in buckets.get(row.id, []) if b.count
        ]
        hourly.setdefault(asset_id, {})[Pollutant(quantity)] = samples
    return hourly


def _exceedances(
    hourly: dict[Pollutant, list[HourlySample]], window: TimeWindow
) -> tuple[tuple[str, ThresholdAssessment], ...]:
    """Every threshold of the three tables for the pollutants the station measures."""
    series = {p: PeriodSeries(samples, window) for p, samples in sorted(hourly.items())}
    return tuple(
        (table, assess_series(threshold, values))
        for table, thresholds in THRESHOLD_TABLES.items()
        for pollutant, values in series.items()
        for threshold in thresholds
        if threshold.pollutant is pollutant
    )


def station_air(
    site: Site,
    hourly: dict[Pollutant, list[HourlySample]],
    days: Sequence[date],
    window: TimeWindow,
    *,
    indices_only: bool = False,
) -> StationAir:
    """Daily indices and exceedances of one station (its indices only if ``indices_only``)."""
    zone = f"asset:{site.asset_id}"
    # Each day reads only its own hours (a year would otherwise scan every hour every day).
    by_day = {p: group_by_local_day(samples) for p, samples in hourly.items()}
    indices = tuple(
        station_atmo_like_index(
            {p: grouped.get(day, []) for p, grouped in by_day.items()},
            day,
            zone=zone,
            measured=hourly.keys(),
        )
        for day in days
    )
    return StationAir(site, indices, () if indices_only else _exceedances(hourly, window))


def compute_air_indices(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> list[StationAir]:
    """As ``compute_air``, for the daily indices only (comparisons across many communes): no
    threshold is assessed."""
    return compute_air(conn, scope=scope, query=query, indices_only=True)


def compute_air(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery, indices_only: bool = False
) -> list[StationAir]:
    """Daily indices and exceedances of every station the query selects."""
    sites = domain_sites(
        conn, scope=scope, domain="air", commune=query.commune, asset_id=query.asset_id
    )
    window = local_days_window(query.first_day, query.last_day)
    hourly = _station_hourly(conn, scope, sites, window)
    days = days_between(query.first_day, query.last_day)
    return [
        station_air(s, hourly.get(s.asset_id, {}), days, window, indices_only=indices_only)
        for s in sites
    ]


def zone_days(stations: Sequence[StationAir], zone: str) -> list[AtmoLikeIndex]:
    """A zone's index of each day: per pollutant, the worst sub-index of its stations."""
    if not stations:
        return []
    return [
        commune_atmo_like_index([s.days[i] for s in stations], zone=zone)
        for i in range(len(stations[0].days))
    ]


def bad_air_days(stations: Sequence[StationAir]) -> Measure:
    """Days of the zone with an index 'mauvais' or worse; completeness: days with an index."""
    days = zone_days(stations, "zone")
    available = [d for d in days if d.index.code > 0]
    value = float(sum(1 for d in available if d.index.code >= POOR_CLASS)) if available else None
    done = Completeness(len(available), len(days), 0.75, "jours")
    return Measure(value, Unit.COUNT, ARRETE_ATMO_2020.text, done)


# --- API form ----------------------------------------------------------------------------


def _eaqi(index: AtmoLikeIndex) -> list[EaqiOut]:
    """EAQI 2017 and 2024 of the day's complete statistics (daily max of hourly gases, PM mean)."""
    values = {
        s.pollutant: s.concentration.value
        for s in index.sub_indices
        if s.index is not None and s.concentration.value is not None
    }
    if not values:
        return []
    return [_eaqi_out(eaqi_index(values, version)) for version in EaqiVersion]


def _eaqi_out(result: EaqiIndex) -> EaqiOut:
    return EaqiOut(
        version=result.version,
        level=result.level,
        label_en=result.label_en,
        unit=result.unit.value,
        rule=result.rule,
        completeness=completeness_out(result.completeness),
        bands=[
            EaqiBandOut(
                pollutant=b.pollutant,
                concentration=b.concentration,
                level=b.level,
                label_en=b.label_en,
            )
            for b in result.bands
        ],
    )


def index_out(index: AtmoLikeIndex) -> AtmoLikeIndexOut:
    """The API form of a daily ATMO-type index (validated as one document: it is built for
    every station and day)."""
    return AtmoLikeIndexOut.model_validate(
        {
            "day": index.day,
            "code": index.index.code,
            "label": index.index.label,
            "colour": index.index.colour,
            "status": index.status,
            "dominant": index.dominant,
            "missing": index.missing,
            "measured": index.measured,
            "not_measured": index.not_measured,
            "lacking": index.lacking,
            "sub_indices": [
                {
                    "pollutant": s.pollutant,
                    "statistic": s.statistic,
                    "concentration": measure_fields(s.concentration),
                    "class_code": None if s.index is None else s.index.code,
                    "class_label": None if s.index is None else s.index.label,
                }
                for s in index.sub_indices
            ],
            "completeness": completeness_fields(index.completeness),
            "unit": index.unit.value,
            "rule": index.rule,
            "label_fr": index.label_fr,
            "official": index.official,
        }
    )


def _day_out(index: AtmoLikeIndex) -> AirDayOut:
    return AirDayOut(index=index_out(index), eaqi=_eaqi(index))


def threshold_out(
    table: str, result: ThresholdAssessment, asset_id: int | None = None
) -> ThresholdOut:
    """The API form of a threshold check."""
    threshold = result.threshold
    return ThresholdOut(
        table=table,
        pollutant=threshold.pollutant,
        averaging=threshold.averaging,
        threshold=threshold.value,
        kind=threshold.kind,
        label=threshold.label,
        allowed_per_year=threshold.allowed_per_year,
        verification=threshold.status,
        statistic=measure_out(result.statistic),
        exceeded=result.exceeded,
        asset_id=asset_id,
    )


def _zone_exceedances(stations: Sequence[StationAir]) -> list[ThresholdOut]:
    """For each threshold checked at some station, the station with the highest statistic."""
    worst: dict[tuple[str, AirThreshold], tuple[ThresholdAssessment, int]] = {}
    for station in stations:
        for table, result in station.exceedances:
            held = worst.get((table, result.threshold))
            value = result.statistic.value or 0.0
            if held is None or value > (held[0].statistic.value or 0.0):
                worst[(table, result.threshold)] = (result, station.site.asset_id)
    return [threshold_out(t, r, asset_id) for (t, _), (r, asset_id) in worst.items()]


def _zone_out(zone: Zone, stations: list[StationAir]) -> AirZoneOut:
    return AirZoneOut(
        zone=zone.out(),
        stations=len(stations),
        days=[_day_out(d) for d in zone_days(stations, zone.name)],
        exceedances=_zone_exceedances(stations),
    )


def air_indicators(conn: Connection, *, scope: MemberScope, query: IndicatorQuery) -> AirIndicators:
    """Air indicators of the stations the query selects, and of their zones."""
    stations = compute_air(conn, scope=scope, query=query)
    views = zone_views(stations, levels=view_levels(commune=query.commune, asset_id=query.asset_id))
    return AirIndicators(
        period=period_out(query),
        stations=[
            AirStationOut(
                station=s.site.station(),
                days=[_day_out(d) for d in s.days],
                exceedances=[threshold_out(t, r) for t, r in s.exceedances],
            )
            for s in stations
        ],
        communes=[_zone_out(z, items) for z, items in views.communes],
        epcis=[_zone_out(z, items) for z, items in views.epcis],
        departements=[_zone_out(z, items) for z, items in views.departements],
    )
