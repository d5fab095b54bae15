"""Key figures of traffic, street lighting and charging, from the indicator services' results.

Traffic: the previous day's count at the busiest counting site, against its TMJA (annual
mean daily traffic of the last complete year) or, without one, its TMJ of recent weeks.
Lighting: the energy of the commune's cabinets on the last complete day (« hier » when
yesterday's data are complete). Charging: availability of the commune's points of charge
heard from over the last days, and how many were not heard from.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from convergence import french_format as fr
from convergence.indicators.result_schemas import (
    ChargingIndicators,
    LightingIndicators,
    LightingZoneDayOut,
    TrafficAverageOut,
    TrafficIndicators,
    TrafficSiteOut,
)
from convergence.indicators.schemas import MeasureOut
from convergence.reports.schemas import NO_DATA, KeyFigure, TrendPoint, station_name

BOTH = "both"


def tmj_measure(site: TrafficSiteOut) -> MeasureOut | None:
    """The site's mean daily traffic over the period (both directions), with its completeness."""
    found = [a.value for a in site.averages if a.name == "TMJ"]
    return found[0] if found else None


def tmj(site: TrafficSiteOut) -> float | None:
    """The site's mean daily traffic over the period (both directions)."""
    found = tmj_measure(site)
    return found.value if found else None


def busiest_site(result: TrafficIndicators) -> TrafficSiteOut | None:
    """The counting site with the highest TMJ (volumes of different roads never add up)."""
    measured = [s for s in result.stations if tmj(s) is not None]
    return max(measured, key=lambda s: tmj(s) or 0.0) if measured else None


def tmja(result: TrafficIndicators, year: int) -> TrafficAverageOut | None:
    """The TMJA of ``year``, both directions, of the (only) site of ``result``, if computed."""
    for site in result.stations:
        for average in site.averages:
            if (average.name, average.direction, average.year) == ("TMJA", BOTH, year):
                return average if average.value.value is not None else None
    return None


def _vehicles_measure(site: TrafficSiteOut, day: date) -> MeasureOut | None:
    found = [d.both.vehicles for d in site.days if d.day == day and d.valid]
    return found[0] if found else None


def _vehicles(site: TrafficSiteOut, day: date) -> float | None:
    found = _vehicles_measure(site, day)
    return found.value if found else None


def _comparison(count: float, reference: float, name: str) -> str:
    gap = 100 * (count / reference - 1) if reference else None
    return f"{fr.signed_percent(gap)} par rapport au {name} ({fr.number(reference, 0)} véh./jour)"


def _versus(site: TrafficSiteOut, count: float, annual: TrafficAverageOut | None) -> str:
    """The count against the TMJA of last year, or the recent TMJ without one."""
    if annual is not None and annual.value.value:
        return _comparison(count, annual.value.value, f"TMJA {annual.year}")
    return _comparison(count, tmj(site) or 0.0, f"TMJ des {len(site.days)} derniers jours")


def traffic_figure(
    recent: TrafficIndicators, yesterday: date, annual: TrafficAverageOut | None
) -> KeyFigure:
    """Yesterday's vehicles at the busiest site, against its TMJA or its recent TMJ."""
    site = busiest_site(recent)
    figure = KeyFigure(
        domain="traffic",
        title="Trafic",
        headline=NO_DATA,
        caption=f"Véhicules de la veille ({fr.long_day(yesterday)}), point de comptage le plus "
        "chargé, deux sens confondus",
        trend_label="véhicules par jour au point de comptage le plus chargé",
        trend_unit="véhicules",
        page="/trafic",
    )
    if site is None:
        return figure
    trend = tuple(TrendPoint(d.day, d.both.vehicles.value if d.valid else None) for d in site.days)
    count, name = _vehicles(site, yesterday), station_name(site.station)
    if count is None:
        return replace(figure, trend=trend, detail=f"Journée incomplète à « {name} ».")
    measure = _vehicles_measure(site, yesterday)
    headline = f"{fr.number(count, 0)} véhicules"
    detail = f"« {name} » : {_versus(site, count, annual)}."
    return replace(figure, trend=trend, headline=headline, detail=detail, measure=measure)


def zone_days(result: LightingIndicators) -> list[LightingZoneDayOut]:
    """The commune's energy of each local day (the sum of its cabinets)."""
    return result.communes[0].days if result.communes else []


def daily_energy(result: LightingIndicators) -> list[TrendPoint]:
    """Energy of each day of the commune, complete days only (others left empty)."""
    return [
        TrendPoint(d.day, d.energy.value if d.energy.publishable else None)
        for d in zone_days(result)
    ]


def last_complete_day(days: list[LightingZoneDayOut], today: date) -> LightingZoneDayOut | None:
    """The latest day before ``today`` whose energy meets its rule."""
    done = [d for d in days if d.day < today and d.energy.publishable]
    return done[-1] if done else None


def lighting_figure(result: LightingIndicators, today: date) -> KeyFigure:
    """The street-lighting energy of the commune's cabinets on the last complete day."""
    trend = daily_energy(result)
    yesterday = today - timedelta(days=1)
    figure = KeyFigure(
        domain="lighting",
        title="Éclairage public",
        headline=NO_DATA,
        caption=f"Énergie consommée la veille ({fr.long_day(yesterday)}) par les armoires",
        trend=tuple(trend),
        trend_label="énergie de chaque journée complète",
        trend_unit="kWh",
        page="/eclairage",
    )
    day = last_complete_day(zone_days(result), today)
    if day is None:
        found = next((d for d in zone_days(result) if d.day == yesterday), None)
        headline = fr.figure(found.energy) if found else NO_DATA
        return replace(figure, headline=headline, measure=found.energy if found else None)
    caption = figure.caption
    if day.day != yesterday:
        caption = (
            f"Énergie consommée le {fr.long_day(day.day)}, dernière journée complète "
            f"(la veille est incomplète), par les armoires"
        )
    return replace(
        figure,
        headline=fr.figure(day.energy),
        caption=caption,
        measure=day.energy,
        detail=f"{len(result.stations)} armoire(s) ; aujourd'hui : journée en cours, non comptée.",
    )


def charging_figure(result: ChargingIndicators, days: int) -> KeyFigure:
    """Availability of the commune's points of charge over the last ``days`` days."""
    figure = KeyFigure(
        domain="charging",
        title="Recharge de véhicules",
        headline=NO_DATA,
        caption=f"Disponibilité des points de recharge sur les {days} derniers jours "
        "(part du temps observé en service)",
        page="/recharge",
    )
    zone = result.communes[0] if result.communes else None
    if zone is None or zone.values.availability.value is None:
        return figure
    values = zone.values
    return replace(
        figure,
        headline=fr.figure(values.availability),
        measure=values.availability,
        detail=f"{points_heard(zone.heard_points, zone.silent_points)} ; occupation "
        f"{fr.figure(values.occupancy)}, {fr.figure(values.sessions, 0)} session(s) dont "
        f"{fr.figure(values.failed_sessions, 0)} en échec, "
        f"{fr.figure(values.energy, 0)} délivrés.",
    )


def points_heard(heard: int, silent: int) -> str:
    """« 2 point(s) ayant rendu compte, 40 points sans nouvelles »."""
    text = f"{heard} point(s) ayant rendu compte"
    return f"{text}, {silent} point(s) sans nouvelles" if silent else text
