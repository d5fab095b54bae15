"""The monthly SLA report per contract: tickets, delays, late ones, penalties, availability.

A month is a local month (Europe/Paris). Tickets count in the month they were opened; their
clocks are read at ``now`` (a ticket still open runs on). Availability is that of the
contract's charge points over the month (``availability``), against the contract's target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Connection, select

from convergence.errors import InvalidInput
from convergence.indicators.schemas import MeasureOut
from convergence.maintenance import queries
from convergence.maintenance.availability import (
    Availability,
    charge_point_availability,
    station_availability,
)
from convergence.maintenance.schemas import ContractOut, TicketOut
from convergence.members.scope import MemberScope
from convergence.paris_time import PARIS
from convergence.registry.tables import assets


@dataclass(frozen=True, slots=True)
class PointMonth:
    asset_id: int
    asset_name: str
    availability: Availability


@dataclass(slots=True)
class ContractMonth:
    """One contract's month."""

    contract: ContractOut
    tickets: list[TicketOut] = field(default_factory=list)
    points: list[PointMonth] = field(default_factory=list)

    @property
    def late(self) -> list[TicketOut]:
        return [t for t in self.tickets if _is_late(t)]

    @property
    def penalties_cents(self) -> int:
        return sum(t.penalty_cents for t in self.tickets)

    @property
    def availability_pct(self) -> float | None:
        return station_availability([p.availability for p in self.points]).availability_pct

    @property
    def availability(self) -> MeasureOut:
        """The contract's availability as a figure, with the share of time of known status."""
        return station_availability([p.availability for p in self.points]).measure

    @property
    def target_met(self) -> bool | None:
        """Whether the target is met; None without a target or without enough data."""
        target, measured = self.contract.availability_target_pct, self.availability
        if target is None or measured.value is None or not measured.publishable:
            return None
        return measured.value >= target


def _is_late(ticket: TicketOut) -> bool:
    clocks = [c for c in (ticket.intervention, ticket.restoration) if c is not None]
    return any(c.late_min > 0 for c in clocks)


def parse_month(text: str) -> date:
    """``2026-06`` as the first day of that month; InvalidInput otherwise."""
    try:
        if len(text) != 7:
            raise ValueError(text)
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise InvalidInput(
            f"mois {text!r} invalide : écrivez AAAA-MM / month must read YYYY-MM"
        ) from None


def month_bounds(first: date) -> tuple[datetime, datetime]:
    """The UTC instants where a local month starts and ends."""
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    start = datetime.combine(first, datetime.min.time(), PARIS).astimezone(UTC)
    end = datetime.combine(following, datetime.min.time(), PARIS).astimezone(UTC)
    return start, end


def monthly_sla(
    conn: Connection, *, scope: MemberScope, month: date, now: datetime
) -> list[ContractMonth]:
    """Every contract the caller reads, with its month."""
    start, end = month_bounds(month.replace(day=1))
    found = []
    for contract in queries.list_contracts(conn, scope=scope):
        entry = ContractMonth(contract)
        tickets = queries.list_tickets(conn, scope=scope, now=now)
        entry.tickets = sorted(
            (t for t in tickets if t.contract_id == contract.id and start <= t.opened_at < end),
            key=lambda t: t.opened_at,
        )
        names = dict(
            conn.execute(
                select(assets.c.id, assets.c.name).where(assets.c.id.in_(contract.asset_ids))
            ).all()
        )
        for asset_id in contract.asset_ids:
            measured = charge_point_availability(conn, asset_id=asset_id, start=start, end=end)
            entry.points.append(PointMonth(asset_id, names.get(asset_id, ""), measured))
        found.append(entry)
    return found
