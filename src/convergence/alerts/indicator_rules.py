"""Indicator-class rules: water vigilance from the latest level, air index of the local day.

Both reuse the pure functions of ``convergence.indicators``; the air index is the
ATMO-type index computed from the commune's own sensors, never the official one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Connection, select

from convergence import french_format as fr
from convergence.alerts.conditions import ConditionState
from convergence.alerts.kinds import IndicatorName, Severity
from convergence.alerts.levels import level_code
from convergence.alerts.lifecycle import Trigger, find_open
from convergence.alerts.schemas import IndicatorParams
from convergence.alerts.targets import Asset, Rule
from convergence.indicators.air import AtmoLikeIndex, IndexStatus, station_atmo_like_index
from convergence.indicators.notation import pollutant
from convergence.indicators.regulations.air import ATMO_LIKE_LABEL_FR, Pollutant
from convergence.indicators.regulations.water import VigilanceLevel
from convergence.indicators.timewindows import HourlySample, local_day_window
from convergence.indicators.water import SiteThresholds, vigilance_level
from convergence.paris_time import PARIS
from convergence.timeseries.tables import readings_hourly, series

WATER_QUANTITY = "water_level"
Verdict = tuple[ConditionState, Trigger] | None


def evaluate(conn: Connection, rule: Rule, asset: Asset, now: datetime) -> Verdict:
    """The state of an indicator rule on one asset at ``now``; None when there is no data."""
    params = rule.params
    assert isinstance(params, IndicatorParams)
    if params.indicator is IndicatorName.water_vigilance:
        return _water(conn, rule, params, asset)
    return _air(conn, params, asset, now)


def _state(reached: int, minimum: int) -> ConditionState:
    return ConditionState.holds if reached >= minimum else ConditionState.clear


def _water(conn: Connection, rule: Rule, params: IndicatorParams, asset: Asset) -> Verdict:
    latest = _latest_valid_height(conn, asset.id)
    if latest is None or params.thresholds is None:
        return None
    at, height = latest
    site = SiteThresholds(**params.thresholds.model_dump())
    current = find_open(conn, rule_id=rule.id, asset_id=asset.id)
    previous = VigilanceLevel(current.details["level"]) if current is not None else None
    level = vigilance_level(height, site, previous)
    trigger = Trigger(
        ts=at,
        value=height,
        message=water_message(height, level, site, at),
        details={"level": int(level)},
        severity=WATER_SEVERITY[level],
    )
    minimum = level_code(IndicatorName.water_vigilance, params.min_level)
    return _state(int(level), minimum), trigger


# The severity of the level reached: rouge (a threat to people and property) is critical.
WATER_SEVERITY = {
    VigilanceLevel.VERT: Severity.info,
    VigilanceLevel.JAUNE: Severity.info,
    VigilanceLevel.ORANGE: Severity.warning,
    VigilanceLevel.ROUGE: Severity.critical,
}


def water_message(height: float, level: VigilanceLevel, site: SiteThresholds, at: datetime) -> str:
    """« 6,34 m, au-dessus du seuil rouge (5,92 m) », the level, value and threshold named."""
    heights = dict(site.bounds())
    if level is VigilanceLevel.VERT:
        position = f"en dessous du seuil jaune ({fr.compact(site.jaune)} m)"
    else:
        position = f"au-dessus du seuil {level.name.lower()} ({fr.compact(heights[level])} m)"
    return f"hauteur d'eau {fr.compact(height)} m, {position}, le {fr.when(at)}"


def _latest_valid_height(conn: Connection, asset_id: int) -> tuple[datetime, float] | None:
    """The latest valid water height: a value set aside (a glitch) opens no vigilance."""
    row = conn.execute(
        select(
            series.c.last_ts, series.c.last_value, series.c.valid_ts, series.c.valid_value
        ).where(series.c.asset_id == asset_id, series.c.quantity == WATER_QUANTITY)
    ).first()
    if row is None:
        return None
    # The qualify stage keeps the last valid value apart only when the last heard was not.
    at, value = (row.valid_ts, row.valid_value) if row.valid_ts is not None else row[:2]
    if at is None or value is None:
        return None
    return at, float(value)


def _air(conn: Connection, params: IndicatorParams, asset: Asset, now: datetime) -> Verdict:
    today = now.astimezone(PARIS).date()
    for day in (today, today - timedelta(days=1)):
        index = _air_index(conn, asset, day)
        if index.status is not IndexStatus.UNAVAILABLE:
            break
    else:
        return None
    dominant = ", ".join(pollutant(p.value) for p in index.dominant)
    message = (
        f"{ATMO_LIKE_LABEL_FR} du {day.strftime('%d/%m/%Y')} : {index.index.label}"
        + (f" (polluant dominant : {dominant})" if dominant else "")
        + (" — indice partiel" if index.status is IndexStatus.PARTIAL else "")
    )
    code = index.index.code
    details = {"level": code, "day": day.isoformat(), "status": index.status.value}
    trigger = Trigger(ts=now, value=float(code), message=message, details=details)
    minimum = level_code(IndicatorName.air_index, params.min_level)
    return _state(code, minimum), trigger


def _air_index(conn: Connection, asset: Asset, day: date) -> AtmoLikeIndex:
    window = local_day_window(day)
    rows = conn.execute(
        select(series.c.quantity, readings_hourly)
        .join(readings_hourly, readings_hourly.c.series_id == series.c.id)
        .where(
            series.c.asset_id == asset.id,
            series.c.quantity.in_([p.value for p in Pollutant]),
            readings_hourly.c.start >= window.start_utc,
            readings_hourly.c.start < window.end_utc,
        )
    ).all()
    hourly: dict[Pollutant, list[HourlySample]] = {}
    for row in rows:
        sample = HourlySample(row.start, row.sum / row.count)
        hourly.setdefault(Pollutant(row.quantity), []).append(sample)
    # A pollutant the station measures but that is silent today keeps the index partial.
    measured = conn.scalars(
        select(series.c.quantity).where(
            series.c.asset_id == asset.id, series.c.quantity.in_([p.value for p in Pollutant])
        )
    ).all()
    return station_atmo_like_index(
        hourly, day, zone=asset.name, measured=[Pollutant(q) for q in measured]
    )
