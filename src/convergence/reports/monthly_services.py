"""The month's sections of traffic, street lighting and charging for one commune."""

from __future__ import annotations

from convergence import french_format as fr
from convergence.indicators.result_schemas import (
    ChargingIndicators,
    ChargingPointOut,
    LightingIndicators,
    LightingSiteOut,
    TrafficIndicators,
    TrafficSiteOut,
)
from convergence.reports.figures_services import (
    busiest_site,
    daily_energy,
    points_heard,
    tmj,
    tmj_measure,
)
from convergence.reports.schemas import (
    ReportChart,
    ReportTable,
    Section,
    station_name,
    without,
)

BOTH = "both"
TRAFFIC, LIGHTING, CHARGING = "Trafic", "Éclairage public", "Recharge de véhicules"


def tmjo(site: TrafficSiteOut) -> float | None:
    """The site's mean daily traffic of working days over the period, both directions."""
    found = [a.value.value for a in site.averages if (a.name, a.direction) == ("TMJO", BOTH)]
    return found[0] if found else None


def _traffic_row(site: TrafficSiteOut) -> tuple[str, ...]:
    return (
        station_name(site.station),
        fr.figure(tmj_measure(site), 0),
        fr.number(tmjo(site), 0),
        fr.figure(site.heavy_share, 1),
    )


def traffic_section(result: TrafficIndicators) -> Section:
    """TMJ and TMJO of the month per counting site, and the busiest site's daily counts."""
    site = busiest_site(result)
    if site is None:
        return Section("traffic", TRAFFIC, ["Aucun comptage exploitable dans la commune."])
    name = station_name(site.station)
    sentence = (
        f"Point de comptage le plus chargé : « {name} », TMJ du mois "
        f"{fr.figure_with_completeness(tmj_measure(site), 0)} (jours valides, deux sens "
        "confondus)."
    )
    headers = ("Point de comptage", "TMJ", "TMJO", "Poids lourds")
    measured = [s for s in result.stations if tmj(s) is not None]
    caption = f"Trafic moyen journalier du mois{without(result.stations, measured)}"
    table = ReportTable(caption, headers, [_traffic_row(s) for s in measured])
    counts = [d.both.vehicles.value if d.valid else None for d in site.days]
    title, days = f"Véhicules par jour à « {name} »", [d.day for d in site.days]
    chart = ReportChart(title, "véhicules", "bar", days, [("véhicules", counts)])
    return Section("traffic", TRAFFIC, [sentence], [table], chart)


def _lighting_row(site: LightingSiteOut) -> tuple[str, ...]:
    return (
        station_name(site.station),
        fr.figure(site.energy),
        fr.figure(site.burning_hours),
        fr.figure(site.savings.saved_share, 0) if site.savings else "—",
        fr.share(site.energy.completeness.ratio),
    )


def _lighting_sentence(result: LightingIndicators) -> str:
    zone = result.communes[0] if result.communes else None
    if zone is None or zone.energy.value is None:
        return "Énergie du mois non calculable."
    sentence = f"Énergie du mois : {fr.figure_with_completeness(zone.energy)}"
    if zone.per_inhabitant.value is not None and zone.energy.publishable:
        sentence += f", soit {fr.number(zone.per_inhabitant.value, 2)} {zone.per_inhabitant.unit}"
    return sentence.rstrip(".") + "."


def lighting_section(result: LightingIndicators) -> Section:
    """Energy, burning hours and savings of the month per cabinet, and the daily energy."""
    if not result.stations:
        return Section("lighting", LIGHTING, ["Aucune armoire dans la commune."])
    headers = ("Armoire", "Énergie", "Allumage", "Économie", "Données")
    measured = [s for s in result.stations if s.energy.value is not None]
    caption = f"Énergie et allumage du mois par armoire{without(result.stations, measured)}"
    table = ReportTable(caption, headers, [_lighting_row(s) for s in measured])
    trend = daily_energy(result)
    days, energy = [p.day for p in trend], [p.value for p in trend]
    title = "Énergie de chaque journée complète"
    chart = ReportChart(title, "kWh", "bar", days, [("énergie", energy)])
    return Section("lighting", LIGHTING, [_lighting_sentence(result)], [table], chart)


def _point_row(point: ChargingPointOut) -> tuple[str, ...]:
    values = point.values
    return (
        f"{station_name(point.station)} (point {point.connector_id})",
        fr.figure(values.availability),
        fr.figure(values.occupancy),
        fr.figure(values.sessions, 0),
        fr.figure(values.energy, 0),
        fr.share(values.availability.completeness.ratio),
    )


def charging_section(result: ChargingIndicators) -> Section:
    """Availability, occupancy, sessions and energy of the commune's points of charge."""
    zone = result.communes[0] if result.communes else None
    if zone is None:
        return Section("charging", CHARGING, ["Aucun point de recharge n'a rendu compte."])
    values = zone.values
    heard = points_heard(zone.heard_points, zone.silent_points)
    sentence = (
        f"Disponibilité des points de recharge ({heard})"
        f" : {fr.figure_with_completeness(values.availability)} du temps observé ; occupation "
        f"{fr.figure(values.occupancy)} ; {fr.figure(values.sessions, 0)} session(s) dont "
        f"{fr.figure(values.failed_sessions, 0)} en échec ; {fr.figure(values.energy, 0)} délivrés."
    )
    headers = ("Point", "Disponibilité", "Occupation", "Sessions", "Énergie", "Données")
    measured = [p for p in result.points if p.values.availability.value is not None]
    caption = f"Indicateurs du mois par point de recharge{without(result.points, measured)}"
    table = ReportTable(caption, headers, [_point_row(p) for p in measured])
    return Section("charging", CHARGING, [sentence], [table])
