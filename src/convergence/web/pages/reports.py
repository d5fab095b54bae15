"""The monthly report as a PDF: of the user's member, or of one commune they read."""

from __future__ import annotations

from fastapi import APIRouter, Query
from starlette.responses import Response

from convergence.db.types import utcnow
from convergence.errors import NotFound
from convergence.indicators.timewindows import local_day_of
from convergence.reports.overview import readable_communes
from convergence.reports.pdf import render_pdf
from convergence.reports.service import MonthlyReport, build_report, member_report, parse_month
from convergence.territory.reference import load_territory
from convergence.timedcache import TimedCache
from convergence.web.deps import EngineDep
from convergence.web.pages.dashboard_cache import CacheDep
from convergence.web.pages.session import CurrentUserPage, PageUser

router = APIRouter()


def _report(
    engine: EngineDep, viewer: PageUser, month: str, commune: str | None, cache: TimedCache
) -> MonthlyReport:
    now = utcnow()
    year, number = parse_month(month, today=local_day_of(now))
    scope = viewer.scope
    with engine.connect() as conn:
        if commune is None:
            return member_report(
                conn,
                scope=scope,
                member_id=scope.member_id,
                year=year,
                month=number,
                now=now,
                cache=cache,
            )
        if commune not in readable_communes(conn, scope=scope):
            raise NotFound(f"commune {commune} introuvable / commune not found")
        name = load_territory().commune(commune).name
        return build_report(
            conn, scope=scope, subject=name, communes=[commune], year=year, month=number, now=now
        )


@router.get("/rapports/{month}.pdf")
def monthly_report(
    month: str,
    viewer: CurrentUserPage,
    engine: EngineDep,
    cache: CacheDep,
    commune: str | None = Query(default=None, pattern=r"^[0-9][0-9AB][0-9]{3}$"),
) -> Response:
    """The month's report (``YYYY-MM``) as a PDF download."""
    report = _report(engine, viewer, month, commune, cache)
    subject = commune or f"adherent-{viewer.scope.member_id}"
    return Response(
        render_pdf(report),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="rapport-{subject}-{month}.pdf"',
            "Cache-Control": "private, no-cache",
        },
    )
