"""The monthly SLA report as files: CSV (one row per ticket and per charge point) and PDF."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from convergence import french_format as fr
from convergence.maintenance.monthly import ContractMonth
from convergence.paris_time import PARIS

CSV_COLUMNS = (
    "kind", "contract", "ticket_id", "asset", "problem", "opened_at", "intervention_min",
    "intervention_late_min", "restoration_min", "restoration_late_min", "penalty_eur",
    "availability_pct", "target_pct", "sessions_success_pct", "status_known_pct",
)  # fmt: skip


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def monthly_csv(months: Sequence[ContractMonth]) -> str:
    """UTF-8 CSV: ``ticket`` rows (delays, penalties) and ``availability`` rows per point."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in months:
        ref = entry.contract.reference
        for t in entry.tickets:
            i, r = t.intervention, t.restoration
            writer.writerow([
                "ticket", ref, t.id, t.asset_name, t.problem.value,
                t.opened_at.astimezone(PARIS).isoformat(timespec="minutes"),
                i.elapsed_min if i else "", i.late_min if i else "",
                r.elapsed_min if r else "", r.late_min if r else "",
                f"{t.penalty_cents / 100:.2f}", "", "", "", "",
            ])  # fmt: skip
        for p in entry.points:
            a = p.availability
            writer.writerow([
                "availability", ref, "", p.asset_name, "", "", "", "", "", "", "",
                _pct(a.availability_pct), _pct(entry.contract.availability_target_pct),
                _pct(a.success_rate_pct), _pct(100 * a.completeness.ratio),
            ])  # fmt: skip
    return out.getvalue()


def _french_pct(value: float | None) -> str:
    return "données insuffisantes" if value is None else _pdf(fr.with_unit(value, "%", 2))


def _pdf(text: str) -> str:
    return fr.without_narrow_spaces(text)


def _minutes(value: float) -> str:
    hours, mins = divmod(round(value), 60)
    return f"{hours} h {mins:02d}"


def _contract_story(entry: ContractMonth) -> list[Flowable]:
    style = getSampleStyleSheet()
    c = entry.contract
    met = {True: "atteint", False: "non atteint", None: "—"}[entry.target_met]
    target = _french_pct(c.availability_target_pct) if c.availability_target_pct else "—"
    summary = (
        f"Prestataire : {c.contractor_name}. Tickets : {len(entry.tickets)}, dont "
        f"{len(entry.late)} en retard. Pénalités : {_pdf(fr.cents(entry.penalties_cents))}. "
        f"Disponibilité : {_pdf(fr.figure_with_completeness(entry.availability, 2))} "
        f"(engagement {target}, {met})."
    )
    rows = [["N°", "Équipement", "Ouvert le", "Intervention", "Rétablissement", "Pénalité"]]
    for t in entry.tickets:
        rows.append([
            str(t.id), t.asset_name, fr.local_time(t.opened_at),
            _minutes(t.intervention.elapsed_min) if t.intervention else "—",
            _minutes(t.restoration.elapsed_min) if t.restoration else "—",
            _pdf(fr.cents(t.penalty_cents)),
        ])  # fmt: skip
    table = Table(rows, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e3fd")),
    ]))  # fmt: skip
    return [
        Paragraph(f"Contrat {c.reference} — {c.title}", style["Heading2"]),
        Paragraph(summary, style["BodyText"]),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 8 * mm),
    ]


def monthly_pdf(months: Sequence[ContractMonth], *, month: date, title: str) -> bytes:
    """The report in French, one section per contract."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, lang="fr")
    style = getSampleStyleSheet()
    story: list[Flowable] = [
        Paragraph(title, style["Title"]),
        Paragraph(f"Mois de {month.strftime('%m/%Y')} (heure de Paris)", style["BodyText"]),
    ]
    for entry in months:
        story += _contract_story(entry)
    if not months:
        story.append(Paragraph("Aucun contrat de maintenance.", style["BodyText"]))
    document.build(story)
    return buffer.getvalue()
