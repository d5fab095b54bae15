"""Indicators: air, noise, traffic, water, lighting and charging, per station and per zone.

Every value carries its unit, the rule it follows (the citation of its text) and its
completeness. Days are local days in Europe/Paris (23 or 25 hours at the clock changes); a
period covers the local days it overlaps. Stations are those of the caller's member, of the
communes sharing their data with it in full, and — without their names — of the communes
sharing their aggregates with it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import ValidationError

from convergence.db.types import utcnow
from convergence.errors import InvalidInput
from convergence.indicators.result_schemas import (
    AirIndicators,
    ChargingIndicators,
    LightingIndicators,
    NoiseIndicators,
    TrafficIndicators,
    WaterIndicators,
)
from convergence.indicators.schemas import (
    ComparisonOut,
    IndicatorQuery,
    SiteSettings,
    SiteSettingsOut,
)
from convergence.indicators.service import compare
from convergence.indicators.services import sites as service_sites
from convergence.indicators.services.air import air_indicators
from convergence.indicators.services.charging import charging_indicators
from convergence.indicators.services.lighting import lighting_indicators
from convergence.indicators.services.noise import noise_indicators
from convergence.indicators.services.traffic import traffic_indicators
from convergence.indicators.services.water import water_indicators
from convergence.indicators.timewindows import local_day_of, local_wall_time
from convergence.timeseries.query_schemas import INSEE_PATTERN
from convergence.web.api.pagination import Page, PageDep, paginate_sequence
from convergence.web.deps import EngineDep, ReadScope

router = APIRouter(prefix="/indicators", tags=["indicators"])
DEFAULT_DAYS = 7
DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INSTANT_EXAMPLES = ["2026-06-15", "2026-06-15T00:00:00+02:00", "2026-06-14T22:00:00Z"]


def _instant(text: str, name: str) -> datetime:
    """A date (local midnight in Europe/Paris) or an ISO 8601 instant with its time zone."""
    try:
        if DATE_ONLY.match(text):
            return local_wall_time(date.fromisoformat(text), 0)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"`{name}` : date ou instant ISO 8601 attendu / expected a date or an "
            f"ISO 8601 instant, got {text!r}"
        ) from None
    if value.tzinfo is None:
        raise InvalidInput(
            f"`{name}` : précisez le fuseau horaire / give a time zone, e.g. {INSTANT_EXAMPLES[1]}"
        )
    return value


def indicator_query(
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            description="start: a date (local midnight, Europe/Paris) or an ISO 8601 instant "
            "with its time zone; default: the 7 local days ending with `to`",
            examples=INSTANT_EXAMPLES,
        ),
    ] = None,
    to: Annotated[
        str | None,
        Query(
            description="end, excluded: a date (its local midnight) or an instant; default: the "
            "end of today. A period lasts at most 400 days.",
            examples=["2026-06-16", "2026-06-15T22:00:00Z"],
        ),
    ] = None,
    commune: Annotated[
        str | None,
        Query(pattern=INSEE_PATTERN, description="INSEE code of a commune", examples=["78646"]),
    ] = None,
    asset_id: Annotated[
        int | None, Query(alias="asset", description="one station (asset id)", examples=[12])
    ] = None,
) -> IndicatorQuery:
    """The requested period, commune and asset."""
    today = local_day_of(utcnow())
    end = _instant(to, "to") if to else local_wall_time(today + timedelta(days=1), 0)
    last_day = local_day_of(end - timedelta(microseconds=1))
    start = (
        _instant(from_, "from")
        if from_
        else local_wall_time(last_day - timedelta(days=DEFAULT_DAYS - 1), 0)
    )
    try:
        return IndicatorQuery(start=start, end=end, commune=commune, asset_id=asset_id)
    except ValidationError as error:
        reasons = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
        raise InvalidInput(f"période invalide / invalid period: {reasons}") from None


QueryDep = Annotated[IndicatorQuery, Depends(indicator_query)]


@router.get("/air", response_model=AirIndicators)
def air(engine: EngineDep, scope: ReadScope, query: QueryDep) -> AirIndicators:
    """Daily ATMO-type index (from the commune's own sensors, never the official index),
    EAQI 2017 and 2024, and exceedances of EU limit values, WHO 2021 guidelines and French
    thresholds, per station, commune, EPCI and département."""
    with engine.connect() as conn:
        return air_indicators(conn, scope=scope, query=query)


@router.get("/noise", response_model=NoiseIndicators)
def noise(engine: EngineDep, scope: ReadScope, query: QueryDep) -> NoiseIndicators:
    """Ld, Le, Ln and Lden per day, over the period and per whole calendar year, exposure
    bands, French road limits and WHO 2018 guidelines (indicative unless annual)."""
    with engine.connect() as conn:
        return noise_indicators(conn, scope=scope, query=query)


@router.get("/traffic", response_model=TrafficIndicators)
def traffic(engine: EngineDep, scope: ReadScope, query: QueryDep) -> TrafficIndicators:
    """Daily counts per direction and both, peak hours, TMJA (complete months), TMJO, %PL,
    V85/V50 when counters send one speed per vehicle."""
    with engine.connect() as conn:
        return traffic_indicators(conn, scope=scope, query=query)


@router.get("/water", response_model=WaterIndicators)
def water(engine: EngineDep, scope: ReadScope, query: QueryDep) -> WaterIndicators:
    """Latest water height against each site's thresholds (vert, jaune, orange, rouge — a
    local reading, never the State's Vigicrues vigilance), rate of rise, next threshold."""
    with engine.connect() as conn:
        return water_indicators(conn, scope=scope, query=query)


@router.get("/lighting", response_model=LightingIndicators)
def lighting(engine: EngineDep, scope: ReadScope, query: QueryDep) -> LightingIndicators:
    """Street-lighting energy per day and month, burning hours, savings against a
    whole-night baseline; zones per inhabitant."""
    with engine.connect() as conn:
        return lighting_indicators(conn, scope=scope, query=query)


@router.get("/charging", response_model=ChargingIndicators)
def charging(engine: EngineDep, scope: ReadScope, query: QueryDep) -> ChargingIndicators:
    """Availability and occupancy of the points of charge, sessions, failures and energy."""
    with engine.connect() as conn:
        return charging_indicators(conn, scope=scope, query=query)


@router.get("/sites/{asset_id}", response_model=Page[SiteSettingsOut])
def site_settings(
    asset_id: int, engine: EngineDep, scope: ReadScope, page: PageDep
) -> Page[SiteSettingsOut]:
    """The indicator settings of one asset (thresholds, directions, …), one per kind."""
    with engine.connect() as conn:
        found = service_sites.get_site_settings(conn, scope=scope, asset_id=asset_id)
    return paginate_sequence(found, page, key=lambda s: s.settings.kind)


@router.put("/sites/{asset_id}", response_model=SiteSettingsOut)
def set_site_settings(
    asset_id: int, settings: SiteSettings, engine: EngineDep, scope: ReadScope
) -> SiteSettingsOut:
    """Set the indicator settings of one asset (writer roles of its member): ``water``
    thresholds and hysteresis, ``traffic`` directions and speed limit, ``noise`` sampling,
    ``lighting`` installed power; ``kind`` must be the asset's domain."""
    with engine.begin() as conn:
        return service_sites.set_site_settings(
            conn, scope=scope, asset_id=asset_id, settings=settings
        )


@router.get("/{domain}/compare", response_model=ComparisonOut)
def compare_commune(
    domain: Annotated[str, Path(max_length=20, examples=["air", "noise"])],
    engine: EngineDep,
    scope: ReadScope,
    query: QueryDep,
) -> ComparisonOut:
    """A commune (``commune``, required) against its EPCI and département — per inhabitant
    where it makes sense — and its rank among the communes of its population stratum."""
    if query.commune is None:
        raise InvalidInput("précisez `commune` / give `commune`, e.g. commune=78646")
    with engine.connect() as conn:
        return compare(conn, scope=scope, domain=domain, commune=query.commune, query=query)
