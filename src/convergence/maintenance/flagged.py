"""Tickets for equipment flagged faulty without an alert: by its status, or by its own data.

Two signs that a sensor (or a camera) is at fault come from outside the alert rules:

- a person set its status to « En panne » (``faulty``) in the registry;
- the quality stage judged most of its recent values invalid (out of their physical range,
  or set aside by a technician): over ``QUALITY_WINDOW``, at least ``MIN_READINGS`` values
  and a share of ``INVALID_SHARE`` or more. Values set aside because the equipment was
  already known faulty or in maintenance do not count: they say nothing new.

Each opens (or updates, or reopens) the asset's ticket of its problem, as an alert does; the
ticket is restored, verified by these same signs, once the status is no longer ``faulty``
and the recent values are mostly valid again. Charge points are left to OCPP, which says
more precisely what is wrong. The pass runs on a period (the alert worker's schedule in
``serve``, ``convergence maintenance sync``), never on the ingestion path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, case, func, select

from convergence.maintenance.faults import TITLES, SyncOutcome
from convergence.maintenance.kinds import Origin, Problem
from convergence.maintenance.tables import OPEN_TICKET_CONDITION, tickets
from convergence.maintenance.tickets import SYSTEM_ACTOR, Fault, open_or_update, restore
from convergence.registry.kinds import AssetKind, AssetStatus
from convergence.registry.tables import assets
from convergence.timeseries.flags import Flag, Reason
from convergence.timeseries.tables import readings, series

QUALITY_WINDOW = timedelta(hours=24)
MIN_READINGS = 6
INVALID_SHARE = 0.5
# Set aside for a reason already known: they do not make the equipment look faulty.
KNOWN_REASONS = (Reason.asset_faulty.value, Reason.maintenance.value)
SIGNED_ORIGINS = (Origin.status.value, Origin.quality.value)
LEFT_TO_OCPP = (AssetKind.charge_point.value,)


@dataclass(frozen=True, slots=True)
class Flagged:
    """An asset flagged faulty, by what, and the words of its ticket."""

    asset_id: int
    member_id: int
    name: str
    problem: Problem
    origin: Origin
    description: str


def sync_flagged(conn: Connection, *, now: datetime, reopen_window: timedelta) -> SyncOutcome:
    """Open or update the tickets of flagged assets; restore those no longer flagged."""
    outcome = SyncOutcome()
    flagged = {f.asset_id: f for f in _by_quality(conn, now)} | {
        f.asset_id: f for f in _by_status(conn)
    }
    for found in flagged.values():
        fault = Fault(
            asset_id=found.asset_id,
            member_id=found.member_id,
            problem=found.problem,
            ts=now,
            title=f"{TITLES[found.problem]} — {found.name}",
            description=found.description,
            origin=found.origin,
        )
        if _has_open(conn, found):
            continue  # already known: the ticket's history is not filled every period
        outcome.note(open_or_update(conn, fault=fault, reopen_window=reopen_window))
    outcome.restored += _restore_unflagged(conn, set(flagged), now)
    return outcome


def problem_of(kind: str) -> Problem:
    """The problem of an asset flagged faulty: a camera is down, anything else is faulty."""
    return Problem.camera_down if kind == AssetKind.camera.value else Problem.sensor_faulty


def _by_status(conn: Connection) -> list[Flagged]:
    rows = conn.execute(
        select(assets.c.id, assets.c.member_id, assets.c.name, assets.c.kind).where(
            assets.c.status == AssetStatus.faulty.value, assets.c.kind.not_in(LEFT_TO_OCPP)
        )
    ).all()
    return [
        Flagged(
            asset_id=row.id,
            member_id=row.member_id,
            name=row.name,
            problem=problem_of(row.kind),
            origin=Origin.status,
            description="équipement déclaré « En panne » dans l'inventaire",
        )
        for row in rows
    ]


def _by_quality(conn: Connection, now: datetime) -> list[Flagged]:
    invalid = case(
        (
            and_(
                readings.c.quality == int(Flag.invalid),
                func.coalesce(readings.c.quality_reason, "").not_in(KNOWN_REASONS),
            ),
            1,
        ),
        else_=0,
    )
    counted = (
        select(
            series.c.asset_id,
            func.count().label("total"),
            func.sum(invalid).label("invalid"),
        )
        .join(readings, readings.c.series_id == series.c.id)
        .where(readings.c.ts > now - QUALITY_WINDOW, readings.c.ts <= now)
        .group_by(series.c.asset_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            assets.c.id,
            assets.c.member_id,
            assets.c.name,
            assets.c.kind,
            counted.c.total,
            counted.c.invalid,
        )
        .join(counted, counted.c.asset_id == assets.c.id)
        .where(
            counted.c.total >= MIN_READINGS,
            counted.c.invalid >= counted.c.total * INVALID_SHARE,
            assets.c.kind.not_in(LEFT_TO_OCPP),
            assets.c.status != AssetStatus.retired.value,
        )
    ).all()
    return [
        Flagged(
            asset_id=row.id,
            member_id=row.member_id,
            name=row.name,
            problem=problem_of(row.kind),
            origin=Origin.quality,
            description=(
                f"{row.invalid} des {row.total} valeurs des dernières 24 h jugées invalides "
                "par le contrôle qualité"
            ),
        )
        for row in rows
    ]


def _has_open(conn: Connection, found: Flagged) -> bool:
    return (
        conn.execute(
            select(tickets.c.id).where(
                tickets.c.asset_id == found.asset_id,
                tickets.c.problem == found.problem.value,
                OPEN_TICKET_CONDITION,
            )
        ).first()
        is not None
    )


def _restore_unflagged(conn: Connection, flagged: set[int], now: datetime) -> list[int]:
    """Restore the open tickets these signs opened whose asset is no longer flagged."""
    rows = conn.execute(
        select(tickets.c.id, tickets.c.asset_id).where(
            tickets.c.origin.in_(SIGNED_ORIGINS), OPEN_TICKET_CONDITION
        )
    ).all()
    note = "l'équipement n'est plus « En panne » et ses valeurs récentes sont valides"
    return [
        int(row.id)
        for row in rows
        if row.asset_id not in flagged
        and restore(conn, ticket_id=row.id, ts=now, verified=True, actor=SYSTEM_ACTOR, note=note)
    ]
