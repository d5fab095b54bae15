"""The dashboard of a territory (an EPCI, a département, the operator's whole area): every
commune side by side with its state, the open alerts of all of them, those without data.

What a commune shows depends on its ``share_level``: nothing beyond its name when it shares
nothing, its aggregates (indicators, counts, alert levels) otherwise. Names of equipment and
of alert rules are full data: they appear only for communes read in full.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Connection, func, select

from convergence.alerts.kinds import AlertStatus, Severity
from convergence.alerts.tables import alert_rules, alerts
from convergence.members.queries import covered_communes, get_member
from convergence.members.roles import MemberKind, ShareLevel
from convergence.members.scope import MemberScope, member_clause
from convergence.members.tables import members
from convergence.registry.tables import assets
from convergence.reports.schemas import KeyFigure
from convergence.territory.reference import load_territory
from convergence.timeseries.tables import series

FRESH_AFTER = timedelta(hours=24)
TERRITORY_ALERTS = 50


class CommuneState(StrEnum):
    """A commune's state on the territory dashboard, from the most pressing."""

    critical = "critical"  # a critical alert is open
    alert = "alert"  # another alert is open
    ok = "ok"  # recent data, no open alert
    stale = "stale"  # data, but none for FRESH_AFTER
    no_data = "no_data"  # shares, but no data at all
    not_shared = "not_shared"  # a member that shares nothing
    not_member = "not_member"  # not a member of the operator


STATE_WORDS: Mapping[CommuneState, str] = {
    CommuneState.critical: "Alerte critique en cours",
    CommuneState.alert: "Alerte en cours",
    CommuneState.ok: "Données à jour, aucune alerte",
    CommuneState.stale: "Aucune donnée depuis 24 heures",
    CommuneState.no_data: "Pas de données",
    CommuneState.not_shared: "Ne partage pas ses données",
    CommuneState.not_member: "Non adhérente",
}


@dataclass(frozen=True, slots=True)
class SharingCommune:
    insee: str
    member_id: int
    share_level: ShareLevel


@dataclass(frozen=True, slots=True)
class TerritoryAlert:
    """An open alert as a territory reads it; ``rule_name``/``asset_name`` for full readers."""

    id: int
    commune_insee: str
    domain: str
    severity: Severity
    status: AlertStatus
    opened_at: datetime
    message: str
    rule_name: str | None
    asset_name: str | None


@dataclass(frozen=True, slots=True)
class CommuneRow:
    insee: str
    name: str
    population: int
    state: CommuneState
    share_level: ShareLevel | None
    figures: list[KeyFigure]
    open_alerts: int
    equipment: int
    last_data: datetime | None
    drill_down: bool


@dataclass(frozen=True, slots=True)
class TerritoryOverview:
    """Every commune of a territory with its state, and the territory's open alerts."""

    name: str
    generated_at: datetime
    communes: list[CommuneRow]
    alerts: list[TerritoryAlert]
    alert_total: int

    def count(self, state: CommuneState) -> int:
        return sum(1 for c in self.communes if c.state is state)

    @property
    def members(self) -> list[CommuneRow]:
        return [c for c in self.communes if c.state is not CommuneState.not_member]

    @property
    def without_data(self) -> list[CommuneRow]:
        states = (CommuneState.no_data, CommuneState.stale)
        return [c for c in self.communes if c.state in states]


def is_territory_member(kind: MemberKind) -> bool:
    """EPCI, départements and the operator read a territory rather than one commune."""
    return kind is not MemberKind.commune


def territory_communes(conn: Connection, *, scope: MemberScope) -> list[str]:
    """The communes of the scope's territory: those its member covers, every commune of the
    reference for the operator's administrators."""
    if scope.sees_all_members:
        return sorted(c.insee for c in load_territory().communes)
    return covered_communes(conn, member_id=scope.member_id)


def sharing_communes(conn: Connection, *, communes: Sequence[str]) -> dict[str, SharingCommune]:
    """Commune members among ``communes`` by INSEE code (members are not member-owned data)."""
    rows = conn.execute(
        select(members.c.id, members.c.insee, members.c.share_level).where(
            members.c.kind == MemberKind.commune.value, members.c.insee.in_(communes)
        )
    )
    return {r.insee: SharingCommune(r.insee, r.id, ShareLevel(r.share_level)) for r in rows}


def readable_level(scope: MemberScope, commune: SharingCommune) -> ShareLevel:
    """What the scope reads of this commune: everything, its aggregates, or nothing."""
    if scope.sees_all_members or commune.member_id in scope.full_member_ids:
        return ShareLevel.full
    if commune.member_id in scope.aggregate_member_ids:
        return ShareLevel.aggregates
    return ShareLevel.none


def shared_alerts(
    conn: Connection, *, scope: MemberScope, communes: Sequence[str]
) -> list[TerritoryAlert]:
    """Open alerts of the communes whose aggregates the scope reads, the most severe first."""
    rows = conn.execute(
        select(
            alerts.c.id,
            alerts.c.member_id,
            alerts.c.severity,
            alerts.c.status,
            alerts.c.opened_at,
            alerts.c.message,
            alert_rules.c.name.label("rule_name"),
            assets.c.name.label("asset_name"),
            assets.c.domain,
            assets.c.commune_insee,
        )
        .select_from(
            alerts.join(alert_rules, alert_rules.c.id == alerts.c.rule_id).join(
                assets, assets.c.id == alerts.c.asset_id
            )
        )
        .where(
            member_clause(scope, alerts.c.member_id, aggregates=True),
            alerts.c.status != AlertStatus.resolved.value,
            assets.c.commune_insee.in_(communes),
        )
    ).all()
    full = scope.full_member_ids | {scope.member_id}
    found = [
        TerritoryAlert(
            id=r.id,
            commune_insee=r.commune_insee,
            domain=r.domain,
            severity=Severity(r.severity),
            status=AlertStatus(r.status),
            opened_at=r.opened_at,
            message=r.message,
            rule_name=r.rule_name if scope.sees_all_members or r.member_id in full else None,
            asset_name=r.asset_name if scope.sees_all_members or r.member_id in full else None,
        )
        for r in rows
    ]
    return sorted(found, key=lambda a: (-a.severity.rank, a.opened_at, a.id))


def equipment_and_last_data(
    conn: Connection, *, scope: MemberScope, communes: Sequence[str]
) -> tuple[dict[str, int], dict[str, datetime | None]]:
    """Equipment count and latest reading per commune, over what the scope reads (a count
    and a time are aggregates)."""
    counted = conn.execute(
        select(assets.c.commune_insee, func.count())
        .where(member_clause(scope, assets.c.member_id, aggregates=True))
        .where(assets.c.commune_insee.in_(communes))
        .group_by(assets.c.commune_insee)
    )
    latest = conn.execute(
        select(assets.c.commune_insee, func.max(series.c.last_ts).label("last_ts"))
        .select_from(series.join(assets, assets.c.id == series.c.asset_id))
        .where(member_clause(scope, series.c.member_id, aggregates=True))
        .where(assets.c.commune_insee.in_(communes))
        .group_by(assets.c.commune_insee)
    )
    return {c: int(n) for c, n in counted}, {r.commune_insee: r.last_ts for r in latest}


def commune_state(
    level: ShareLevel | None, alerts_of: list[TerritoryAlert], last: datetime | None, now: datetime
) -> CommuneState:
    """The state shown for one commune."""
    if level is None:
        return CommuneState.not_member
    if level is ShareLevel.none:
        return CommuneState.not_shared
    if any(a.severity is Severity.critical for a in alerts_of):
        return CommuneState.critical
    if alerts_of:
        return CommuneState.alert
    if last is None:
        return CommuneState.no_data
    return CommuneState.ok if _aware(last) >= now - FRESH_AFTER else CommuneState.stale


def _aware(ts: datetime) -> datetime:
    # SQLite hands naive UTC datetimes back.
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def territory_overview(
    conn: Connection,
    *,
    scope: MemberScope,
    now: datetime,
    figures_of: Callable[[str], list[KeyFigure]],
) -> TerritoryOverview:
    """The territory of the scope's member on ``now``; ``figures_of(insee)`` gives a sharing
    commune's key figures (kept a while by the web pages)."""
    codes = territory_communes(conn, scope=scope)
    sharing = sharing_communes(conn, communes=codes)
    found = shared_alerts(conn, scope=scope, communes=codes)
    equipment, last_data = equipment_and_last_data(conn, scope=scope, communes=codes)
    territory = load_territory()
    rows = []
    for insee in codes:
        place = territory.commune(insee)
        member = sharing.get(insee)
        level = readable_level(scope, member) if member else None
        of_commune = [a for a in found if a.commune_insee == insee]
        state = commune_state(level, of_commune, last_data.get(insee), now)
        reads = level in (ShareLevel.aggregates, ShareLevel.full)
        rows.append(
            CommuneRow(
                insee=insee,
                name=place.name,
                population=place.population,
                state=state,
                share_level=level,
                figures=figures_of(insee) if reads and insee in last_data else [],
                open_alerts=len(of_commune),
                equipment=equipment.get(insee, 0),
                last_data=last_data.get(insee),
                drill_down=reads,
            )
        )
    rows.sort(key=lambda r: (r.state is CommuneState.not_member, r.name))
    return TerritoryOverview(
        name=get_member(conn, member_id=scope.member_id).name,
        generated_at=now,
        communes=rows,
        alerts=found[:TERRITORY_ALERTS],
        alert_total=len(found),
    )
