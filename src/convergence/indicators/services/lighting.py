"""Lighting indicators from hourly rollups: energy per day and month, burning hours, savings.

A cabinet's hourly kWh is the rise of its meter index (``energy``) from the end of the
previous hour to the end of this one — the last reading of an hour is its maximum, the
index never falls; an hour whose previous hour is missing, or whose index fell (meter
replaced), is missing. Without an index, the hour's mean power gives its kWh. An hour counts
as lit when its mean power (or its kWh) exceeds the site's switch threshold. Savings compare
the energy with the installed power burning from sunset to sunrise at the cabinet.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal

from sqlalchemy import Connection

from convergence.indicators.comparison import per_inhabitant
from convergence.indicators.lighting import (
    ENERGY_REQUIRED_RATIO,
    Savings,
    daily_energy,
    energy_over,
    monthly_energy,
    savings_against_whole_night,
)
from convergence.indicators.queries import (
    Site,
    domain_sites,
    hourly_of,
    series_of,
    settings_of,
)
from convergence.indicators.regulations.lighting import LIGHTING_ENERGY
from convergence.indicators.result_schemas import (
    LightingDayOut,
    LightingIndicators,
    LightingMonthOut,
    LightingSiteOut,
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
    HOUR,
    HourlySample,
    TimeWindow,
    days_between,
    group_by_local_day,
    in_window,
    local_day_window,
    local_days_window,
)
from convergence.indicators.views import Metric, Zone, territory_total, view_levels, zone_views
from convergence.members.scope import MemberScope
from convergence.timeseries.buckets import Bucket

ENERGY, POWER = "energy", "power"
BURNING_RULE = (
    f"{LIGHTING_ENERGY.text} ; heure allumée : puissance moyenne de l'heure au-dessus du "
    "seuil de l'armoire (à l'heure près)"
)
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
    """A cabinet's hourly kWh and lit hours over the period's local days."""

    site: Site
    settings: LightingSite
    source: EnergySource
    hourly_kwh: tuple[HourlySample, ...]
    lit: tuple[HourlySample, ...]  # 1.0 for a lit hour, 0.0 for a dark one
    first_day: date
    last_day: date

    @property
    def window(self) -> TimeWindow:
        return local_days_window(self.first_day, self.last_day)


def index_deltas(buckets: Sequence[Bucket]) -> list[HourlySample]:
    """kWh of each hour from the meter index: its maximum minus the previous hour's."""
    ordered = sorted(buckets, key=lambda b: b.start)
    return [
        HourlySample(b.start, b.max - prev.max)
        for prev, b in pairwise(ordered)
        if b.start - prev.start == HOUR and b.max >= prev.max
    ]


def _hourly(
    energy: Sequence[Bucket], power: Sequence[Bucket], threshold_w: float
) -> tuple[EnergySource, list[HourlySample], list[HourlySample]]:
    """The source used, hourly kWh and lit hours (power first for lit hours, else kWh)."""
    by_power = [HourlySample(b.start, b.sum / b.count / 1000) for b in power if b.count]
    deltas = index_deltas(energy)
    source: EnergySource = "index" if deltas else "power" if by_power else "none"
    kwh = deltas or by_power
    lit = [HourlySample(s.hour_start, float(s.value * 1000 > threshold_w)) for s in by_power or kwh]
    return source, kwh, lit


def compute_lighting(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> list[SiteLighting]:
    """Hourly kWh and lit hours of every cabinet the query selects."""
    sites = domain_sites(
        conn, scope=scope, domain="lighting", commune=query.commune, asset_id=query.asset_id
    )
    ids = [s.asset_id for s in sites]
    settings = settings_of(conn, scope=scope, asset_ids=ids, kind="lighting")
    rows = series_of(conn, scope=scope, asset_ids=ids, quantities=[ENERGY, POWER])
    days = local_days_window(query.first_day, query.last_day)
    window = TimeWindow(days.start_utc - HOUR, days.end_utc)  # the hour before, for deltas
    buckets = hourly_of(conn, rows=rows.values(), window=window)
    found = []
    for site in sites:
        config = settings.get(site.asset_id, LightingSite())
        energy, power = (
            buckets.get(rows[(site.asset_id, q)].id, []) if (site.asset_id, q) in rows else []
            for q in (ENERGY, POWER)
        )
        source, kwh, lit = _hourly(energy, power, config.on_threshold_w)
        found.append(
            SiteLighting(
                site, config, source, tuple(kwh), tuple(lit), query.first_day, query.last_day
            )
        )
    return found


def burning_hours_over(lit: Sequence[HourlySample], window: TimeWindow) -> Measure:
    """Lit hours of a window; completeness: hours with a known state."""
    known = in_window(lit, window)
    done = Completeness(len(known), round(window.hours), ENERGY_REQUIRED_RATIO, "heures")
    value = sum(s.value for s in known) if known else None
    return Measure(value, Unit.HOUR, BURNING_RULE, done)


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
    return energy_over(site.hourly_kwh, site.window, required_ratio=ENERGY_REQUIRED_RATIO)


def zone_energy(sites: Sequence[SiteLighting]) -> Measure:
    """kWh of a zone: the sum of its cabinets; completeness: hours present over hours expected."""
    energies = [period_energy(s) for s in sites]
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
    energy = monthly_energy(site.hourly_kwh, year, month)
    last = date(year, month, calendar.monthrange(year, month)[1])
    savings = _savings(site, energy, date(year, month, 1), last)
    return LightingMonthOut(
        year=year, month=month, energy=measure_out(energy), savings=_savings_out(savings)
    )


def _days_out(site: SiteLighting) -> list[LightingDayOut]:
    """Energy and burning hours of each local day, each reading only its own hours."""
    kwh, lit = group_by_local_day(site.hourly_kwh), group_by_local_day(site.lit)
    return [
        LightingDayOut(
            day=d,
            energy=measure_out(daily_energy(kwh.get(d, []), d)),
            burning_hours=measure_out(burning_hours_over(lit.get(d, []), local_day_window(d))),
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
        burning_hours=measure_out(burning_hours_over(site.lit, site.window)),
        savings=_savings_out(_savings(site, energy, first, last)),
    )


def _zone_out(zone: Zone, sites: list[SiteLighting]) -> LightingZoneOut:
    total = territory_total(zone, sites, zone_energy)
    return LightingZoneOut(
        zone=zone.out(),
        sites=len(sites),
        energy=measure_out(total.total),
        per_inhabitant=per_inhabitant_out(per_inhabitant(total)),
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
