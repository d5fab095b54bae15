"""The video-protection service line: its pages, menu, dashboard card, report section,
labels, quantity and default alert rules. Its JSON API (``/api/v1/video``) is mounted by
``web/api`` as the charging line's is."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection

from convergence import french_format as fr
from convergence.lines import demo_projects
from convergence.lines.video_demo import video_demo
from convergence.members.scope import MemberScope
from convergence.reports.schemas import NO_DATA, KeyFigure, ReportTable, Section
from convergence.servicelines import (
    DashboardCard,
    DemoDeviceModel,
    DemoEquipment,
    EquipmentWords,
    MenuEntry,
    QuantitySpec,
    ServiceLine,
)
from convergence.video import summary
from convergence.video.alerting import CLOCK_DRIFT, default_rules
from convergence.video.kinds import (
    ACTION_LABELS,
    HABILITATION_LABELS,
    PURPOSE_LABELS,
    REQUISITION_LABELS,
)
from convergence.video.requisitions import list_requisitions
from convergence.web.pages.video import router as pages

NAME = "video"
PAGE = "/videoprotection"


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def key_figure(conn: Connection, *, scope: MemberScope, commune: str, today: date) -> KeyFigure:
    """Share of the commune's cameras in service at their last check (within the hour)."""
    now = min(datetime.now(UTC), _end_of(today))
    seen = summary.availability(conn, scope=scope, commune=commune, now=now)
    figure = KeyFigure(
        domain=NAME,
        title="Vidéoprotection",
        headline=NO_DATA,
        caption="Caméras en service lors de leur dernière vérification",
        page=PAGE,
    )
    if seen.share is None:
        return figure
    detail = f"{seen.up} sur {seen.checked} caméra(s) vérifiée(s), {seen.cameras} au total"
    return KeyFigure(
        domain=NAME,
        title="Vidéoprotection",
        headline=fr.figure(seen.measure, 0),
        caption=figure.caption,
        detail=detail,
        page=PAGE,
        measure=seen.measure,
    )


def report_section(
    conn: Connection, *, scope: MemberScope, commune: str, first: date, last: date
) -> Section:
    """The commune's systems (expiry, renewal) and the month's requisitions."""
    systems = summary.systems_of_commune(conn, scope=scope, commune=commune, today=last)
    if not systems:
        return Section(NAME, "Vidéoprotection", ["Aucun système de vidéoprotection déclaré."])
    month = [
        r
        for r in list_requisitions(conn, scope=scope)
        if first <= r.received_at.date() <= last and r.system_id in {s.id for s in systems}
    ]
    rows = [
        (
            s.name,
            s.authorisation_number,
            s.expires_on.strftime("%d/%m/%Y"),
            "à renouveler" if s.renewal_due or s.expired else "en cours",
        )
        for s in systems
    ]
    table = ReportTable("Systèmes autorisés", ("Système", "Arrêté", "Expire le", "État"), rows)
    sentence = f"{len(month)} réquisition(s) judiciaire(s) reçue(s) sur le mois."
    now = min(datetime.now(UTC), _end_of(last))
    seen = summary.availability(conn, scope=scope, commune=commune, now=now)
    available = (
        f"Caméras en service lors de leur dernière vérification : "
        f"{fr.figure_with_completeness(seen.measure, 0)}."
        if seen.share is not None
        else f"Aucune des {seen.cameras} caméra(s) n'a été vérifiée dans l'heure."
    )
    return Section(NAME, "Vidéoprotection", [sentence, available], [table])


# The demo's cameras: eight per commune, around its centre, sending no readings.
DEMO_CAMERAS = DemoEquipment(
    kind="camera",
    asset_kind="camera",
    label="Caméra",
    per_commune=8,
    serial="DEMO-CAM",
    model=DemoDeviceModel("Vidéo Cité", "CAM-Dôme 4K", {}, 1800, expected_period_s=0),
    project="Vidéoprotection du centre-ville",
    seed_offset=900_000,
)

LINE = ServiceLine(
    name=NAME,
    label="Vidéoprotection",
    order=70,
    quantities=(QuantitySpec(CLOCK_DRIFT, "Dérive de l'horloge de la caméra", "s", 0, 1e7),),
    pages=pages,
    menu=MenuEntry(PAGE, "Vidéoprotection"),
    dashboard=DashboardCard(key_figure, colour="#6a2c70"),
    report_section=report_section,
    alert_rules=default_rules,
    demo=video_demo,
    demo_equipment=(DEMO_CAMERAS,),
    demo_projects=demo_projects.VIDEO,
    labels={
        "video_purpose": {k.value: v for k, v in PURPOSE_LABELS.items()},
        "video_action": {k.value: v for k, v in ACTION_LABELS.items()},
        "video_habilitation": {k.value: v for k, v in HABILITATION_LABELS.items()},
        "video_requisition": {k.value: v for k, v in REQUISITION_LABELS.items()},
    },
    words=EquipmentWords(
        "des caméras de vidéoprotection",
        "aucune caméra de vidéoprotection",
        "caméra",
        "caméras",
        "vidéoprotection",
    ),
    docs="docs/service-lines.md#video",
)
