"""The monthly report as a PDF in French, laid out with reportlab (pure Python).

The standard PDF fonts write French (Windows-1252); the few characters they lack — chemical
subscripts, the narrow no-break space, the minus sign — are spelt with their nearest form.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from convergence import french_format as fr
from convergence.indicators.timewindows import local_day_of
from convergence.reports.pdf_charts import chart_drawing
from convergence.reports.schemas import ReportTable, Section
from convergence.reports.service import CommuneReport, MonthlyReport
from convergence.reports.territory import STATE_WORDS, CommuneRow, TerritoryOverview
from convergence.servicelines import service_lines
from convergence.territory.reference import load_territory

SPELLING = str.maketrans(
    {
        "₀": "0",
        "₁": "1",
        "₂": "2",
        "₃": "3",
        "₄": "4",
        "₅": "5",
        "₆": "6",
        "₇": "7",
        "₈": "8",
        "₉": "9",
        "\u202f": "\u00a0",
        "−": "-",
        "≥": ">=",
        "≤": "<=",
        "…": "...",
    }
)
ACCENT = colors.HexColor("#000091")
STATUS_FR = {
    "planned": "Prévu",
    "installed": "Installé",
    "active": "En service",
    "faulty": "En panne",
    "retired": "Retiré",
}
# Domains of equipment no installed service line covers; a line names itself.
OTHER_DOMAINS_FR = {"network": "Réseau", "other": "Autre"}


def domain_fr(domain: str) -> str:
    """A domain's French name: its service line's label, else the core's word, else itself."""
    return (OTHER_DOMAINS_FR | service_lines().labels()).get(domain, domain)


SEVERITY_FR = {"info": "information", "warning": "avertissement", "critical": "critique"}


def text(value: str) -> str:
    """``value`` spelt with the standard fonts' characters, escaped for a Paragraph."""
    return escape(value.translate(SPELLING))


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles of the report, built on first use."""
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("titre", parent=sheet["Title"], textColor=ACCENT),
        "h1": ParagraphStyle(
            "h1", parent=sheet["Heading1"], textColor=ACCENT, spaceBefore=8, keepWithNext=1
        ),
        "h2": ParagraphStyle("h2", parent=sheet["Heading2"], spaceBefore=6, keepWithNext=1),
        "body": ParagraphStyle("texte", parent=sheet["BodyText"], fontSize=9.5, leading=12.5),
        "cell": ParagraphStyle("cellule", parent=sheet["BodyText"], fontSize=8, leading=10),
        "caption": ParagraphStyle(
            "legende", parent=sheet["BodyText"], fontSize=8.5, textColor=colors.HexColor("#555555")
        ),
    }


def table(item: ReportTable) -> list[Flowable]:
    """A captioned table, header row in the accent colour, repeated on each page."""
    cell = styles()["cell"]
    data = [[Paragraph(f"<b>{text(h)}</b>", cell) for h in item.headers]]
    data += [[Paragraph(text(c), cell) for c in row] for row in item.rows]
    grid = Table(data, repeatRows=1, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e3fd")),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [Paragraph(text(item.caption), styles()["caption"]), grid, Spacer(1, 3 * mm)]


def section(item: Section) -> list[Flowable]:
    """One domain: its sentences, tables and daily chart."""
    flow: list[Flowable] = [Paragraph(text(item.title), styles()["h2"])]
    flow += [Paragraph(text(s), styles()["body"]) for s in item.sentences]
    for grid in item.tables:
        flow += table(grid)
    drawing = chart_drawing(item.chart) if item.chart else None
    if drawing is not None and item.chart is not None:
        title = text(f"{item.chart.title} (jour du mois en abscisse)")
        flow += [KeepTogether([Paragraph(title, styles()["caption"]), drawing]), Spacer(1, 3 * mm)]
    return flow


def status_table(report: CommuneReport) -> list[Flowable]:
    """Equipment by status, and how many in service went silent."""
    health = report.health
    statuses = [(STATUS_FR.get(k, k), str(v)) for k, v in sorted(health.by_status.items())]
    caption = f"{health.total} équipement(s) par statut"
    silent = (
        f"{health.silent_count} équipement(s) en service sans donnée depuis plus de "
        f"{health.silent_after_hours} heures au moment du rapport."
    )
    grid = table(ReportTable(caption, ("Statut", "Nombre"), statuses))
    return [*grid, Paragraph(text(silent), styles()["body"])]


def availability_tables(report: CommuneReport) -> list[Flowable]:
    """Share of the month's days with data, per domain and for the equipment below 80 %."""
    available = report.availability
    rows = [
        (domain_fr(d.domain), str(d.assets), fr.with_unit(d.mean_share, "%", 0))
        for d in available.domains
    ]
    caption = f"Disponibilité des données : part des {available.days} jours avec une mesure"
    headers = ("Domaine", "Équipements en service", "Jours avec données")
    flow = table(ReportTable(caption, headers, rows))
    low = [(a.name, domain_fr(a.domain), fr.with_unit(a.share, "%", 0)) for a in available.low]
    if low:
        headers = ("Équipement", "Domaine", "Jours avec données")
        flow += table(ReportTable("Équipements avec données moins de 80 % des jours", headers, low))
    return flow


def equipment(report: CommuneReport) -> list[Flowable]:
    """Equipment by status, silent equipment and the month's data availability."""
    heading = Paragraph("Équipements et disponibilité des données", styles()["h2"])
    return [heading, *status_table(report), *availability_tables(report)]


def alerts(report: MonthlyReport) -> list[Flowable]:
    """The month's alerts, oldest first."""
    flow: list[Flowable] = [Paragraph("Alertes du mois", styles()["h1"])]
    if not report.alerts:
        return [*flow, Paragraph("Aucune alerte ce mois-ci.", styles()["body"])]
    rows = [
        (
            fr.local_time(a.opened_at),
            a.rule_name,
            a.asset_name,
            SEVERITY_FR.get(a.severity.value, a.severity.value),
            fr.local_time(a.resolved_at) if a.resolved_at else "ouverte",
        )
        for a in report.alerts
    ]
    return flow + table(
        ReportTable(
            f"{len(rows)} alerte(s)",
            ("Déclenchée le", "Règle", "Équipement", "Gravité", "Levée le"),
            rows,
        )
    )


def partial_month(report: MonthlyReport) -> str:
    """« — mois partiel : … » when the report is made before its month is over."""
    if local_day_of(report.generated_at) > report.last_day:
        return ""
    return (
        f" — mois partiel : données arrêtées au {fr.local_time(report.generated_at)}, "
        "les chiffres du mois ne sont pas définitifs"
    )


def cover(report: MonthlyReport) -> list[Flowable]:
    month = fr.month(report.year, report.month)
    return [
        Paragraph(text(f"Rapport mensuel — {report.subject}"), styles()["title"]),
        Paragraph(
            text(
                f"{fr.sentence(month)}, du {fr.day(report.first_day)} au "
                f"{fr.day(report.last_day)} (heure de Paris){partial_month(report)}"
            ),
            styles()["body"],
        ),
        Paragraph(
            text(
                f"Établi le {fr.local_time(report.generated_at)} par Convergence, "
                "plateforme territoriale de données."
            ),
            styles()["caption"],
        ),
        Spacer(1, 4 * mm),
    ]


def _footer(canvas: Canvas, document: SimpleDocTemplate) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {document.page}")
    canvas.drawString(18 * mm, 10 * mm, str(document.title or ""))
    canvas.restoreState()


def figures_words(row: CommuneRow) -> str:
    """« Air : bon ; Bruit : 62 dB(A) » — each domain's key figure of a commune."""
    if not row.drill_down:
        return "non partagés"
    shown = [f"{domain_fr(f.domain)} : {f.headline}" for f in row.figures if f.available]
    return " ; ".join(shown) or "pas de données"


def territory_communes_table(overview: TerritoryOverview) -> list[Flowable]:
    """Each member commune of the territory: its state, alerts, equipment and key figures."""
    rows = [
        (
            r.name,
            STATE_WORDS[r.state],
            str(r.open_alerts) if r.drill_down else "—",
            str(r.equipment) if r.drill_down else "—",
            figures_words(r),
        )
        for r in overview.members
    ]
    if not rows:
        return [Paragraph("Aucune commune adhérente sur ce territoire.", styles()["body"])]
    headers = ("Commune", "État", "Alertes ouvertes", "Équipements", "Indicateurs du jour")
    caption = f"{len(rows)} commune(s) adhérente(s) : état et indicateur du jour par domaine"
    return table(ReportTable(caption, headers, rows))


def territory_alerts(overview: TerritoryOverview) -> list[Flowable]:
    """The territory's open alerts, the most severe first."""
    flow: list[Flowable] = [Paragraph("Alertes ouvertes du territoire", styles()["h2"])]
    if not overview.alerts:
        sentence = "Aucune alerte ouverte sur les communes qui partagent leurs données."
        return [*flow, Paragraph(sentence, styles()["body"])]
    territory = load_territory()
    rows = [
        (
            territory.commune(a.commune_insee).name,
            domain_fr(a.domain),
            " — ".join(x for x in (a.rule_name, a.message) if x),
            SEVERITY_FR.get(a.severity.value, a.severity.value),
            fr.local_time(a.opened_at),
        )
        for a in overview.alerts
    ]
    caption = f"{overview.alert_total} alerte(s) ouverte(s), les plus graves d'abord"
    if overview.alert_total > len(rows):
        caption += f" ({len(rows)} premières)"
    headers = ("Commune", "Domaine", "Alerte", "Gravité", "Depuis")
    return flow + table(ReportTable(caption, headers, rows))


def territory_without_data(overview: TerritoryOverview) -> list[Flowable]:
    """Member communes without recent data, then how many communes are not members."""
    flow: list[Flowable] = [Paragraph("Communes sans donnée récente", styles()["h2"])]
    silent = [
        f"{r.name} — {STATE_WORDS[r.state]}"
        + (f" (dernière donnée le {fr.local_time(r.last_data)})" if r.last_data else "")
        for r in overview.without_data
    ]
    if silent:
        flow += [Paragraph(text(line), styles()["body"]) for line in silent]
    else:
        sentence = "Toutes les communes qui partagent leurs données en ont envoyé en 24 heures."
        flow.append(Paragraph(text(sentence), styles()["body"]))
    others = [r.name for r in overview.communes if r.share_level is None]
    if others:
        sentence = f"Communes non adhérentes ({len(others)}) : {', '.join(others)}."
        flow.append(Paragraph(text(sentence), styles()["body"]))
    return flow


def territory_part(overview: TerritoryOverview) -> list[Flowable]:
    """The territory at the time of the report: every commune, the alerts, the silent ones."""
    title = f"Le territoire — {overview.name}, le {fr.local_time(overview.generated_at)}"
    return [
        Paragraph(text(title), styles()["h1"]),
        *territory_communes_table(overview),
        *territory_alerts(overview),
        *territory_without_data(overview),
    ]


def story(report: MonthlyReport) -> Sequence[Flowable]:
    flow = cover(report)
    if report.territory is not None:
        flow += territory_part(report.territory)
    if not report.communes:
        flow.append(
            Paragraph("Aucune commune avec des équipements pour ce rapport.", styles()["body"])
        )
    for commune in report.communes:
        flow.append(Paragraph(text(f"{commune.name} ({commune.insee})"), styles()["h1"]))
        for item in commune.sections:
            flow += section(item)
        flow += equipment(commune)
    return flow + alerts(report)


def render_pdf(report: MonthlyReport) -> bytes:
    """The report as the bytes of a PDF document."""
    buffer = io.BytesIO()
    title = f"Rapport mensuel {report.subject} {report.year}-{report.month:02d}"
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title.translate(SPELLING),
        author="Convergence",
        lang="fr-FR",
        subject="Indicateurs, alertes et équipements du mois",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
    )
    document.build(list(story(report)), onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
