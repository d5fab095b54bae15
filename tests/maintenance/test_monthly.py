"""The monthly SLA report of a hand-built month: delays, penalties, availability by hand."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from convergence.maintenance import service
from convergence.maintenance.monthly import monthly_sla
from convergence.maintenance.monthly_files import monthly_csv, monthly_pdf
from convergence.members.scope import command_line_scope
from convergence.paris_time import PARIS
from tests.maintenance.planting import charge_point, contract, status
from tests.maintenance.test_faults import tickets_of
from tests.reports.test_report import pdf_text
from tests.support import Territory

AFTER = datetime(2026, 7, 15, tzinfo=UTC)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


def _acknowledge(engine: Engine, asset_id: int, at: datetime) -> None:
    [ticket] = [t for t in tickets_of(engine, asset_id, at) if t.status == "open"]
    with engine.begin() as conn:
        service.acknowledge_ticket(conn, scope=command_line_scope(), ticket_id=ticket.id, now=at)


def test_june_2026_by_hand(engine: Engine, territory: Territory) -> None:
    versailles = territory.versailles
    asset_id = charge_point(engine, versailles, "CP-JUIN")
    contract(engine, versailles, [asset_id], availability_target_pct=95)
    status(engine, versailles, asset_id, paris(2026, 5, 20, 12, 0), "Available")
    # Ticket 1: Monday 1 June 09:00, acknowledged 10:00, back 15:00: 60 and 360 min, on time.
    status(engine, versailles, asset_id, paris(2026, 6, 1, 9, 0), "Faulted")
    _acknowledge(engine, asset_id, paris(2026, 6, 1, 10, 0))
    status(engine, versailles, asset_id, paris(2026, 6, 1, 15, 0), "Available")
    # Ticket 2: Friday 5 June 16:00 (two days after, outside the 24 h window: a new ticket),
    # acknowledged Monday 8 June 09:30 -> 2 h + 1 h 30 = 210 min (within 240);
    # back Tuesday 9 June 12:00 -> 2 h + 10 h + 4 h = 960 min: 480 min late = 8 started
    # hours x 50 EUR = 400 EUR.
    status(engine, versailles, asset_id, paris(2026, 6, 5, 16, 0), "Faulted")
    _acknowledge(engine, asset_id, paris(2026, 6, 8, 9, 30))
    status(engine, versailles, asset_id, paris(2026, 6, 9, 12, 0), "Available")

    with engine.connect() as conn:
        [month] = monthly_sla(conn, scope=command_line_scope(), month=date(2026, 6, 1), now=AFTER)
    first, second = month.tickets
    assert first.intervention is not None
    assert first.restoration is not None
    assert (first.intervention.elapsed_min, first.restoration.elapsed_min) == (60, 360)
    assert second.intervention is not None
    assert second.restoration is not None
    assert (second.intervention.elapsed_min, second.restoration.elapsed_min) == (210, 960)
    assert second.restoration.late_min == 480
    assert [t.id for t in month.late] == [second.id]
    assert month.penalties_cents == 40_000
    # Down 6 h (1 June) + 92 h (Friday 16:00 to Tuesday 12:00) = 98 h of 720 h in June.
    assert month.availability_pct == pytest.approx(100 * (720 - 98) / 720)
    assert month.target_met is False

    rows = list(csv.DictReader(io.StringIO(monthly_csv([month]))))
    assert [r["kind"] for r in rows] == ["ticket", "ticket", "availability"]
    assert rows[1]["penalty_eur"] == "400.00"
    assert rows[2]["availability_pct"] == f"{100 * 622 / 720:.2f}"
    pdf = monthly_pdf([month], month=date(2026, 6, 1), title="Rapport SLA")
    assert pdf.startswith(b"%PDF")


def test_an_availability_resting_on_too_few_known_hours_is_no_fact(
    engine: Engine, territory: Territory
) -> None:
    # The charge point's first status arrives on 10 June 00:00 Paris: 216 of June's 720 h
    # (a local month) have no known status. Known 504 h = 70 % < 75 %: « données insuffisantes ».
    versailles = territory.versailles
    asset_id = charge_point(engine, versailles, "CP-TARD")
    contract(engine, versailles, [asset_id], availability_target_pct=95)
    status(engine, versailles, asset_id, paris(2026, 6, 10, 0, 0), "Available")
    with engine.connect() as conn:
        [month] = monthly_sla(conn, scope=command_line_scope(), month=date(2026, 6, 1), now=AFTER)
    assert month.availability.value == pytest.approx(100.0)
    assert (month.availability.completeness.present, month.availability.completeness.expected) == (
        504,
        720,
    )
    assert not month.availability.publishable
    assert month.target_met is None  # not « atteint » on a figure that is no fact
    [row] = list(csv.DictReader(io.StringIO(monthly_csv([month]))))
    assert row["status_known_pct"] == "70.00"
    text = pdf_text(monthly_pdf([month], month=date(2026, 6, 1), title="Rapport SLA"))
    assert "Disponibilité : données insuffisantes (70 %)" in text
