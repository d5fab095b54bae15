"""The month's sections of air, noise and water for one commune, in words, tables and charts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from convergence import french_format as fr
from convergence.indicators.notation import band_words
from convergence.indicators.regulations.air import ATMO_LIKE_LABEL_FR
from convergence.indicators.result_schemas import (
    AirIndicators,
    AtmoLikeIndexOut,
    NoiseIndicators,
    NoiseStationOut,
    WaterIndicators,
    WaterSiteOut,
)
from convergence.reports.air_thresholds import (
    index_measure,
    not_measured_words,
    period_means,
    threshold_row,
)
from convergence.reports.colours import NEUTRAL
from convergence.reports.figures_environment import loudest_per_day
from convergence.reports.schemas import (
    ReportChart,
    ReportTable,
    Section,
    TrendPoint,
    station_name,
    without,
)

POOR = 4  # class "Mauvais" of the ATMO-type index
WATER_LEVELS = ("vert", "jaune", "orange", "rouge")
AIR, NOISE, WATER = "Qualité de l'air", "Bruit", "Eau et crues"


def _air_tables(result: AirIndicators, counts: Counter[tuple[int, str]]) -> list[ReportTable]:
    rows = [(f"{code} — {label}", str(n)) for (code, label), n in sorted(counts.items())]
    tables = [ReportTable("Jours par classe de l'indice de type ATMO", ("Classe", "Jours"), rows)]
    thresholds = result.communes[0].exceedances
    means = period_means(thresholds)
    if means:
        headers: tuple[str, ...] = ("Polluant", "Moyenne du mois", "Données")
        written = [(name, fr.figure(m), fr.completeness(m)) for name, m in means]
        tables.append(ReportTable("Moyenne du mois par polluant", headers, written))
    exceeded = [t for t in thresholds if t.exceeded]
    if exceeded:
        columns = ("Seuil", "Valeur et durée", "Constat sur le mois", "Données")
        found = [threshold_row(t) for t in exceeded]
        tables.append(ReportTable("Seuils réglementaires dépassés", columns, found))
    return tables


def _air_chart(indices: Sequence[AtmoLikeIndexOut]) -> ReportChart:
    values = [float(i.code) if i.code else None for i in indices]
    colours = [i.colour or NEUTRAL for i in indices]
    days = [i.day for i in indices]
    title = "Indice de type ATMO de chaque jour (classe)"
    return ReportChart(title, "classe", "bar", days, [("indice", values)], colours)


def air_section(result: AirIndicators) -> Section:
    """Days per class of the commune's ATMO-type index, exceeded thresholds, daily chart."""
    indices = [d.index for d in result.communes[0].days] if result.communes else []
    known = [i for i in indices if i.code > 0]
    if not known:
        return Section("air", AIR, ["Aucun indice calculable ce mois-ci."])
    counts = Counter((i.code, i.label) for i in known)
    partial = sum(1 for i in known if not index_measure(i).publishable)
    bad = sum(n for (code, _), n in counts.items() if code >= POOR)
    sentences = [
        f"{ATMO_LIKE_LABEL_FR}.",
        f"{len(known)} jour(s) sur {len(indices)} ont un indice, dont {partial} partiel(s) (un "
        f"polluant mesuré sans données suffisantes : la classe est un minimum) ; {bad} jour(s) "
        "« mauvais » ou pire.",
    ]
    not_measured = not_measured_words(known[-1])
    if not_measured:
        sentences.append(f"Indice {not_measured} par les stations de la commune.")
    tables = _air_tables(result, counts)
    return Section("air", AIR, sentences, tables, _air_chart(indices))


def _noise_row(station: NoiseStationOut) -> tuple[str, ...]:
    levels = station.period
    band = band_words(levels.lden_band)
    values = (levels.ld, levels.le, levels.ln, levels.lden)
    return (station_name(station.station), *(fr.figure(v) for v in values), band)


def noise_section(result: NoiseIndicators, days: Sequence[date]) -> Section:
    """Ld, Le, Ln, Lden of the month per sound level meter, and the loudest Lden of each day."""
    if not result.stations:
        return Section("noise", NOISE, ["Aucun sonomètre dans la commune."])
    levels = [s.period.lden for s in result.stations if s.period.lden.publishable]
    loudest = max(levels, key=lambda m: m.value or 0.0) if levels else None
    sentence = (
        f"Lden du mois le plus élevé : {fr.figure_with_completeness(loudest)} (moyenne "
        "énergétique, "
        "directive 2002/49/CE ; comparaison aux valeurs limites annuelles indicative)."
        if loudest
        else "Pas assez de mesures pour un Lden du mois (règle : 75 % des heures de chaque "
        "période)."
    )
    headers = ("Sonomètre", "Ld", "Le", "Ln", "Lden", "Classe Lden")
    measured = [s for s in result.stations if s.period.lden.value is not None]
    rows = [_noise_row(s) for s in measured]
    caption = f"Niveaux du mois par sonomètre, en dB(A){without(result.stations, measured)}"
    table = ReportTable(caption, headers, rows)
    trend = [p.value for p in loudest_per_day(result.stations, days)]
    title = "Lden le plus élevé de chaque jour"
    chart = ReportChart(title, "dB(A)", "line", list(days), [("Lden", trend)])
    return Section("noise", NOISE, [sentence], [table], chart)


def _water_row(site: WaterSiteOut) -> tuple[str, ...]:
    return (
        station_name(site.station),
        fr.figure(site.highest, 2),
        site.highest_level or "—",
        fr.figure(site.height, 2),
    )


def worst_level(sites: Sequence[WaterSiteOut]) -> str | None:
    """The highest level any gauge reached over the period."""
    reached = [s.highest_level for s in sites if s.highest_level in WATER_LEVELS]
    return max(reached, key=WATER_LEVELS.index) if reached else None


def water_section(result: WaterIndicators, trend: Sequence[TrendPoint]) -> Section:
    """Highest water and level reached per gauge, and the daily highest water."""
    if not result.stations:
        return Section("water", WATER, ["Aucun limnimètre dans la commune."])
    worst = worst_level(result.stations)
    sentence = (
        f"Niveau le plus haut atteint dans le mois : {worst} (seuils propres à chaque site ; "
        "la vigilance officielle est celle de Vigicrues)."
        if worst
        else "Aucun seuil n'est renseigné : les hauteurs ne sont pas classées."
    )
    headers = ("Limnimètre", "Plus haut", "Niveau atteint", "Fin du mois")
    measured = [s for s in result.stations if s.highest is not None]
    rows = [_water_row(s) for s in measured]
    caption = f"Hauteurs du mois par limnimètre{without(result.stations, measured)}"
    table = ReportTable(caption, headers, rows)
    title, days = "Hauteur d'eau la plus haute de chaque jour", [p.day for p in trend]
    chart = ReportChart(title, "m", "line", days, [("hauteur", [p.value for p in trend])])
    return Section("water", WATER, [sentence], [table], chart)
