"""Documents of video protection: the register as CSV and PDF, the hand-over receipt."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from convergence.paris_time import PARIS
from convergence.video.kinds import ACTION_LABELS
from convergence.video.schemas import RegisterEntryOut, RequisitionOut

CSV_COLUMNS = (
    "id",
    "ts",
    "agent",
    "agent_name",
    "action",
    "outcome",
    "motive",
    "procedure_number",
    "requester",
    "recipient",
    "camera_asset_id",
    "clips",
    "export_sha256",
    "hash",
)


def local(ts: datetime) -> str:
    return ts.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S")


def register_csv(entries: Sequence[RegisterEntryOut]) -> str:
    """The register lines as CSV (UTC ISO timestamps, one clip list per line)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        clips = ";".join(f"{c['camera_asset_id']}@{c['start']}/{c['end']}" for c in entry.clips)
        row = entry.model_dump(mode="json") | {"clips": clips}
        writer.writerow([row[name] for name in CSV_COLUMNS])
    return out.getvalue()


def register_pdf(entries: Sequence[RegisterEntryOut], *, title: str) -> bytes:
    """The register lines as a PDF table, for the CNIL or the departmental commission."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8)
    header = ["Date (Paris)", "Agent", "Action", "Issue", "Motif", "Procédure", "Caméra",
              "Demandeur / destinataire", "SHA-256"]  # fmt: skip
    rows = [header] + [
        [
            local(e.ts),
            Paragraph(e.agent_name or e.agent, small),
            ACTION_LABELS[e.action],
            "refusé" if e.outcome == "refused" else e.outcome.value,
            e.motive.value,
            Paragraph(e.procedure_number, small),
            str(e.camera_asset_id or ""),
            Paragraph(" / ".join(x for x in (e.requester, e.recipient) if x), small),
            Paragraph(e.export_sha256, small),
        ]
        for e in entries
    ]
    story = [
        Paragraph(title, styles["Title"]),
        Paragraph(
            f"{len(entries)} inscription(s), horodatage en heure de Paris.", styles["Normal"]
        ),
        Spacer(1, 8),
        _table(rows, [70, 90, 70, 40, 60, 70, 40, 120, 150]),
    ]
    return _build(story, landscape(A4))


def _table(rows: Sequence[list[Any]], widths: list[int]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 7),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _build(story: Sequence[Any], pagesize: tuple[float, float]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=pagesize, title="Convergence").build(list(story))
    return buffer.getvalue()


def receipt_pdf(requisition: RequisitionOut, *, recipient: str, handed_at: datetime) -> bytes:
    """The hand-over receipt of a requisition: each file with its SHA-256, to be signed."""
    styles = getSampleStyleSheet()
    facts = [
        ["Procédure", requisition.procedure_number],
        ["Officier de police judiciaire", requisition.opj_name],
        ["Service", requisition.opj_service],
        ["Période requise", f"{local(requisition.window_start)} – {local(requisition.window_end)}"],
        ["Remis à", recipient],
        ["Remis le", local(handed_at)],
    ]
    files = [["Fichier", "Caméra", "Octets", "SHA-256"]] + [
        [e.file_name, str(e.camera_asset_id), str(e.size_bytes), e.sha256]
        for e in requisition.exports
    ]
    story = [
        Paragraph(f"Récépissé de remise — réquisition n° {requisition.id}", styles["Title"]),
        _table([[k, v] for k, v in facts], [170, 330]),
        Spacer(1, 12),
        Paragraph("Fichiers remis et empreintes SHA-256", styles["Heading2"]),
        _table(files, [130, 40, 50, 300]),
        Spacer(1, 24),
        Paragraph(
            "L'empreinte SHA-256 de chaque fichier permet de vérifier qu'il n'a pas été "
            "modifié depuis l'extraction. Signature du destinataire :",
            styles["Normal"],
        ),
    ]
    return _build(story, A4)
