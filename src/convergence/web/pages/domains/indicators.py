"""The indicator section of each domain page: the indicator service's result, and its charts.

Each line's service computes its indicators for the page's commune or station over the
page's period; the line's page hooks pick what the page shows (the commune's zone, or the
station asked) and draw the daily charts whose numbers the page's tables repeat in words.
The built-in lines' charts are drawn here; ``convergence.lines`` points their pages at them.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from convergence.members.scope import MemberScope
from convergence.reports.colours import NEUTRAL
from convergence.reports.figures_services import tmj
from convergence.servicelines import ServiceLine
from convergence.web.pages.domains.charts import Line, bar_figure, day_iso, line_figure

CHARTED = 8  # stations drawn one line each and tabulated day by day; the busiest ones


def indicators_of(
    conn: Connection, *, scope: MemberScope, line: ServiceLine, query: IndicatorQuery
) -> BaseModel | None:
    """The line's indicators for the query (one commune, or one station), if it has any."""
    if line.indicators is None:
        return None
    return line.indicators(conn, scope=scope, query=query)


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


def charted_stations(line: ServiceLine, result: BaseModel | None) -> list[Any]:
    """The stations the line's daily chart and table show (none if it charts none)."""
    charted = line.page.charted if line.page else None
    return [] if charted is None or result is None else charted(result)


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
    """Energy of each complete day of the commune (the dashboard's trend), or of the cabinet
    shown; a day whose data fall short of the rule has no bar."""
    if result.communes and len(result.stations) != 1:
        days = [(d.day, d.energy) for d in result.communes[0].days]
    else:
        days = [(d.day, d.energy) for s in result.stations[:1] for d in s.days]
    shown = [(day_iso(day), m.value) for day, m in days if m.publishable]
    return bar_figure([d for d, _ in shown], [v for _, v in shown], unit="kWh")


def indicator_figure(
    line: ServiceLine, result: BaseModel | None, asset_id: int | None
) -> dict[str, Any] | None:
    """The daily chart of the line's indicators, if the line draws one."""
    draw = line.page.figure if line.page else None
    return None if draw is None or result is None else draw(result, asset_id)
