"""« À décider »: what waits for the reader of a dashboard — proposals naming its member
that it has not answered (for the operator: proposals to send, answered ones to close),
alerts nobody has taken in hand yet, and the figures that changed most in a month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from convergence.alerts.kinds import AlertStatus
from convergence.alerts.tables import alerts
from convergence.coordination.answers import answers_of
from convergence.coordination.queries import list_proposals
from convergence.coordination.schemas import ProposalFilters, ProposalOut, ProposalStatus
from convergence.members.scope import MemberScope, member_clause
from convergence.registry.tables import assets
from convergence.reports.changes import FigureChange

LISTED = 5


@dataclass(frozen=True, slots=True)
class ToDecide:
    proposals: list[ProposalOut]
    proposal_total: int
    proposals_note: str
    alerts_waiting: int
    changes: list[FigureChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.proposal_total and not self.alerts_waiting


def waiting_proposals(conn: Connection, *, scope: MemberScope) -> tuple[list[ProposalOut], str]:
    """Proposals waiting for the scope's member, and what it has to do with them."""
    if scope.sees_all_members:
        to_send = list_proposals(
            conn, scope=scope, filters=ProposalFilters(status=ProposalStatus.proposed, limit=1000)
        ).items
        return to_send, "à envoyer aux adhérents concernés"
    sent = list_proposals(
        conn, scope=scope, filters=ProposalFilters(status=ProposalStatus.sent, limit=1000)
    ).items
    naming = [p for p in sent if scope.member_id in {m.id for m in p.members}]
    answered = {
        a.proposal_id
        for a in answers_of(conn, proposal_ids=[p.id for p in naming], member_id=scope.member_id)
    }
    return [p for p in naming if p.id not in answered], "en attente de votre réponse"


def alerts_waiting(
    conn: Connection, *, scope: MemberScope, communes: Sequence[str], aggregates: bool
) -> int:
    """Alerts of the communes that fired and nobody has taken in hand yet."""
    query = (
        select(func.count())
        .select_from(alerts.join(assets, assets.c.id == alerts.c.asset_id))
        .where(
            member_clause(scope, alerts.c.member_id, aggregates=aggregates),
            alerts.c.status == AlertStatus.firing.value,
            assets.c.commune_insee.in_(list(communes)),
        )
    )
    return int(conn.execute(query).scalar_one())


def to_decide(
    conn: Connection,
    *,
    scope: MemberScope,
    communes: Sequence[str],
    aggregates: bool = False,
    changes: Sequence[FigureChange] = (),
) -> ToDecide:
    """What waits for the reader of the dashboard of ``communes``, with the figures that
    changed most (``changed_most``, computed by the caller, which may keep them a while)."""
    found, note = waiting_proposals(conn, scope=scope)
    return ToDecide(
        proposals=found[:LISTED],
        proposal_total=len(found),
        proposals_note=note,
        alerts_waiting=alerts_waiting(conn, scope=scope, communes=communes, aggregates=aggregates),
        changes=list(changes),
    )
