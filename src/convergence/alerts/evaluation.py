"""Evaluation on the ingestion path: threshold, rate and event rules against a stored batch.

Called by the ingestion's "react" stage with the rows the store actually inserted, so an
alert fires in the batch that crosses its threshold and a duplicate never fires twice. It
writes alerts and pending deliveries in the caller's transaction; sending happens after the
commit (``delivery.send_pending``), never while the transaction holds locks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, select

from convergence import french_format as fr
from convergence.alerts import batch_rules
from convergence.alerts.kinds import BATCH_KINDS, AlertStatus, RuleKind
from convergence.alerts.lifecycle import SYSTEM_ACTOR, OpenAlert, Outcome, Trigger, resolve
from convergence.alerts.tables import alert_rules, alerts
from convergence.alerts.targets import applies_to, load_assets, load_rules
from convergence.db.driver import any_of, fetch_tuples
from convergence.db.types import utcnow
from convergence.timeseries.tables import series

ReadingRow = tuple[int, datetime, float]  # (series_id, ts, value), as the store returns them


class HasAsset(Protocol):
    @property
    def asset_id(self) -> int: ...


T = TypeVar("T", bound=HasAsset)


class StoredEvent(Protocol):
    """An event the batch stored (``timeseries.store.NewEvent`` fits)."""

    @property
    def asset_id(self) -> int: ...
    @property
    def ts(self) -> datetime: ...
    @property
    def kind(self) -> str: ...
    @property
    def payload(self) -> Mapping[str, Any]: ...


@dataclass(slots=True)
class SeriesBatch:
    """The readings of one series in the batch, oldest first, and the series' latest time."""

    series_id: int
    asset_id: int
    quantity: str
    last_ts: datetime | None
    points: list[tuple[datetime, float]] = field(default_factory=list)

    @property
    def latest(self) -> tuple[datetime, float]:
        return self.points[-1]

    @property
    def is_current(self) -> bool:
        """False for late data: the batch's newest reading is older than the series' latest."""
        return self.last_ts is None or self.latest[0] >= self.last_ts


def evaluate_batch(
    conn: Connection,
    *,
    stored: Sequence[ReadingRow],
    events: Sequence[StoredEvent] = (),
    now: datetime | None = None,
) -> Outcome:
    """Fire and resolve alerts of threshold, rate and event rules for one stored batch."""
    now = now or utcnow()
    if not (stored or events) or not any_rule(conn):
        return Outcome()
    batches = _series_batches(conn, stored)
    by_asset = _by_asset(batches.values())
    events_by_asset = _by_asset(sorted(events, key=lambda e: e.ts))
    assets = load_assets(conn, asset_ids=[*by_asset, *events_by_asset])
    outcome = _end_silences(conn, batches=batches, now=now)
    rules = load_rules(conn, kinds=BATCH_KINDS, member_ids={a.member_id for a in assets.values()})
    for asset in assets.values():
        for rule in (r for r in rules if applies_to(r, asset)):
            context = batch_rules.BatchContext(
                conn,
                rule,
                asset,
                by_asset.get(asset.id, []),
                events_by_asset.get(asset.id, []),
                now,
            )
            outcome.merge(batch_rules.evaluate(context))
    return outcome


def _by_asset(items: Iterable[T]) -> dict[int, list[T]]:
    grouped: dict[int, list[T]] = defaultdict(list)
    for item in items:
        grouped[item.asset_id].append(item)
    return grouped


def any_rule(conn: Connection) -> bool:
    """Cheap guard: most batches of a platform without rules stop here."""
    # Plain driver SQL: this runs after every ingested batch.
    condition, params = any_of(conn, "kind", sorted({*BATCH_KINDS, RuleKind.silence}))
    sql = f"SELECT 1 FROM alert_rules WHERE enabled AND {condition} LIMIT 1"
    return bool(fetch_tuples(conn, sql, params))


def _series_batches(conn: Connection, stored: Sequence[ReadingRow]) -> dict[int, SeriesBatch]:
    ids = sorted({sid for sid, _, _ in stored})
    batches: dict[int, SeriesBatch] = {}
    for start in range(0, len(ids), 1000):
        rows = conn.execute(
            select(series.c.id, series.c.asset_id, series.c.quantity, series.c.last_ts).where(
                series.c.id.in_(ids[start : start + 1000])
            )
        )
        batches.update({r.id: SeriesBatch(r.id, r.asset_id, r.quantity, r.last_ts) for r in rows})
    for sid, ts, value in sorted(stored, key=lambda row: (row[0], row[1])):
        if sid in batches:
            batches[sid].points.append((ts, value))
    return batches


def _end_silences(
    conn: Connection, *, batches: Mapping[int, SeriesBatch], now: datetime
) -> Outcome:
    """Data arrived: open silence alerts of these assets (on these quantities) end now."""
    outcome = Outcome()
    quantities: dict[int, set[str]] = defaultdict(set)
    for batch in batches.values():
        quantities[batch.asset_id].add(batch.quantity)
    if not quantities:
        return outcome
    rows = conn.execute(
        select(alerts.c.id, alerts.c.member_id, alerts.c.asset_id, alert_rules.c.params)
        .join(alert_rules, alert_rules.c.id == alerts.c.rule_id)
        .where(
            alerts.c.asset_id.in_(sorted(quantities)),
            alerts.c.status != AlertStatus.resolved.value,
            alert_rules.c.kind == RuleKind.silence.value,
        )
    ).all()
    trigger = Trigger(ts=now, value=None, message=f"données reçues le {fr.when(now)}")
    for row in rows:
        watched = row.params.get("quantity")
        if watched is None or watched in quantities[row.asset_id]:
            alert = OpenAlert(row.id, row.member_id, {})
            outcome.merge(resolve(conn, alert=alert, actor=SYSTEM_ACTOR, now=now, trigger=trigger))
    return outcome
