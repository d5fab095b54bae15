"""Noise indicators from hourly rollups: daily and annual Ld, Le, Ln, Lden, bands, limits.

The hourly rollup of an LAeq series stores Σ10^(L/10) and n; the levels are computed from
that energy, never from averaged decibels (Directive 2002/49/EC annex I). An hour counts as
covered in proportion n ÷ samples_per_hour when the site's settings give it. The night of a
day runs to 06:00 the next morning and is read even past the end of the period.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from convergence.indicators.noise import (
    HourlyEnergy,
    NoiseLevels,
    NoiseLimitCheck,
    annual_noise_levels_from_energy,
    check_noise_limits,
    exposure_band,
    noise_levels_from_energy,
)
from convergence.indicators.queries import (
    Site,
    domain_sites,
    hourly_of,
    series_of,
    settings_of,
)
from convergence.indicators.regulations.noise import (
    DIRECTIVE_2002_49_ANNEX_I,
    FR_LIMITS,
    WHO_2018,
    NoiseIndicator,
    NoiseLimit,
)
from convergence.indicators.result_schemas import (
    BandOut,
    NoiseIndicators,
    NoiseLevelsOut,
    NoiseLimitOut,
    NoiseStationOut,
    NoiseZoneOut,
)
from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.schemas import (
    IndicatorQuery,
    NoiseSite,
    measure_out,
    optional_measure,
    period_out,
)
from convergence.indicators.timewindows import (
    TimeWindow,
    days_between,
    local_wall_time,
    noise_period_of,
)
from convergence.indicators.views import Metric, Zone, view_levels, zone_views
from convergence.members.scope import MemberScope

LAEQ = "laeq"
NIGHT_END_HOUR = 30  # 06:00 the next morning, as local_wall_time counts it
LIMIT_TABLES: dict[str, tuple[NoiseLimit, ...]] = {"FR": FR_LIMITS, "WHO_2018": WHO_2018}
NOISE_METRIC = Metric(
    name="loudest_lden",
    description=(
        "Lden le plus élevé des sonomètres sur la période / highest Lden of the sound level "
        "meters over the period"
    ),
    per_inhabitant=False,
    higher_is_better=False,
)


@dataclass(frozen=True, slots=True)
class StationNoise:
    """A station's levels per day, over the period and for each whole calendar year in it."""

    site: Site
    settings: NoiseSite
    days: tuple[NoiseLevels, ...]
    period: NoiseLevels
    years: tuple[NoiseLevels, ...]

    def reference(self) -> NoiseLevels:
        """The annual levels when a whole year is there (limits apply to them), else the period."""
        return self.years[-1] if self.years else self.period


def whole_years(first: date, last: date) -> list[int]:
    """Calendar years lying wholly in [first, last]."""
    return [
        y
        for y in range(first.year, last.year + 1)
        if date(y, 1, 1) >= first and date(y, 12, 31) <= last
    ]


def station_noise(
    site: Site,
    settings: NoiseSite,
    hours: Sequence[HourlyEnergy],
    query: IndicatorQuery,
    *,
    period_only: bool = False,
) -> StationNoise:
    """Daily, period and annual levels of one station from its hourly energies (the
    period's only if ``period_only``)."""
    per_hour = settings.samples_per_hour
    first, last = query.first_day, query.last_day
    if period_only:
        period = noise_levels_from_energy(hours, first, last, samples_per_hour=per_hour)
        return StationNoise(site, settings, (), period, ())
    by_day: dict[date, list[HourlyEnergy]] = defaultdict(list)
    for hour in hours:  # each day reads only its own hours, its night included
        by_day[noise_period_of(hour.hour_start)[0]].append(hour)
    days = tuple(
        noise_levels_from_energy(by_day.get(d, []), d, samples_per_hour=per_hour)
        for d in days_between(first, last)
    )
    period = noise_levels_from_energy(hours, first, last, samples_per_hour=per_hour)
    years = tuple(
        annual_noise_levels_from_energy(hours, y, samples_per_hour=per_hour)
        for y in whole_years(first, last)
    )
    return StationNoise(site, settings, days, period, years)


def _energies(
    conn: Connection, scope: MemberScope, sites: Sequence[Site], query: IndicatorQuery
) -> dict[int, list[HourlyEnergy]]:
    rows = series_of(conn, scope=scope, asset_ids=[s.asset_id for s in sites], quantities=[LAEQ])
    window = TimeWindow(
        local_wall_time(query.first_day, 0), local_wall_time(query.last_day, NIGHT_END_HOUR)
    )
    buckets = hourly_of(conn, rows=rows.values(), window=window)
    return {
        asset_id: [
            HourlyEnergy(b.start, b.energy_sum, b.count)
            for b in buckets.get(row.id, [])
            if b.energy_sum is not None
        ]
        for (asset_id, _), row in rows.items()
    }


def compute_noise_periods(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> list[StationNoise]:
    """As ``compute_noise``, for the period's levels only (comparisons across many
    communes): neither daily nor annual levels."""
    return compute_noise(conn, scope=scope, query=query, period_only=True)


def compute_noise(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery, period_only: bool = False
) -> list[StationNoise]:
    """Levels of every sound level meter the query selects."""
    sites = domain_sites(
        conn, scope=scope, domain="noise", commune=query.commune, asset_id=query.asset_id
    )
    settings = settings_of(conn, scope=scope, asset_ids=[s.asset_id for s in sites], kind="noise")
    energies = _energies(conn, scope, sites, query)
    return [
        station_noise(
            s,
            settings.get(s.asset_id, NoiseSite()),
            energies.get(s.asset_id, []),
            query,
            period_only=period_only,
        )
        for s in sites
    ]


def loudest_lden(stations: Sequence[StationNoise]) -> Measure:
    """The highest period Lden of the stations (with its completeness), None without any."""
    measured = [s.period.lden for s in stations if s.period.lden.value is not None]
    if measured:
        return max(measured, key=lambda m: m.value or 0.0)
    done = Completeness(0, len(stations), 0.75, "sonomètres")
    return Measure(None, Unit.DECIBEL_A, DIRECTIVE_2002_49_ANNEX_I.text, done)


# --- API form ----------------------------------------------------------------------------


def _band(indicator: NoiseIndicator, level: Measure) -> BandOut | None:
    if level.value is None:
        return None
    band = exposure_band(indicator, level.value)
    return BandOut(
        indicator=band.indicator,
        lower=band.lower,
        upper=band.upper,
        label=band.label,
        rule=band.rule,
    )


def _checks(levels: NoiseLevels, settings: NoiseSite) -> list[tuple[str, NoiseLimitCheck]]:
    return [
        (table, check)
        for table, limits in LIMIT_TABLES.items()
        for check in check_noise_limits(levels, [x for x in limits if x.source is settings.source])
    ]


def _limit_out(table: str, check: NoiseLimitCheck) -> NoiseLimitOut:
    limit = check.limit
    return NoiseLimitOut(
        table=table,
        source=limit.source,
        indicator=limit.indicator,
        limit=limit.value,
        unit=Unit.DECIBEL_A.value,
        rule=limit.citation.text,
        verification=limit.status,
        exceeded=check.exceeded,
        indicative=check.indicative,
    )


def levels_out(levels: NoiseLevels, settings: NoiseSite) -> NoiseLevelsOut:
    """The API form of Ld, Le, Ln, Lden with their bands and limit checks."""
    return NoiseLevelsOut(
        first_day=levels.first_day,
        last_day=levels.last_day,
        annual=levels.is_annual,
        ld=measure_out(levels.ld),
        le=measure_out(levels.le),
        ln=measure_out(levels.ln),
        lden=measure_out(levels.lden),
        lden_band=_band(NoiseIndicator.LDEN, levels.lden),
        ln_band=_band(NoiseIndicator.LN, levels.ln),
        limits=[_limit_out(t, c) for t, c in _checks(levels, settings)],
    )


def _exceeds(station: StationNoise, table: str) -> bool:
    checks = _checks(station.reference(), station.settings)
    return any(check.exceeded for name, check in checks if name == table)


def _zone_out(zone: Zone, stations: list[StationNoise]) -> NoiseZoneOut:
    loudest = [s for s in stations if s.period.lden.value is not None]
    top = max(loudest, key=lambda s: s.period.lden.value or 0.0) if loudest else None
    bands = Counter(
        exposure_band(NoiseIndicator.LDEN, s.period.lden.value).label
        for s in loudest
        if s.period.lden.value is not None
    )
    return NoiseZoneOut(
        zone=zone.out(),
        stations=len(stations),
        loudest_asset_id=None if top is None else top.site.asset_id,
        loudest_lden=optional_measure(None if top is None else top.period.lden),
        above_french_limit=sum(1 for s in stations if _exceeds(s, "FR")),
        above_who_guideline=sum(1 for s in stations if _exceeds(s, "WHO_2018")),
        lden_bands=dict(sorted(bands.items())),
    )


def _station_out(station: StationNoise) -> NoiseStationOut:
    settings = station.settings
    return NoiseStationOut(
        station=station.site.station(),
        source=settings.source,
        samples_per_hour=settings.samples_per_hour,
        days=[levels_out(d, settings) for d in station.days],
        period=levels_out(station.period, settings),
        years=[levels_out(y, settings) for y in station.years],
    )


def noise_indicators(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> NoiseIndicators:
    """Noise indicators of the stations the query selects, and of their zones."""
    stations = compute_noise(conn, scope=scope, query=query)
    views = zone_views(stations, levels=view_levels(commune=query.commune, asset_id=query.asset_id))
    return NoiseIndicators(
        period=period_out(query),
        stations=[_station_out(s) for s in stations],
        communes=[_zone_out(z, items) for z, items in views.communes],
        epcis=[_zone_out(z, items) for z, items in views.epcis],
        departements=[_zone_out(z, items) for z, items in views.departements],
    )
