"""Use cases of coordination: generate proposals, move them along their life, comment on them.

A proposal lives proposed → sent → accepted or declined. Regenerating finds each proposal
again by its fingerprint (kind, domain, members, the rule's key): it refreshes the
explanation and the evidence, never the status, and marks stale what the data no longer
supports.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, text, update

from convergence.coordination.queries import get_comment, get_proposal
from convergence.coordination.rules import draft_proposals
from convergence.coordination.schemas import (
    CommentIn,
    CommentOut,
    CoordinationRules,
    GenerationReport,
    ProposalDetail,
    ProposalDraft,
    ProposalStatus,
    StatusChange,
)
from convergence.coordination.snapshot import load_snapshot
from convergence.coordination.tables import comments, proposal_members, proposals
from convergence.db.inserts import insert_one
from convergence.db.types import utcnow
from convergence.errors import Conflict, PermissionDenied
from convergence.members import audit
from convergence.members.scope import MemberScope, require_operator

TRANSITIONS: dict[ProposalStatus, tuple[ProposalStatus, ...]] = {
    ProposalStatus.proposed: (ProposalStatus.sent,),
    ProposalStatus.sent: (ProposalStatus.accepted, ProposalStatus.declined),
    ProposalStatus.accepted: (),
    ProposalStatus.declined: (),
}
STATUS_LABELS = {
    ProposalStatus.proposed: "proposée",
    ProposalStatus.sent: "envoyée",
    ProposalStatus.accepted: "acceptée",
    ProposalStatus.declined: "déclinée",
}
_PG_GENERATION_LOCK = 7_341_008  # advisory lock id: one generation at a time on PostgreSQL
CONTENT_COLUMNS = ("title", "explanation", "communes", "evidence", "score")


def fingerprint(draft: ProposalDraft) -> str:
    """The stable identity of a proposal: kind, domain, sorted members and the rule's key."""
    members = ",".join(str(m) for m in sorted(set(draft.member_ids)))
    canonical = "|".join((draft.kind.value, draft.domain, members, draft.key))
    return hashlib.sha256(canonical.encode()).hexdigest()


def generate_proposals(
    conn: Connection, *, scope: MemberScope, rules: CoordinationRules
) -> GenerationReport:
    """Run every rule over the whole territory and store what they propose (operator only)."""
    require_operator(scope)
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_GENERATION_LOCK})
    drafts = {
        fingerprint(d): d for d in draft_proposals(load_snapshot(conn, scope=scope), rules=rules)
    }
    now = utcnow()
    outcome: dict[str, list[int]] = {"created": [], "updated": [], "unchanged": []}
    for digest, draft in drafts.items():
        proposal_id, what = _store(conn, digest=digest, draft=draft, now=now)
        outcome[what].append(proposal_id)
    current = [i for ids in outcome.values() for i in ids]
    stale = _mark_stale(conn, current=current, now=now)
    audit.record(
        conn,
        actor=scope.actor,
        action="coordination.generate",
        details={key: len(ids) for key, ids in outcome.items()} | {"stale": len(stale)},
    )
    return GenerationReport(
        **outcome, stale=stale, by_kind=Counter(d.kind for d in drafts.values())
    )


def _store(
    conn: Connection, *, digest: str, draft: ProposalDraft, now: datetime
) -> tuple[int, str]:
    """Insert a new proposal or refresh the stored one; its id and created/updated/unchanged."""
    content: dict[str, Any] = {
        "title": draft.title,
        "explanation": draft.explanation,
        "communes": draft.communes,
        "evidence": draft.evidence,
        "score": draft.score,
    }
    row = conn.execute(select(proposals).where(proposals.c.fingerprint == digest)).first()
    if row is None:
        return _insert(conn, digest=digest, draft=draft, content=content, now=now), "created"
    changed = any(getattr(row, column) != content[column] for column in CONTENT_COLUMNS)
    values = content | {"generated_at": now, "stale_since": None}
    if changed:
        values["updated_at"] = now
    # The status is never touched here: people moved it, the data did not.
    conn.execute(update(proposals).where(proposals.c.id == row.id).values(**values))
    return row.id, "updated" if changed else "unchanged"


def _insert(
    conn: Connection, *, digest: str, draft: ProposalDraft, content: dict[str, Any], now: datetime
) -> int:
    proposal_id = insert_one(
        conn,
        proposals,
        fingerprint=digest,
        kind=draft.kind.value,
        domain=draft.domain,
        rule_key=draft.key,
        status=ProposalStatus.proposed.value,
        created_at=now,
        updated_at=now,
        generated_at=now,
        **content,
    )
    conn.execute(
        insert(proposal_members),
        [{"proposal_id": proposal_id, "member_id": m} for m in sorted(set(draft.member_ids))],
    )
    return proposal_id


def _mark_stale(conn: Connection, *, current: list[int], now: datetime) -> list[int]:
    """Proposals the latest generation did not find again; they keep their status."""
    newly_stale = list(
        conn.execute(
            select(proposals.c.id).where(
                proposals.c.id.not_in(current), proposals.c.stale_since.is_(None)
            )
        ).scalars()
    )
    if newly_stale:
        conn.execute(
            update(proposals).where(proposals.c.id.in_(newly_stale)).values(stale_since=now)
        )
    return sorted(newly_stale)


def check_transition(current: ProposalStatus, target: ProposalStatus) -> None:
    """Conflict, saying which moves are possible, unless ``current`` may become ``target``."""
    allowed = TRANSITIONS[current]
    if target in allowed:
        return
    possible = ", ".join(f"« {STATUS_LABELS[s]} »" for s in allowed) or "aucun, elle est close"
    raise Conflict(
        f"une proposition « {STATUS_LABELS[current]} » ne peut pas passer à "
        f"« {STATUS_LABELS[target]} » (statuts possibles : {possible}) / a {current} proposal "
        f"cannot become {target}; allowed: {', '.join(allowed) or 'none, it is closed'}",
        current=current.value,
        requested=target.value,
    )


def change_status(
    conn: Connection, *, scope: MemberScope, proposal_id: int, change: StatusChange
) -> ProposalDetail:
    """Move a proposal along its life (operator only), with an optional comment."""
    require_operator(scope)
    current = get_proposal(conn, scope=scope, proposal_id=proposal_id)
    check_transition(current.status, change.status)
    now = utcnow()
    conn.execute(
        update(proposals)
        .where(proposals.c.id == proposal_id)
        .values(status=change.status.value, status_changed_at=now, updated_at=now)
    )
    if change.comment:
        _insert_comment(conn, scope=scope, proposal_id=proposal_id, body=change.comment)
    audit.record(
        conn,
        actor=scope.actor,
        action="proposal.status",
        target=f"proposal:{proposal_id}",
        details={"from": current.status.value, "to": change.status.value},
    )
    return get_proposal(conn, scope=scope, proposal_id=proposal_id)


def add_comment(
    conn: Connection, *, scope: MemberScope, proposal_id: int, comment: CommentIn
) -> CommentOut:
    """Comment on a proposal: the operator, or a writer of a member it concerns."""
    proposal = get_proposal(conn, scope=scope, proposal_id=proposal_id)
    concerned = scope.member_id in {m.id for m in proposal.members}
    if not scope.sees_all_members and not (concerned and scope.can_write):
        raise PermissionDenied(
            "seuls l'opérateur et les rédacteurs des adhérents concernés commentent / only the "
            "operator and writers of the members concerned may comment"
        )
    comment_id = _insert_comment(conn, scope=scope, proposal_id=proposal_id, body=comment.body)
    audit.record(
        conn,
        actor=scope.actor,
        action="proposal.comment",
        member_id=scope.member_id or None,
        target=f"proposal:{proposal_id}",
    )
    return get_comment(conn, comment_id=comment_id)


def _insert_comment(conn: Connection, *, scope: MemberScope, proposal_id: int, body: str) -> int:
    # The command line's scope has no member (id 0): its comments are the operator's.
    return insert_one(
        conn,
        comments,
        proposal_id=proposal_id,
        author=scope.actor,
        author_member_id=scope.member_id or None,
        body=body,
        created_at=utcnow(),
    )
