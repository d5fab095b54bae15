"""The dashboard of a commune: key indicators of the day with their trends, open alerts,
equipment health, comparison with the EPCI and the département, monthly reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from sqlalchemy import Connection
from starlette.responses import RedirectResponse, Response

from convergence import french_format as fr
from convergence.db.types import utcnow
from convergence.errors import NotFound
from convergence.indicators.schemas import MeasureOut
from convergence.indicators.timewindows import local_day_of
from convergence.members.queries import get_member
from convergence.members.roles import MemberKind
from convergence.members.scope import MemberScope
from convergence.reports.changes import FigureChange, change_words, changed_most
from convergence.reports.colours import NEUTRAL
from convergence.reports.figures_cache import cached_figures
from convergence.reports.overview import (
    CommuneIndicators,
    commune_indicators,
    commune_overview,
    communes_with_data,
    readable_communes,
)
from convergence.reports.schemas import KeyFigure, Overview
from convergence.reports.to_decide import to_decide
from convergence.servicelines import service_lines
from convergence.timedcache import TimedCache
from convergence.web.deps import EngineDep
from convergence.web.pages.comparison_rows import compared_rows, peers_text, rank_text
from convergence.web.pages.dashboard_cache import CacheDep, visibility
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.domains.charts import day_iso, sparkline
from convergence.web.pages.domains.series import quantity_label
from convergence.web.pages.rendering import commune_name
from convergence.web.pages.session import CurrentUserPage, PageUser

router = APIRouter()


@dataclass(frozen=True, slots=True)
class Card:
    """A key figure as the dashboard shows it: its sparkline and the sparkline's words."""

    figure: KeyFigure
    chart: dict[str, Any] | None
    trend_text: str
    colour: str


def trend_sentence(figure: KeyFigure) -> str:
    """The sparkline in words: its days, lowest, highest and latest values."""
    values = [p for p in figure.trend if p.value is not None]
    if not values:
        return "Pas de tendance : aucune valeur sur les derniers jours."
    low = min(values, key=lambda p: p.value or 0.0)
    high = max(values, key=lambda p: p.value or 0.0)
    unit = figure.trend_unit
    return (
        f"Tendance ({figure.trend_label}) du {fr.day(figure.trend[0].day)} au "
        f"{fr.day(figure.trend[-1].day)} : minimum {fr.auto(low.value, unit)} le "
        f"{fr.day(low.day)}, maximum {fr.auto(high.value, unit)} le {fr.day(high.day)}, "
        f"dernière valeur {fr.auto(values[-1].value, unit)} le {fr.day(values[-1].day)}."
    )


def line_colours() -> dict[str, str]:
    """The colour of each service line's card, by line name."""
    return {line.name: line.dashboard.colour for line in service_lines() if line.dashboard}


def card(figure: KeyFigure) -> Card:
    colour = line_colours().get(figure.domain, NEUTRAL)
    chart = None
    if any(p.value is not None for p in figure.trend):
        chart = sparkline(
            [day_iso(p.day) for p in figure.trend], [p.value for p in figure.trend], colour=colour
        )
    return Card(figure, chart, trend_sentence(figure), colour)


def compared_value(measure: MeasureOut) -> str:
    """A compared value with its unit (counts and classes without one)."""
    if measure.unit in ("nombre", "classe"):
        return fr.number(measure.value, 0)
    return fr.auto(measure.value, measure.unit)


def report_months(today: date) -> list[tuple[str, str]]:
    """(YYYY-MM, French name) of last month and of the current month."""
    last = today.replace(day=1) - timedelta(days=1)
    return [
        (f"{m.year}-{m.month:02d}", fr.month(m.year, m.month)) for m in (last, today.replace(day=1))
    ]


def chosen_commune(
    conn: Connection, viewer: PageUser, asked: str | None
) -> tuple[str | None, list[str]]:
    """The commune shown and the choices: the one asked, else the member's own, else the
    first with data, else the first covered."""
    communes = readable_communes(conn, scope=viewer.scope)
    if asked:
        if asked not in communes:
            raise NotFound(f"commune {asked} introuvable / commune not found")
        return asked, communes
    own = get_member(conn, member_id=viewer.scope.member_id).insee
    if own in communes:
        return own, communes
    with_data = sorted(communes_with_data(conn, scope=viewer.scope))
    return next(iter(with_data or communes), None), communes


def overview_of(
    conn: Connection,
    scope: MemberScope,
    commune: str,
    now: datetime,
    cache: TimedCache,
    *,
    territory: bool,
) -> Overview:
    """The commune's overview; its indicators are kept a few minutes per visibility, its key
    figures with those of every reader of the same data (the territory pages', the warmer's).
    The reader of a ``territory`` opens commune after commune: the stations it compares them
    with are kept for the next (a commune's readers open their own, kept whole)."""
    today = local_day_of(now)

    def compute() -> CommuneIndicators:
        figures_of = cached_figures(conn, scope=scope, communes=[commune], today=today, cache=cache)
        return commune_indicators(
            conn, scope=scope, commune=commune, today=today, figures=figures_of(commune),
            cache=cache if territory else None,
        )  # fmt: skip

    key = ("tableau-de-bord", visibility(scope), commune, today)
    indicators = cache.get_or_compute(key, compute)
    return commune_overview(conn, scope=scope, commune=commune, now=now, indicators=indicators)


def recent_changes(
    conn: Connection, scope: MemberScope, communes: Sequence[str], today: date, cache: TimedCache
) -> list[FigureChange]:
    """The figures of the communes that changed most in a month, kept a few minutes."""

    def compute() -> list[FigureChange]:
        return changed_most(conn, scope=scope, communes=communes, today=today)

    key = ("changements", visibility(scope), tuple(sorted(communes)), today)
    return cache.get_or_compute(key, compute)


@router.get("/tableau-de-bord")
def dashboard(
    request: Request,
    viewer: CurrentUserPage,
    engine: EngineDep,
    cache: CacheDep,
    commune: str | None = Query(default=None, max_length=5),
) -> Response:
    now = utcnow()
    with engine.connect() as conn:
        # An EPCI, a département or the operator reads its territory first, a commune on demand.
        kind = get_member(conn, member_id=viewer.scope.member_id).kind
        if commune is None and kind is not MemberKind.commune:
            return RedirectResponse("/tableau-de-bord/territoire", status_code=303)
        shown, communes = chosen_commune(conn, viewer, commune)
        territory = kind is not MemberKind.commune
        overview = (
            overview_of(conn, viewer.scope, shown, now, cache, territory=territory)
            if shown
            else None
        )
        shown_communes = [shown] if shown else []
        changes = recent_changes(conn, viewer.scope, shown_communes, local_day_of(now), cache)
        decide = to_decide(conn, scope=viewer.scope, communes=shown_communes, changes=changes)
    return render_data_page(
        request,
        "dashboard/index.html",
        viewer=viewer,
        overview=overview,
        cards=[card(f) for f in overview.figures] if overview else [],
        communes=[(c, commune_name(c)) for c in communes],
        values={"commune": shown or ""},
        errors={},
        compared_value=compared_value,
        compared_rows=compared_rows,
        rank_text=rank_text,
        peers_text=peers_text,
        quantity_label=quantity_label,
        change_words=change_words,
        months=report_months(local_day_of(now)),
        decide=decide,
        alerts_link=f"/alertes?commune={shown or ''}&statut=firing",
    )
