"""Lighting indicators: energy per day and month, burning hours, savings.

A cabinet's energy over any window — a day, a month, the period — is the rise of its meter
index between the window's bounds, the index interpolated linearly at each bound between
the readings around it (``instants.index_difference``): the days of a month add up to the
month, whatever the meter's reporting interval. Without an index, the hours' mean power
gives their kWh. The cabinet is on while its power reads above the site's switch threshold:
burning hours are the time between an « on » reading and the following « off » one.
Savings compare the energy with the installed power burning from sunset to sunrise.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import Connection

from convergence.indicators.comparison import per_inhabitant
from convergence.indicators.instants import STATE_HOLD, Instant
from convergence.indicators.lighting import (
    ENERGY_REQUIRED_RATIO,
    Savings,
    burning_hours_from_states,
    energy_from_index,
    energy_over,
    savings_against_whole_night,
)
from convergence.indicators.queries import (
    Site,
    domain_sites,
    hourly_of,
    instants_of,
    series_of,
    settings_of,
)
from convergence.indicators.regulations.lighting import LIGHTING_ENERGY
from convergence.indicators.result_schemas import (
    LightingDayOut,
    LightingIndicators,
    LightingMonthOut,
    LightingSiteOut,
    LightingZoneDayOut,
    LightingZoneOut,
    SavingsOut,
)
from convergence.indicators.results import Completeness, Measure, Unit
from convergence.indicators.schemas import (
    IndicatorQuery,
    LightingSite,
    measure_out,
    per_inhabitant_out,
    period_out,
)
from convergence.indicators.timewindows import (
    HourlySample,
    TimeWindow,
    days_between,
    local_day_window,
    local_days_window,
)
from convergence.indicators.views import Metric, Zone, territory_total, view_levels, zone_views
from convergence.members.scope import MemberScope
from convergence.timeseries.buckets import Bucket

ENERGY, POWER = "energy", "power"
MARGIN = 2 * STATE_HOLD  # readings read around the period, for its bounds
LIGHTING_METRIC = Metric(
    name="lighting_energy",
    description=(
        "énergie consommée par l'éclairage public sur la période / street-lighting energy "
        "over the period"
    ),
    per_inhabitant=True,
    higher_is_better=False,
)
EnergySource = Literal["index", "power", "none"]


@dataclass(frozen=True, slots=True)
class SiteLighting:
    """A cabinet's meter index, its on/off states and (without index) hourly kWh."""

    site: Site
    settings: LightingSite
    source: EnergySource
    index: tuple[Instant, ...]
    states: tuple[Instant, ...]  # 1.0 on, 0.0 off, read from the power
    hourly_kwh: tuple[HourlySample, ...]  # from the mean power, when there is no index
    first_day: date
    last_day: date

    @property
    def window(self) -> TimeWindow:
        return local_days_window(self.first_day, self.last_day)


def states_from_power(power: Sequence[Instant], threshold_w: float) -> list[Instant]:
    """On (1.0) when the power reads above the switch threshold, else off (0.0)."""
    return [Instant(p.at, float(p.value > threshold_w)) for p in power]


def _site_lighting(
    site: Site,
    config: LightingSite,
    index: Sequence[Instant],
    power: Sequence[Instant],
    power_hours: Sequence[Bucket],
    query: IndicatorQuery,
) -> SiteLighting:
    by_power = [HourlySample(b.start, b.sum / b.count / 1000) for b in power_hours if b.count]
    source: EnergySource = "index" if index else "power" if by_power else "none"
    return SiteLighting(
        site,
        config,
        source,
        tuple(index),
        tuple(states_from_power(power, config.on_threshold_w)),
        () if index else tuple(by_power),
        query.first_day,
        query.last_day,
    )


def compute_lighting_totals(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> list[SiteLighting]:
    """As ``compute_lighting``, for the period's energy only (comparisons across many
    communes): the index is read around the period's two bounds, the states not at all."""
    return compute_lighting(conn, scope=scope, query=query, bounds_only=True)


def _index_reads(window: TimeWindow, bounds_only: bool) -> list[TimeWindow]:
    """Where the index is read: around the whole period, or around each bound only."""
    if not bounds_only or window.end_utc - window.start_utc <= 2 * MARGIN:
        return [TimeWindow(window.start_utc - MARGIN, window.end_utc + MARGIN)]
    return [
        TimeWindow(bound - MARGIN, bound + MARGIN) for bound in (window.start_utc, window.end_utc)
    ]


def compute_lighting(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery, bounds_only: bool = False
) -> list[SiteLighting]:
    """Meter index, states and hourly kWh of every cabinet the query selects."""
    sites = domain_sites(
        conn, scope=scope, domain="lighting", commune=query.commune, asset_id=query.asset_id
    )
    ids = [s.asset_id for s in sites]
    settings = settings_of(conn, scope=scope, asset_ids=ids, kind="lighting")
    rows = series_of(conn, scope=scope, asset_ids=ids, quantities=[ENERGY, POWER])
    days = local_days_window(query.first_day, query.last_day)
    read = [r for r in rows.values() if r.quantity == ENERGY or not bounds_only]
    instants: dict[int, list[Instant]] = {}
    for part in _index_reads(days, bounds_only):
        for series_id, found in instants_of(conn, rows=read, window=part).items():
            instants.setdefault(series_id, []).extend(found)
    power_rows = [r for r in rows.values() if r.quantity == POWER]
    hours = hourly_of(conn, rows=power_rows, window=days)

    def of(site: Site, quantity: str) -> list[Instant]:
        row = rows.get((site.asset_id, quantity))
        return instants.get(row.id, []) if row else []

    power_ids = {r.asset_id: r.id for r in power_rows}
    return [
        _site_lighting(
            site,
            settings.get(site.asset_id, LightingSite()),
            of(site, ENERGY),
            of(site, POWER),
            hours.get(power_ids.get(site.asset_id, -1), []),
            query,
        )
        for site in sites
    ]


def energy_of(site: SiteLighting, window: TimeWindow) -> Measure:
    """kWh of a window: the index difference, else the hours' mean power; all hours needed."""
    if site.source == "index":
        return energy_from_index(site.index, window)
    return energy_over(site.hourly_kwh, window, required_ratio=ENERGY_REQUIRED_RATIO)


def burning_hours_of(site: SiteLighting, window: TimeWindow) -> Measure:
    """Hours switched on in a window, from the on/off states read from the power."""
    return burning_hours_from_states(site.states, window)


def _savings(site: SiteLighting, measured: Measure, first: date, last: date) -> Savings | None:
    power = site.settings.installed_power_w
    if power is None or site.site.lon is None or site.site.lat is None:
        return None
    return savings_against_whole_night(
        measured,
        installed_power_w=power,
        first_night=first,
        last_night=last,
        lon=site.site.lon,
        lat=site.site.lat,
    )


def period_energy(site: SiteLighting) -> Measure:
    """kWh of the period's local days; every hour needed to be complete."""
    return energy_of(site, site.window)


def zone_energy(sites: Sequence[SiteLighting]) -> Measure:
    """kWh of a zone over the period: the sum of its cabinets (see ``summed_energy``)."""
    return summed_energy([period_energy(s) for s in sites])


def zone_energy_over(sites: Sequence[SiteLighting], window: TimeWindow) -> Measure:
    """kWh of a zone over a window: the sum of its cabinets (see ``summed_energy``)."""
    return summed_energy([energy_of(s, window) for s in sites])


def summed_energy(energies: Sequence[Measure]) -> Measure:
    """The sum of cabinets' kWh; completeness: their hours present over hours expected."""
    with_value = [e.value for e in energies if e.value is not None]
    done = Completeness(
        sum(e.completeness.present for e in energies),
        sum(e.completeness.expected for e in energies),
        ENERGY_REQUIRED_RATIO,
        "heures",
    )
    return Measure(sum(with_value) if with_value else None, Unit.KWH, LIGHTING_ENERGY.text, done)


# --- API form ----------------------------------------------------------------------------


def _savings_out(savings: Savings | None) -> SavingsOut | None:
    if savings is None:
        return None
    return SavingsOut(
        baseline=measure_out(savings.baseline),
        measured=measure_out(savings.measured),
        saved=measure_out(savings.saved),
        saved_share=measure_out(savings.saved_share),
    )


def _whole_months(first: date, last: date) -> list[tuple[int, int]]:
    """Calendar months lying wholly in [first, last]."""
    months = sorted({(d.year, d.month) for d in days_between(first, last)})
    return [
        (y, m)
        for y, m in months
        if date(y, m, 1) >= first and date(y, m, calendar.monthrange(y, m)[1]) <= last
    ]


def _month_out(site: SiteLighting, year: int, month: int) -> LightingMonthOut:
    last = date(year, month, calendar.monthrange(year, month)[1])
    energy = energy_of(site, local_days_window(date(year, month, 1), last))
    savings = _savings(site, energy, date(year, month, 1), last)
    return LightingMonthOut(
        year=year, month=month, energy=measure_out(energy), savings=_savings_out(savings)
    )


def _days_out(site: SiteLighting) -> list[LightingDayOut]:
    """Energy and burning hours of each local day (the days add up to the period)."""
    return [
        LightingDayOut(
            day=d,
            energy=measure_out(energy_of(site, local_day_window(d))),
            burning_hours=measure_out(burning_hours_of(site, local_day_window(d))),
        )
        for d in days_between(site.first_day, site.last_day)
    ]


def _site_out(site: SiteLighting) -> LightingSiteOut:
    first, last = site.first_day, site.last_day
    energy = period_energy(site)
    return LightingSiteOut(
        station=site.site.station(),
        energy_source=site.source,
        installed_power_w=site.settings.installed_power_w,
        days=_days_out(site),
        months=[_month_out(site, y, m) for y, m in _whole_months(first, last)],
        energy=measure_out(energy),
        burning_hours=measure_out(burning_hours_of(site, site.window)),
        savings=_savings_out(_savings(site, energy, first, last)),
    )


def _zone_out(zone: Zone, sites: list[SiteLighting]) -> LightingZoneOut:
    total = territory_total(zone, sites, zone_energy)
    days = days_between(sites[0].first_day, sites[0].last_day) if sites else []
    return LightingZoneOut(
        zone=zone.out(),
        sites=len(sites),
        energy=measure_out(total.total),
        per_inhabitant=per_inhabitant_out(per_inhabitant(total)),
        days=[
            LightingZoneDayOut(
                day=d, energy=measure_out(zone_energy_over(sites, local_day_window(d)))
            )
            for d in days
        ],
    )


def lighting_indicators(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> LightingIndicators:
    """Lighting indicators of the cabinets the query selects, and of their zones."""
    sites = compute_lighting(conn, scope=scope, query=query)
    views = zone_views(sites, levels=view_levels(commune=query.commune, asset_id=query.asset_id))
    return LightingIndicators(
        period=period_out(query),
        stations=[_site_out(s) for s in sites],
        communes=[_zone_out(z, items) for z, items in views.communes],
        epcis=[_zone_out(z, items) for z, items in views.epcis],
        departements=[_zone_out(z, items) for z, items in views.departements],
    )
