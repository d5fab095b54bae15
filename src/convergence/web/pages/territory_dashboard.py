"""The dashboard of an EPCI, a département or the operator: every commune of the territory
side by side, the territory's open alerts, the communes without data, a map by state."""

from __future__ import annotations

import json
from collections.abc import Mapping

from fastapi import APIRouter, Request
from sqlalchemy import Engine
from starlette.responses import RedirectResponse, Response

from convergence.db.types import utcnow
from convergence.indicators.timewindows import local_day_of
from convergence.members.queries import get_member
from convergence.members.scope import MemberScope
from convergence.reports.changes import change_words
from convergence.reports.figures_cache import cached_figures
from convergence.reports.schemas import KeyFigure
from convergence.reports.territory import (
    STATE_WORDS,
    CommuneRow,
    CommuneState,
    TerritoryOverview,
    is_territory_member,
    territory_communes,
    territory_overview,
)
from convergence.reports.to_decide import to_decide
from convergence.timedcache import TimedCache
from convergence.web.deps import EngineDep, SettingsDep
from convergence.web.pages.dashboard import recent_changes, report_months
from convergence.web.pages.dashboard_cache import CacheDep
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.domains.series import quantity_label
from convergence.web.pages.session import CurrentUserPage

router = APIRouter()
TERRITORY_PATH = "/tableau-de-bord/territoire"
# Colours of the states (DSFR palette), always with their words next to them.
STATE_COLOURS: Mapping[CommuneState, str] = {
    CommuneState.critical: "#ce0500",
    CommuneState.alert: "#b34000",
    CommuneState.ok: "#18753c",
    CommuneState.stale: "#716043",
    CommuneState.no_data: "#929292",
    CommuneState.not_shared: "#cecece",
    CommuneState.not_member: "#f6f6f6",
}
STATE_LABELS = STATE_WORDS  # the PDF says the same words
DOMAIN_TITLES = (
    ("air", "Air"),
    ("noise", "Bruit"),
    ("traffic", "Trafic"),
    ("water", "Eau"),
    ("lighting", "Éclairage"),
    ("charging", "Recharge"),
)


def territory_of(engine: Engine, scope: MemberScope, cache: TimedCache) -> TerritoryOverview:
    """The territory as the scope reads it; each commune's key figures kept a few minutes,
    shared with every reader of the same data (and computed ahead by the runtime's warmer)."""
    now = utcnow()
    today = local_day_of(now)
    with engine.connect() as conn:
        codes = territory_communes(conn, scope=scope)
        figures_of = cached_figures(conn, scope=scope, communes=codes, today=today, cache=cache)
        return territory_overview(conn, scope=scope, now=now, figures_of=figures_of)


def map_states(rows: list[CommuneRow]) -> str:
    """The state and link of each commune, read by the map's script (no inline script)."""
    return json.dumps(
        {
            r.insee: {
                "state": str(r.state),
                "label": STATE_LABELS[r.state],
                "link": f"/tableau-de-bord?commune={r.insee}" if r.drill_down else "",
            }
            for r in rows
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def figure_of(row: CommuneRow, domain: str) -> KeyFigure | None:
    return next((f for f in row.figures if f.domain == domain), None)


@router.get(TERRITORY_PATH)
def territory_dashboard(
    request: Request,
    viewer: CurrentUserPage,
    engine: EngineDep,
    cache: CacheDep,
    settings: SettingsDep,
) -> Response:
    with engine.connect() as conn:
        member = get_member(conn, member_id=viewer.scope.member_id)
    if not is_territory_member(member.kind):
        return RedirectResponse("/tableau-de-bord", status_code=303)
    overview = territory_of(engine, viewer.scope, cache)
    with engine.connect() as conn:
        codes = [c.insee for c in overview.communes]
        today = local_day_of(overview.generated_at)
        changes = recent_changes(conn, viewer.scope, codes, today, cache)
        decide = to_decide(
            conn, scope=viewer.scope, communes=codes, aggregates=True, changes=changes
        )
    return render_data_page(
        request,
        "dashboard/territory.html",
        viewer=viewer,
        territory=overview,
        states=CommuneState,
        state_labels=STATE_LABELS,
        state_colours=STATE_COLOURS,
        domains=DOMAIN_TITLES,
        figure_of=figure_of,
        map_states=map_states(overview.communes),
        tile_url=settings.tile_url or "",
        months=report_months(local_day_of(overview.generated_at)),
        decide=decide,
        alerts_link="#alertes",
        quantity_label=quantity_label,
        change_words=change_words,
    )
