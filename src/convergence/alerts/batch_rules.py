"""Threshold, rate and event rules evaluated against the rows of one stored batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, not_, select

from convergence import french_format as fr
from convergence.alerts.conditions import (
    ConditionState,
    payload_matches,
    slope_per_hour,
    threshold_state,
)
from convergence.alerts.kinds import Comparison, RuleKind
from convergence.alerts.lifecycle import Outcome, Trigger, settle
from convergence.alerts.schemas import EventParams, RateParams, ThresholdParams
from convergence.alerts.targets import Asset, Rule
from convergence.alerts.wording import COMPARISON_FR, duration, quantity_label, quantity_unit
from convergence.timeseries.tables import readings

if TYPE_CHECKING:
    from convergence.alerts.evaluation import SeriesBatch, StoredEvent

# A rate needs readings spanning half its window (as the water indicator's rate of rise).
RATE_REQUIRED_SPAN = 0.5
# A mean needs 75 % of its window (18 hourly values of 24, as the daily air values).
MEAN_REQUIRED_SPAN = 0.75


@dataclass(frozen=True, slots=True)
class BatchContext:
    """One rule, one asset, and what the batch brought for that asset."""

    conn: Connection
    rule: Rule
    asset: Asset
    series: Sequence[SeriesBatch]
    events: Sequence[StoredEvent]
    now: datetime

    def series_of(self, quantity: str) -> SeriesBatch | None:
        """The batch's current readings of ``quantity``; None if absent or late data."""
        found = next((s for s in self.series if s.quantity == quantity), None)
        return found if found is not None and found.points and found.is_current else None


def evaluate(context: BatchContext) -> Outcome:
    """Evaluate one rule on one asset of the batch."""
    return _EVALUATORS[context.rule.kind](context)


def _settle(context: BatchContext, state: ConditionState, trigger: Trigger) -> Outcome:
    return settle(
        context.conn,
        rule=context.rule,
        asset=context.asset,
        state=state,
        trigger=trigger,
        now=context.now,
    )


def _threshold(context: BatchContext) -> Outcome:
    params = context.rule.params
    assert isinstance(params, ThresholdParams)
    batch = context.series_of(params.quantity)
    if batch is None:
        return Outcome()
    ts, value = batch.latest
    if params.mean_over_s:
        mean = _mean_over(context.conn, batch.series_id, ts, params.mean_over_s)
        if mean is None:
            return Outcome()
        value = mean
    state = threshold_state(
        value, comparison=params.comparison, limit=params.limit, hysteresis=params.hysteresis
    )
    held = timedelta(0)
    if state is ConditionState.holds and params.min_duration_s:
        held = ts - _held_since(context.conn, batch.series_id, ts, params)
        if held < timedelta(seconds=params.min_duration_s):
            return Outcome()
    message = threshold_message(params, value) + (f" depuis {duration(held)}" if held else "")
    details = {"quantity": params.quantity, "limit": params.limit, "held_s": held.total_seconds()}
    return _settle(context, state, Trigger(ts=ts, value=value, message=message, details=details))


def threshold_message(params: ThresholdParams, value: float) -> str:
    """« Dioxyde d'azote : 473 µg/m³, au-dessus du seuil d'alerte (400 µg/m³) »; a mean says
    so: « … : 62 µg/m³ en moyenne sur 24 h, au-dessus … »."""
    unit = quantity_unit(params.quantity)
    mean = (
        f" en moyenne sur {duration(timedelta(seconds=params.mean_over_s))}"
        if params.mean_over_s
        else ""
    )
    side = COMPARISON_FR[params.comparison]
    limit = f"{fr.compact(params.limit)}{unit}"
    if params.threshold_label:
        where = f"{side.removesuffix(' de')} du {params.threshold_label} ({limit})"
    else:
        where = f"{side} {limit}"
    return f"{quantity_label(params.quantity)} : {fr.compact(value)}{unit}{mean}, {where}"


def _mean_over(conn: Connection, series_id: int, at: datetime, seconds: int) -> float | None:
    """Mean of the valid readings in (at − seconds, at]; None when they span under 75 %."""
    window = timedelta(seconds=seconds)
    row = conn.execute(
        select(func.avg(readings.c.value), func.min(readings.c.ts)).where(
            readings.c.series_id == series_id,
            readings.c.ts > at - window,
            readings.c.ts <= at,
            readings.c.quality == 0,
        )
    ).one()
    mean, first = row
    if mean is None or first is None or at - first < window * MEAN_REQUIRED_SPAN:
        return None
    return float(mean)


def _held_since(
    conn: Connection, series_id: int, at: datetime, params: ThresholdParams
) -> datetime:
    """The first reading of the run of readings, up to ``at``, that hold the condition."""
    above = params.comparison is Comparison.above
    past = readings.c.value >= params.limit if above else readings.c.value <= params.limit
    mine = (readings.c.series_id == series_id, readings.c.ts <= at)
    last_clear = conn.execute(select(func.max(readings.c.ts)).where(*mine, not_(past))).scalar()
    start = select(func.min(readings.c.ts)).where(*mine)
    if last_clear is not None:
        start = start.where(readings.c.ts > last_clear)
    first: datetime = conn.execute(start).scalar_one()
    return first


def _rate(context: BatchContext) -> Outcome:
    params = context.rule.params
    assert isinstance(params, RateParams)
    batch = context.series_of(params.quantity)
    if batch is None:
        return Outcome()
    end = batch.latest[0]
    window = timedelta(seconds=params.window_s)
    rows = context.conn.execute(
        select(readings.c.ts, readings.c.value)
        .where(readings.c.series_id == batch.series_id, readings.c.ts.between(end - window, end))
        .order_by(readings.c.ts)
    ).all()
    points = [(r.ts, r.value) for r in rows]
    slope = slope_per_hour(points)
    if slope is None or points[-1][0] - points[0][0] < window * RATE_REQUIRED_SPAN:
        return Outcome()
    state = threshold_state(
        slope,
        comparison=params.comparison,
        limit=params.rate_per_hour,
        hysteresis=params.hysteresis,
    )
    message = (
        f"{quantity_label(params.quantity)} : variation de {fr.compact(slope, 3)} par heure "
        f"sur {duration(window)}, {COMPARISON_FR[params.comparison]} "
        f"{fr.compact(params.rate_per_hour, 3)} par heure"
    )
    details = {"quantity": params.quantity, "rate_per_hour": slope, "points": len(points)}
    return _settle(context, state, Trigger(ts=end, value=slope, message=message, details=details))


def _event(context: BatchContext) -> Outcome:
    params = context.rule.params
    assert isinstance(params, EventParams)
    mine = [e for e in context.events if e.kind == params.event_kind]
    if not mine:
        return Outcome()
    latest = mine[-1]
    matched = payload_matches(latest.payload, params.match)
    shown = ", ".join(f"{k} = {v}" for k, v in sorted(latest.payload.items()) if k in params.match)
    message = f"évènement {params.event_kind}" + (f" : {shown}" if shown else "")
    if not matched:
        message = f"évènement {params.event_kind} sans la condition de la règle"
    details: dict[str, Any] = {"event_kind": params.event_kind, "payload": dict(latest.payload)}
    state = ConditionState.holds if matched else ConditionState.clear
    return _settle(
        context, state, Trigger(ts=latest.ts, value=None, message=message, details=details)
    )


_EVALUATORS: dict[RuleKind, Callable[[BatchContext], Outcome]] = {
    RuleKind.threshold: _threshold,
    RuleKind.rate: _rate,
    RuleKind.event: _event,
}
