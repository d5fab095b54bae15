"""Evaluation on a schedule: silence and indicator rules, run once per evaluation period.

A silence rule of N minutes fires at the first run after the last reading is N minutes old,
so a sensor that stops sending is reported within one evaluation period of its silence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select

from convergence import french_format as fr
from convergence.alerts import indicator_rules
from convergence.alerts.conditions import ConditionState
from convergence.alerts.kinds import SCHEDULE_KINDS, RuleKind
from convergence.alerts.lifecycle import Outcome, Trigger, settle
from convergence.alerts.schemas import SilenceParams
from convergence.alerts.targets import Asset, Rule, load_rules, watched_assets
from convergence.alerts.wording import duration, quantity_label
from convergence.registry.tables import device_models
from convergence.timeseries.tables import series

# Public functions here read or write members' rows without a scope (a system module):
UNSCOPED_REASON = "the scheduled evaluation is a platform job over every member's rules"

Evaluator = Callable[[Connection, Rule, Asset, datetime], tuple[ConditionState, Trigger] | None]


def evaluate_schedule(conn: Connection, *, now: datetime) -> Outcome:
    """Fire and resolve alerts of every enabled silence and indicator rule at ``now``."""
    outcome = Outcome()
    for rule in load_rules(conn, kinds=SCHEDULE_KINDS):
        evaluator = _EVALUATORS[rule.kind]
        for asset in watched_assets(conn, rule=rule):
            verdict = evaluator(conn, rule, asset, now)
            if verdict is not None:
                state, trigger = verdict
                outcome.merge(
                    settle(conn, rule=rule, asset=asset, state=state, trigger=trigger, now=now)
                )
    return outcome


def last_data_at(conn: Connection, *, asset_id: int, quantity: str | None) -> datetime | None:
    """When the asset last sent a reading (of ``quantity``, or of anything)."""
    query = select(func.max(series.c.last_ts)).where(series.c.asset_id == asset_id)
    if quantity is not None:
        query = query.where(series.c.quantity == quantity)
    last: datetime | None = conn.execute(query).scalar()
    return last


def silence_limit(conn: Connection, params: SilenceParams, asset: Asset) -> timedelta:
    """The silence tolerated: so many periods of the asset's model, else ``max_silence_s``."""
    if params.missed_periods is None or asset.device_model_id is None:
        return timedelta(seconds=params.max_silence_s)
    period = conn.execute(
        select(device_models.c.expected_period_s).where(device_models.c.id == asset.device_model_id)
    ).scalar()
    if not period:  # unknown, or a model that sends nothing by design
        return timedelta(seconds=params.max_silence_s)
    return timedelta(seconds=params.missed_periods * period)


def _silence(
    conn: Connection, rule: Rule, asset: Asset, now: datetime
) -> tuple[ConditionState, Trigger] | None:
    params = rule.params
    assert isinstance(params, SilenceParams)
    last = last_data_at(conn, asset_id=asset.id, quantity=params.quantity)
    if last is None:
        return None  # never sent: not a sensor that stopped, but one not yet started
    limit = silence_limit(conn, params, asset)
    what = f"de {quantity_label(params.quantity)}" if params.quantity else ""
    if now - last < limit:
        trigger = Trigger(ts=last, value=None, message=f"données {what} reçues le {fr.when(last)}")
        return ConditionState.clear, trigger
    message = (
        f"aucune donnée {what} depuis {duration(now - last)} (dernière le {fr.when(last)}, "
        f"silence toléré : {duration(limit)})"
    ).replace("  ", " ")
    details = {"last_data_at": last.isoformat(), "max_silence_s": limit.total_seconds()}
    trigger = Trigger(ts=last + limit, value=None, message=message, details=details)
    return ConditionState.holds, trigger


_EVALUATORS: dict[RuleKind, Evaluator] = {
    RuleKind.silence: _silence,
    RuleKind.indicator: indicator_rules.evaluate,
}
