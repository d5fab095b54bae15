"""The indicator section of each domain page: the indicator service's result, and its charts.

Each domain's service computes its indicators for the page's commune or station over the
page's period; this module picks what the page shows (the commune's zone, or the station
asked) and draws the daily charts whose numbers the page's tables repeat in words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection

from convergence.indicators.result_schemas import (
    AirDayOut,
    AirIndicators,
    LightingIndicators,
    NoiseIndicators,
    NoiseStationOut,
    TrafficIndicators,
    TrafficSiteOut,
)
from convergence.indicators.schemas import IndicatorQuery, StationOut
from convergence.indicators.service_air import air_indicators
from convergence.indicators.service_charging import charging_indicators
from convergence.indicators.service_lighting import lighting_indicators
from convergence.indicators.service_noise import noise_indicators
from convergence.indicators.service_traffic import traffic_indicators
from convergence.indicators.service_water import water_indicators
from convergence.members.scope import MemberScope
from convergence.registry.kinds import Domain
from convergence.reports.colours import NEUTRAL
from convergence.reports.figures_services import tmj
from convergence.web.pages.domains_charts import Line, bar_figure, day_iso, line_figure

Service = Callable[..., BaseModel]
CHARTED = 8  # stations drawn one line each and tabulated day by day; the busiest ones
SERVICES: Mapping[Domain, Service] = {
    Domain.air: air_indicators,
    Domain.noise: noise_indicators,
    Domain.traffic: traffic_indicators,
    Domain.water: water_indicators,
    Domain.lighting: lighting_indicators,
    Domain.charging: charging_indicators,
}


def indicators_of(
    conn: Connection, *, scope: MemberScope, domain: Domain, query: IndicatorQuery
) -> BaseModel:
    """The domain's indicators for the query (one commune, or one station)."""
    return SERVICES[domain](conn, scope=scope, query=query)


def station_name(station: StationOut) -> str:
    """A station's name, or its number for a reader of aggregates only."""
    return station.name or f"Équipement n° {station.asset_id}"


def air_days(result: AirIndicators, asset_id: int | None) -> list[AirDayOut]:
    """The daily indices of the station asked, else of the commune's zone."""
    if asset_id is not None:
        return result.stations[0].days if result.stations else []
    return result.communes[0].days if result.communes else []


def air_index_figure(days: Sequence[AirDayOut]) -> dict[str, Any]:
    """One bar a day, as high as its class and in its colour, labelled in words."""
    return bar_figure(
        [day_iso(d.index.day) for d in days],
        [d.index.code or None for d in days],
        unit="classe",
        colours=[d.index.colour or NEUTRAL for d in days],
        text=[d.index.label for d in days],
    )


def loudest_stations(result: NoiseIndicators) -> list[NoiseStationOut]:
    """The ``CHARTED`` sound level meters with the highest Lden over the period."""
    ranked = sorted(result.stations, key=lambda s: s.period.lden.value or 0.0, reverse=True)
    return ranked[:CHARTED]


def busiest_sites(result: TrafficIndicators) -> list[TrafficSiteOut]:
    """The ``CHARTED`` counting sites with the highest TMJ over the period."""
    return sorted(result.stations, key=lambda s: tmj(s) or 0.0, reverse=True)[:CHARTED]


def charted_stations(domain: Domain, result: BaseModel) -> list[Any]:
    """The stations a domain's daily chart and table show (all of them up to ``CHARTED``)."""
    if isinstance(result, NoiseIndicators):
        return loudest_stations(result)
    if isinstance(result, TrafficIndicators):
        return busiest_sites(result)
    return []


def noise_lden_figure(result: NoiseIndicators) -> dict[str, Any]:
    """The daily Lden of the loudest sound level meters."""
    lines = [
        Line(
            station_name(s.station),
            [day_iso(d.first_day) for d in s.days],
            [d.lden.value for d in s.days],
        )
        for s in loudest_stations(result)
    ]
    return line_figure(lines, unit="dB(A)", height=300)


def traffic_days_figure(result: TrafficIndicators) -> dict[str, Any]:
    """Vehicles per day, both directions, of the busiest counting sites (valid days only)."""
    lines = [
        Line(
            station_name(s.station),
            [day_iso(d.day) for d in s.days],
            [d.both.vehicles.value if d.valid else None for d in s.days],
        )
        for s in busiest_sites(result)
    ]
    return line_figure(lines, unit="véhicules/jour", height=300)


def lighting_energy_figure(result: LightingIndicators) -> dict[str, Any]:
    """Energy of each day, summed over the cabinets shown."""
    totals: dict[str, float] = {}
    for site in result.stations:
        for day in site.days:
            if day.energy.value is not None:
                key = day_iso(day.day)
                totals[key] = totals.get(key, 0.0) + day.energy.value
    days = sorted(totals)
    return bar_figure(days, [totals[d] for d in days], unit="kWh")


FIGURES: Mapping[Domain, Callable[[Any, int | None], dict[str, Any]]] = {
    Domain.air: lambda result, asset_id: air_index_figure(air_days(result, asset_id)),
    Domain.noise: lambda result, _: noise_lden_figure(result),
    Domain.traffic: lambda result, _: traffic_days_figure(result),
    Domain.lighting: lambda result, _: lighting_energy_figure(result),
}


def indicator_figure(
    domain: Domain, result: BaseModel, asset_id: int | None
) -> dict[str, Any] | None:
    """The daily chart of the domain's indicators, if the domain has one."""
    draw = FIGURES.get(domain)
    return None if draw is None else draw(result, asset_id)
