"""Key figures of air, noise and water, from the indicator services' results.

Air: the day's ATMO-type index of the commune (yesterday's when today's is not yet
available), computed from the commune's own sensors — never called the official index.
Noise: the Lden of the previous day at the most exposed sound level meter. Water: the
worst level of the commune's gauges against their own thresholds (a local reading).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from convergence import french_format as fr
from convergence.indicators.notation import band_words, pollutant
from convergence.indicators.regulations.air import ATMO_LIKE_LABEL_FR
from convergence.indicators.result_schemas import (
    AirDayOut,
    AirIndicators,
    NoiseIndicators,
    NoiseStationOut,
    WaterIndicators,
    WaterSiteOut,
)
from convergence.indicators.schemas import MeasureOut
from convergence.reports.air_thresholds import index_basis, index_measure
from convergence.reports.colours import WATER_COLOURS
from convergence.reports.schemas import NO_DATA, Badge, KeyFigure, TrendPoint, station_name


def _air_days(result: AirIndicators) -> list[AirDayOut]:
    return result.communes[0].days if result.communes else []


def air_figure(result: AirIndicators, today: date) -> KeyFigure:
    """The latest available daily index of the commune, with the last days' classes."""
    days = _air_days(result)
    trend = tuple(TrendPoint(d.index.day, d.index.code or None) for d in days)
    shown = next((d.index for d in reversed(days) if d.index.code > 0), None)
    figure = KeyFigure(
        domain="air",
        title="Qualité de l'air",
        headline=NO_DATA,
        caption=ATMO_LIKE_LABEL_FR,
        trend=trend,
        trend_label="classe de chaque jour, de 1 bon à 6 extrêmement mauvais",
        page="/air",
    )
    if shown is None:
        return figure
    when = "aujourd'hui" if shown.day == today else fr.long_day(shown.day)
    dominant = ", ".join(pollutant(p) for p in shown.dominant) or "—"
    return replace(
        figure,
        headline=shown.label,
        measure=index_measure(shown),
        badge=Badge(shown.label, shown.colour),
        detail=f"Indice de {when} ({index_basis(shown)}), polluant(s) : {dominant}.",
    )


def _lden_measure(station: NoiseStationOut, day: date) -> MeasureOut | None:
    found = [d.lden for d in station.days if d.first_day == day]
    return found[0] if found else None


def _lden_of(station: NoiseStationOut, day: date) -> float | None:
    """The day's Lden when its data meet the rule (a partial day's is no figure)."""
    found = _lden_measure(station, day)
    return found.value if found is not None and found.publishable else None


def loudest_per_day(stations: Sequence[NoiseStationOut], days: Sequence[date]) -> list[TrendPoint]:
    """The highest Lden of the stations for each day."""
    points = []
    for day in days:
        values = [v for s in stations if (v := _lden_of(s, day)) is not None]
        points.append(TrendPoint(day, max(values) if values else None))
    return points


def noise_figure(result: NoiseIndicators, yesterday: date) -> KeyFigure:
    """Yesterday's Lden at the most exposed sound level meter."""
    days = [d.first_day for d in result.stations[0].days] if result.stations else []
    figure = KeyFigure(
        domain="noise",
        title="Bruit",
        headline=NO_DATA,
        caption=f"Lden de la veille ({fr.long_day(yesterday)}), sonomètre le plus exposé",
        trend=tuple(loudest_per_day(result.stations, days)),
        trend_label="Lden le plus élevé de chaque jour",
        trend_unit="dB(A)",
        page="/bruit",
    )
    measured = [(s, v) for s in result.stations if (v := _lden_of(s, yesterday)) is not None]
    if not measured:
        partial = [m for s in result.stations if (m := _lden_measure(s, yesterday))]
        found = next((m for m in partial if m.value is not None), None)
        return replace(figure, headline=fr.figure(found), measure=found) if found else figure
    station, _ = max(measured, key=lambda pair: pair[1])
    level = _lden_measure(station, yesterday)
    band = next(d.lden_band for d in station.days if d.first_day == yesterday)
    name = station.station.name or f"équipement n° {station.station.asset_id}"
    return replace(
        figure,
        headline=fr.figure(level),
        measure=level,
        badge=Badge(f"classe {band_words(band)}") if band else None,
        detail=f"Au sonomètre « {name} » ; {len(result.stations)} sonomètre(s) dans la commune.",
    )


def _worst_site(sites: Sequence[WaterSiteOut]) -> WaterSiteOut | None:
    ranked = [s for s in sites if s.level_code is not None]
    return (
        max(ranked, key=lambda s: (s.level_code or 0, s.height.value if s.height else 0.0))
        if ranked
        else None
    )


def water_figure(result: WaterIndicators, trend: Sequence[TrendPoint]) -> KeyFigure:
    """The worst current level of the commune's gauges, and the daily highest water."""
    figure = KeyFigure(
        domain="water",
        title="Eau et crues",
        headline=NO_DATA,
        caption="Niveau des limnimètres comparé aux seuils de chaque site (lecture locale, "
        "la vigilance officielle est celle de Vigicrues)",
        trend=tuple(trend),
        trend_label="hauteur d'eau la plus haute de chaque jour",
        trend_unit="m",
        page="/eau",
    )
    worst = _worst_site(result.stations)
    if worst is None or worst.level is None:
        return _unclassed_water(figure, result.stations)
    name = station_name(worst.station)
    height = fr.figure(worst.height, 2)
    rate = fr.figure(worst.rate, 1)
    stale = " (mesure ancienne)" if worst.stale else ""
    return replace(
        figure,
        headline=worst.level.capitalize(),
        measure=worst.height,
        badge=Badge(worst.level.capitalize(), WATER_COLOURS.get(worst.level)),
        detail=f"« {name} » : {height}, montée {rate}{stale}.",
    )


def _unclassed_water(figure: KeyFigure, sites: Sequence[WaterSiteOut]) -> KeyFigure:
    """Without thresholds, the highest latest height, not classed."""
    measured = [s for s in sites if s.height and s.height.value is not None]
    if not measured:
        return figure
    top = max(measured, key=lambda s: (s.height.value if s.height else None) or 0.0)
    detail = f"« {station_name(top.station)} » ; seuils du site non renseignés : niveau non classé."
    return replace(figure, headline=fr.figure(top.height, 2), measure=top.height, detail=detail)
