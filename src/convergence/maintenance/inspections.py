"""Annual inspections and preventive plans: due dates, inspector, marking, reminders.

Décret 2017-26 (art. 6, as amended by décret 2021-546): each public charge point is inspected
at least once a year by a competent person or body, and a visible mark shows the date and the
inspector. A schedule row is one due occurrence; recording it done writes who inspected and
the marking, then schedules the next one ``every_months`` after the day it was done. The
sync pass e-mails a reminder ``REMIND_DAYS`` before the due date (once per occurrence).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import Connection, select, update

from convergence.alerts.kinds import Channel, DeliveryEvent
from convergence.alerts.notifications import queue_delivery
from convergence.db.inserts import insert_one
from convergence.errors import Conflict, NotFound
from convergence.maintenance.access import require_member_writer, require_reader
from convergence.maintenance.tables import (
    contract_assets,
    contractors,
    contracts,
    inspections,
)
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets

UNSCOPED = {
    "remind_due": "the sync pass reminds the contractors of every member (a system task)",
}

REMIND_DAYS = 30
SIGNATURE = "— Convergence, plateforme territoriale de données"


class InspectionKind(StrEnum):
    annual_inspection = "annual_inspection"  # the yearly inspection of décret 2017-26
    preventive = "preventive"  # a preventive maintenance plan


class InspectionCreate(BaseModel):
    asset_id: int
    kind: InspectionKind = InspectionKind.annual_inspection
    title: str = Field(default="Contrôle annuel (décret 2017-26)", min_length=3, max_length=200)
    every_months: int = Field(default=12, ge=1, le=120)
    due_on: date


class InspectionDone(BaseModel):
    done_on: date
    inspector: str = Field(min_length=2, max_length=200, description="person or body")
    marking: str = Field(min_length=2, max_length=200, description="the mark left on the point")
    notes: str = Field(default="", max_length=5000)


class InspectionOut(BaseModel):
    id: int
    member_id: int
    asset_id: int
    asset_name: str
    kind: InspectionKind
    title: str
    every_months: int
    due_on: date
    done_on: date | None
    inspector: str | None
    marking: str | None
    notes: str


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _out(conn: Connection, inspection_id: int) -> InspectionOut:
    row = conn.execute(
        select(inspections, assets.c.name.label("asset_name"))
        .join(assets, assets.c.id == inspections.c.asset_id)
        .where(inspections.c.id == inspection_id)
    ).one()
    return InspectionOut.model_validate(row._asdict())


def schedule(conn: Connection, *, scope: MemberScope, data: InspectionCreate) -> InspectionOut:
    """Plan an inspection (or a preventive visit) of an asset of the caller's member."""
    member_id = conn.execute(
        select(assets.c.member_id).where(
            assets.c.id == data.asset_id, member_clause(scope, assets.c.member_id)
        )
    ).scalar_one_or_none()
    if member_id is None:
        raise NotFound(f"équipement {data.asset_id} introuvable / asset not found")
    require_member_writer(scope, member_id)
    new_id = insert_one(
        conn, inspections, member_id=member_id, asset_id=data.asset_id, kind=data.kind.value,
        title=data.title, every_months=data.every_months, due_on=data.due_on, notes="",
    )  # fmt: skip
    return _out(conn, new_id)


def record_done(
    conn: Connection, *, scope: MemberScope, inspection_id: int, data: InspectionDone
) -> InspectionOut:
    """Write who inspected and the marking; the next occurrence is scheduled."""
    row = conn.execute(
        select(inspections).where(
            inspections.c.id == inspection_id, member_clause(scope, inspections.c.member_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"contrôle {inspection_id} introuvable / inspection not found")
    require_member_writer(scope, row.member_id)
    if row.done_on is not None:
        raise Conflict("ce contrôle est déjà enregistré / inspection already recorded")
    conn.execute(update(inspections).where(inspections.c.id == inspection_id).values(
        done_on=data.done_on, inspector=data.inspector, marking=data.marking, notes=data.notes,
    ))  # fmt: skip
    insert_one(
        conn, inspections, member_id=row.member_id, asset_id=row.asset_id, kind=row.kind,
        title=row.title, every_months=row.every_months,
        due_on=add_months(data.done_on, row.every_months), notes="",
    )  # fmt: skip
    return _out(conn, inspection_id)


def list_inspections(
    conn: Connection, *, scope: MemberScope, pending_only: bool = True
) -> list[InspectionOut]:
    """Inspections of the caller's members, the soonest due first."""
    require_reader(scope)
    query = (
        select(inspections.c.id)
        .where(member_clause(scope, inspections.c.member_id))
        .order_by(inspections.c.due_on, inspections.c.id)
    )
    if pending_only:
        query = query.where(inspections.c.done_on.is_(None))
    return [_out(conn, i) for i in conn.execute(query).scalars()]


def remind_due(conn: Connection, *, today: date, now: datetime) -> list[int]:
    """Queue one reminder per inspection due within ``REMIND_DAYS`` to the asset's contractor."""
    rows = conn.execute(
        select(inspections, assets.c.name.label("asset_name"), contractors.c.email)
        .join(assets, assets.c.id == inspections.c.asset_id)
        .join(contract_assets, contract_assets.c.asset_id == inspections.c.asset_id)
        .join(contracts, contracts.c.id == contract_assets.c.contract_id)
        .join(contractors, contractors.c.id == contracts.c.contractor_id)
        .where(
            inspections.c.done_on.is_(None),
            inspections.c.reminded_on.is_(None),
            inspections.c.due_on <= today + timedelta(days=REMIND_DAYS),
        )
    ).all()
    queued: list[int] = []
    for row in rows:
        body = (
            f"{row.title} de l'équipement {row.asset_name} (n° {row.asset_id}) : à faire "
            f"avant le {row.due_on.strftime('%d/%m/%Y')}.\n\n{SIGNATURE}"
        )
        queued.append(queue_delivery(
            conn, member_id=row.member_id, alert_id=None, subscription_id=None,
            channel=Channel.email, event=DeliveryEvent.fired, recipient=row.email,
            subject=f"[Convergence] Échéance : {row.title} — {row.asset_name}",
            body=body, html=None, now=now,
        ))  # fmt: skip
        conn.execute(
            update(inspections).where(inspections.c.id == row.id).values(reminded_on=today)
        )
    return queued
