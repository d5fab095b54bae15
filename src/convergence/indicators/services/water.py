"""Water indicators: the latest height against the site's thresholds, rate of rise, next one.

The assessment is made at the end of the period (or now, if sooner) from the raw readings of
its last two days, replayed in order so that the hysteresis of the site's settings holds. A
reader of aggregates only gets the same from the hourly maxima (a flood is judged on its
highest values). The highest height of the whole period comes from the hourly maxima.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from convergence.db.types import utcnow
from convergence.indicators.queries import (
    SeriesRow,
    Site,
    domain_sites,
    hourly_of,
    raw_of,
    series_of,
    settings_of,
)
from convergence.indicators.regulations.water import (
    LOCAL_THRESHOLDS,
    VIGICRUES,
    VigilanceLevel,
)
from convergence.indicators.result_schemas import (
    NextThresholdOut,
    WaterIndicators,
    WaterSiteOut,
    WaterZoneOut,
)
from convergence.indicators.results import Completeness, Measure, Unit, full_completeness
from convergence.indicators.schemas import (
    IndicatorQuery,
    WaterSite,
    optional_measure,
    period_out,
)
from convergence.indicators.timewindows import HOUR, TimeWindow
from convergence.indicators.views import Metric, Zone, view_levels, zone_views
from convergence.indicators.water import (
    LevelReading,
    SiteThresholds,
    WaterAssessment,
    assess_water_level,
    rate_of_rise,
    vigilance_level,
)
from convergence.members.scope import MemberScope

WATER_LEVEL = "water_level"
LOOKBACK = timedelta(days=2)
RULE = f"{LOCAL_THRESHOLDS.text} ; {VIGICRUES.text}"
NOT_CONFIGURED = "sans seuils"
NO_READING = "sans mesure"
WATER_METRIC = Metric(
    name="worst_level_reached",
    description=(
        "niveau le plus haut atteint sur la période (1 vert … 4 rouge, seuils du site) / "
        "highest level reached over the period (1 green … 4 red, the site's thresholds)"
    ),
    per_inhabitant=False,
    higher_is_better=False,
)


@dataclass(frozen=True, slots=True)
class SiteWater:
    """A site's settings, its latest readings and the highest height of the period."""

    site: Site
    settings: WaterSite | None
    readings: tuple[LevelReading, ...]
    highest: float | None
    at: datetime

    @property
    def thresholds(self) -> SiteThresholds | None:
        s = self.settings
        return None if s is None else SiteThresholds(s.jaune, s.orange, s.rouge, s.hysteresis_m)

    def assessment(self) -> WaterAssessment | None:
        """Level, rate and next threshold of the latest reading, hysteresis replayed."""
        thresholds, settings = self.thresholds, self.settings
        if thresholds is None or settings is None or not self.readings:
            return None
        previous = None
        for reading in self.readings[:-1]:
            previous = vigilance_level(reading.level_m, thresholds, previous)
        return assess_water_level(
            self.readings,
            thresholds,
            now=self.at,
            previous=previous,
            window=timedelta(minutes=settings.rate_window_minutes),
            max_age=timedelta(minutes=settings.max_age_minutes),
        )

    def highest_level(self) -> VigilanceLevel | None:
        thresholds = self.thresholds
        if thresholds is None or self.highest is None:
            return None
        return vigilance_level(self.highest, thresholds)


def _latest_readings(
    conn: Connection, row: SeriesRow | None, hourly: Sequence[LevelReading], query: IndicatorQuery
) -> tuple[LevelReading, ...]:
    """Raw readings of the last two days of the period, else hourly maxima (aggregates only)."""
    if row is None:
        return ()
    window = TimeWindow(max(query.start, query.end - LOOKBACK), query.end)
    raw = raw_of(conn, rows=[row], window=window).get(row.id, [])
    readings = [LevelReading(b.start, b.sum) for b in raw] or list(hourly)
    return tuple(sorted(readings, key=lambda r: r.at))


def compute_water(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> list[SiteWater]:
    """Settings, latest readings and highest height of every site the query selects."""
    sites = domain_sites(
        conn, scope=scope, domain="water", commune=query.commune, asset_id=query.asset_id
    )
    settings = settings_of(conn, scope=scope, asset_ids=[s.asset_id for s in sites], kind="water")
    rows = series_of(
        conn, scope=scope, asset_ids=[s.asset_id for s in sites], quantities=[WATER_LEVEL]
    )
    buckets = hourly_of(conn, rows=rows.values(), window=TimeWindow(query.start, query.end))
    at = min(query.end, utcnow())
    found = []
    for site in sites:
        row = rows.get((site.asset_id, WATER_LEVEL))
        hours = buckets.get(row.id, []) if row is not None else []
        maxima = [LevelReading(b.start, b.max) for b in hours]
        highest = max((b.max for b in hours), default=None)
        latest = _latest_readings(conn, row, maxima, query)
        found.append(SiteWater(site, settings.get(site.asset_id), latest, highest, at))
    return found


def worst_level_reached(sites: Sequence[SiteWater]) -> Measure:
    """Highest level any site reached in the period; completeness: sites with thresholds."""
    levels = [lv for lv in (s.highest_level() for s in sites) if lv is not None]
    configured = sum(1 for s in sites if s.settings is not None)
    done = Completeness(configured, len(sites), 1.0, "sites")
    value = float(max(levels)) if levels else None
    return Measure(value, Unit.INDEX_CLASS, RULE, done)


# --- API form ----------------------------------------------------------------------------


def _next_out(assessment: WaterAssessment) -> NextThresholdOut | None:
    nxt = assessment.next_threshold
    if nxt is None:
        return None
    return NextThresholdOut(
        level=nxt.level.name.lower(),
        threshold_m=nxt.threshold_m,
        distance_cm=nxt.distance_cm,
        eta_hours=nxt.eta / HOUR,
        reached_at=nxt.reached_at,
    )


def _height(site: SiteWater) -> Measure | None:
    if not site.readings:
        return None
    return Measure(site.readings[-1].level_m, Unit.METRE, RULE, full_completeness("relevés"))


def _highest(site: SiteWater) -> Measure | None:
    if site.highest is None:
        return None
    return Measure(site.highest, Unit.METRE, RULE, full_completeness("relevés"))


def site_out(site: SiteWater) -> WaterSiteOut:
    """The API form of a site: without thresholds, its height and rate only."""
    assessed = site.assessment()
    rate = (
        assessed.rate
        if assessed is not None
        else rate_of_rise(site.readings)
        if site.readings
        else None
    )
    highest = site.highest_level()
    return WaterSiteOut(
        station=site.site.station(),
        thresholds=site.settings,
        at=site.readings[-1].at if site.readings else None,
        height=optional_measure(_height(site)),
        level=None if assessed is None else assessed.level.name.lower(),
        level_code=None if assessed is None else int(assessed.level),
        meaning=None if assessed is None else assessed.meaning,
        rate=optional_measure(rate),
        next_threshold=None if assessed is None else _next_out(assessed),
        stale=None if assessed is None else assessed.stale,
        highest=optional_measure(_highest(site)),
        highest_level=None if highest is None else highest.name.lower(),
        rule=RULE,
    )


def _level_name(site: SiteWater, assessed: WaterAssessment | None) -> str:
    if assessed is not None:
        return assessed.level.name.lower()
    return NOT_CONFIGURED if site.settings is None else NO_READING


def _zone_out(zone: Zone, sites: list[SiteWater]) -> WaterZoneOut:
    levels = [(s, s.assessment()) for s in sites]
    current = [a.level for _, a in levels if a is not None]
    counts = Counter(_level_name(s, a) for s, a in levels)
    worst = max(current) if current else None
    return WaterZoneOut(
        zone=zone.out(),
        sites=len(sites),
        worst_level=None if worst is None else worst.name.lower(),
        worst_level_code=None if worst is None else int(worst),
        sites_by_level=dict(sorted(counts.items())),
    )


def water_indicators(
    conn: Connection, *, scope: MemberScope, query: IndicatorQuery
) -> WaterIndicators:
    """Water indicators of the sites the query selects, and of their zones."""
    sites = compute_water(conn, scope=scope, query=query)
    views = zone_views(sites, levels=view_levels(commune=query.commune, asset_id=query.asset_id))
    return WaterIndicators(
        period=period_out(query),
        stations=[site_out(s) for s in sites],
        communes=[_zone_out(z, items) for z, items in views.communes],
        epcis=[_zone_out(z, items) for z, items in views.epcis],
        departements=[_zone_out(z, items) for z, items in views.departements],
    )
