"""``convergence report``: a member's monthly report as a PDF file."""

from __future__ import annotations

from pathlib import Path

import typer

from convergence.cli.context import console, handle_errors, open_engine
from convergence.db.types import utcnow
from convergence.indicators.timewindows import local_day_of
from convergence.members.queries import find_member
from convergence.members.scope import command_line_scope
from convergence.reports.pdf import render_pdf
from convergence.reports.service import member_report, parse_month


@handle_errors
def report(
    member: str = typer.Option(..., help="Member id, SIREN, INSEE code or name"),
    month: str = typer.Option(..., help="The month, YYYY-MM (the current month stops today)"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="PDF file to write (default: rapport-<SIREN>-<month>.pdf)"
    ),
) -> None:
    """Write a member's monthly report (PDF, in French): indicators, charts, alerts, equipment."""
    now = utcnow()
    year, number = parse_month(month, today=local_day_of(now))
    with open_engine() as engine, engine.connect() as conn:
        found = find_member(conn, ref=member)
        built = member_report(
            conn, scope=command_line_scope(), member_id=found.id, year=year, month=number, now=now
        )
    target = output or Path(f"rapport-{found.siren}-{month}.pdf")
    target.write_bytes(render_pdf(built))
    communes = ", ".join(c.name for c in built.communes) or "aucune commune avec des équipements"
    console.print(f"Rapport de {found.name} pour {month} ({communes}) écrit dans {target}.")
