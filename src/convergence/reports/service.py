"""The monthly report of a member or of one commune: per commune, each domain's indicators
of the month (words, tables, daily charts), equipment status and data availability; the
alerts of the month. ``pdf.render_pdf`` lays it out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from convergence.alerts.queries import list_alerts
from convergence.alerts.schemas import AlertOut
from convergence.errors import InvalidInput
from convergence.indicators.timewindows import local_day_of, local_wall_time
from convergence.members.queries import covered_communes, get_member, require_visible_member
from convergence.members.roles import MemberKind
from convergence.members.scope import MemberScope
from convergence.reports.availability import Availability, availability
from convergence.reports.figures_cache import cached_figures
from convergence.reports.health import equipment_health
from convergence.reports.overview import communes_with_data
from convergence.reports.schemas import EquipmentHealth, Section
from convergence.reports.territory import (
    TerritoryOverview,
    is_territory_member,
    territory_communes,
    territory_overview,
)
from convergence.servicelines import service_lines
from convergence.territory.reference import load_territory
from convergence.timedcache import TimedCache

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
ALERTS_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class CommuneReport:
    insee: str
    name: str
    sections: list[Section]
    health: EquipmentHealth
    availability: Availability


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    """Everything the PDF shows, for ``subject`` (a member or a commune) and one month."""

    subject: str
    year: int
    month: int
    first_day: date
    last_day: date
    generated_at: datetime
    communes: list[CommuneReport]
    alerts: list[AlertOut]
    # An EPCI's, a département's or the operator's report opens on its whole territory.
    territory: TerritoryOverview | None = None


def parse_month(text: str, *, today: date) -> tuple[int, int]:
    """(year, month) of ``YYYY-MM``; InvalidInput for another form or a month to come."""
    found = MONTH.match(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise InvalidInput(f"mois attendu sous la forme AAAA-MM / expected YYYY-MM, got {text!r}")
    year, month = int(found.group(1)), int(found.group(2))
    if (year, month) > (today.year, today.month):
        raise InvalidInput(f"le mois {text} n'a pas commencé / month {text} has not begun")
    return year, month


def month_days(year: int, month: int) -> tuple[date, date]:
    """The first and last local days of a month."""
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def sections(
    conn: Connection, *, scope: MemberScope, commune: str, first: date, last: date
) -> list[Section]:
    """Each service line's section of the commune for the days ``first`` to ``last``."""
    return [
        line.report_section(conn, scope=scope, commune=commune, first=first, last=last)
        for line in service_lines()
        if line.report_section is not None
    ]


def commune_report(
    conn: Connection, *, scope: MemberScope, commune: str, first: date, last: date, now: datetime
) -> CommuneReport:
    """The sections, equipment status and data availability of one commune."""
    return CommuneReport(
        insee=commune,
        name=load_territory().commune(commune).name,
        sections=sections(conn, scope=scope, commune=commune, first=first, last=last),
        health=equipment_health(conn, scope=scope, communes=[commune], now=now),
        availability=availability(conn, scope=scope, communes=[commune], first=first, last=last),
    )


def month_alerts(
    conn: Connection, *, scope: MemberScope, communes: Sequence[str], first: date, last: date
) -> list[AlertOut]:
    """Alerts of the communes open at some time of the month, oldest first."""
    start = local_wall_time(first, 0)
    end = local_wall_time(last + timedelta(days=1), 0)
    found = [
        alert
        for commune in communes
        for alert in list_alerts(conn, scope=scope, commune_insee=commune, limit=ALERTS_LIMIT)
        if alert.opened_at < end and (alert.resolved_at is None or alert.resolved_at >= start)
    ]
    return sorted(found, key=lambda a: (a.opened_at, a.id))


def build_report(
    conn: Connection,
    *,
    scope: MemberScope,
    subject: str,
    communes: Sequence[str],
    year: int,
    month: int,
    now: datetime,
) -> MonthlyReport:
    """The report of ``communes`` for one month, as the scope reads them."""
    first, last = month_days(year, month)
    last = min(last, local_day_of(now))
    return MonthlyReport(
        subject=subject,
        year=year,
        month=month,
        first_day=first,
        last_day=last,
        generated_at=now,
        communes=[
            commune_report(conn, scope=scope, commune=c, first=first, last=last, now=now)
            for c in communes
        ],
        alerts=month_alerts(conn, scope=scope, communes=communes, first=first, last=last),
    )


def member_report(
    conn: Connection,
    *,
    scope: MemberScope,
    member_id: int,
    year: int,
    month: int,
    now: datetime,
    cache: TimedCache | None = None,
) -> MonthlyReport:
    """The report of a member: its communes with equipment or data the scope reads (a
    commune member's own commune in any case; every commune with data for the operator);
    a territory's report (its own) opens on every commune of the territory, whose key
    figures ``cache`` may already hold (the pages' cache)."""
    require_visible_member(conn, scope=scope, member_id=member_id)
    member = get_member(conn, member_id=member_id)
    covered = covered_communes(conn, member_id=member_id)
    with_data = communes_with_data(conn, scope=scope)
    if member.kind is MemberKind.operator and scope.sees_all_members:
        # The operator covers no commune itself: its territory is every member's.
        covered = sorted(with_data)
    communes = [c for c in covered if c in with_data] or ([member.insee] if member.insee else [])
    report = build_report(
        conn, scope=scope, subject=member.name, communes=communes, year=year, month=month, now=now
    )
    if not is_territory_member(member.kind) or member_id != scope.member_id:
        return report
    overview = territory_of(conn, scope=scope, now=now, cache=cache or TimedCache())
    return replace(report, territory=overview)


def territory_of(
    conn: Connection, *, scope: MemberScope, now: datetime, cache: TimedCache
) -> TerritoryOverview:
    """Every commune of the scope's territory with its state and key figures on ``now``."""
    codes = territory_communes(conn, scope=scope)
    figures_of = cached_figures(
        conn, scope=scope, communes=codes, today=local_day_of(now), cache=cache
    )
    return territory_overview(conn, scope=scope, now=now, figures_of=figures_of)
