"""A member's answer to a partnership proposal sent to it: accepted or declined, with a word.

Each member concerned answers for itself, as many times as it changes its mind (the last
answer counts); the operator reads every answer and decides the proposal's status. Answering
is a decision: elected officials and administrators of the member take it, not technicians
or readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import Connection, delete, insert, select

from convergence.coordination.queries import get_proposal
from convergence.coordination.schemas import ProposalStatus
from convergence.coordination.tables import comments, proposal_answers
from convergence.db.types import utcnow
from convergence.errors import Conflict, PermissionDenied
from convergence.members import audit
from convergence.members.roles import Role
from convergence.members.scope import MemberScope, require_scope
from convergence.members.tables import members

# Public functions that read or write members' rows without a scope, and why.
UNSCOPED = {
    "answers_of": "answers to proposals the caller already read through a scoped query",
}

DECIDING_ROLES = frozenset({Role.elected, Role.member_admin})


class Answer(StrEnum):
    accepted = "accepted"
    declined = "declined"


ANSWER_WORDS = {Answer.accepted: "accepte", Answer.declined: "décline"}


class AnswerIn(BaseModel):
    answer: Answer
    comment: str = Field(default="", max_length=5000)


class AnswerOut(BaseModel):
    proposal_id: int
    member_id: int
    member_name: str
    answer: Answer
    comment: str
    answered_by: str
    answered_at: datetime


def may_answer(scope: MemberScope) -> bool:
    """True for the roles that decide for their member (never a token)."""
    return scope.role in DECIDING_ROLES


def answer_proposal(
    conn: Connection, *, scope: MemberScope, proposal_id: int, data: AnswerIn
) -> AnswerOut:
    """Record the caller's member's answer to a proposal sent to it (the last one counts)."""
    scope = require_scope(scope)
    proposal = get_proposal(conn, scope=scope, proposal_id=proposal_id)
    if scope.member_id not in {m.id for m in proposal.members} or not may_answer(scope):
        raise PermissionDenied(
            "seuls les élus et administrateurs des adhérents concernés répondent à une "
            "proposition / only elected officials and administrators of the members concerned "
            "may answer a proposal"
        )
    if proposal.status is not ProposalStatus.sent:
        raise Conflict(
            "cette proposition n'attend plus de réponse / this proposal awaits no answer",
            current=proposal.status.value,
        )
    now = utcnow()
    key = (proposal_answers.c.proposal_id == proposal_id) & (
        proposal_answers.c.member_id == scope.member_id
    )
    conn.execute(delete(proposal_answers).where(key))
    conn.execute(
        insert(proposal_answers).values(
            proposal_id=proposal_id,
            member_id=scope.member_id,
            answer=data.answer.value,
            comment=data.comment.strip(),
            answered_by=scope.actor,
            answered_at=now,
        )
    )
    _comment(conn, scope=scope, proposal_id=proposal_id, data=data, now=now)
    audit.record(
        conn,
        actor=scope.actor,
        action="proposal.answer",
        member_id=scope.member_id,
        target=f"proposal:{proposal_id}",
        details={"answer": data.answer.value},
    )
    return answers_of(conn, proposal_ids=[proposal_id], member_id=scope.member_id)[0]


def _comment(
    conn: Connection, *, scope: MemberScope, proposal_id: int, data: AnswerIn, now: datetime
) -> None:
    # The answer also goes to the proposal's thread, where the operator and the other
    # members concerned read it in order with the rest of the discussion.
    name = conn.execute(select(members.c.name).where(members.c.id == scope.member_id)).scalar()
    body = f"{name} {ANSWER_WORDS[data.answer]} la proposition."
    if data.comment.strip():
        body += f" {data.comment.strip()}"
    conn.execute(
        insert(comments).values(
            proposal_id=proposal_id,
            author=scope.actor,
            author_member_id=scope.member_id,
            body=body,
            created_at=now,
        )
    )


def answers_of(
    conn: Connection, *, proposal_ids: Sequence[int], member_id: int | None = None
) -> list[AnswerOut]:
    """Answers to proposals the caller already read (optionally one member's), by proposal."""
    query = (
        select(proposal_answers, members.c.name.label("member_name"))
        .select_from(proposal_answers.join(members, members.c.id == proposal_answers.c.member_id))
        .where(proposal_answers.c.proposal_id.in_(list(proposal_ids)))
        .order_by(proposal_answers.c.proposal_id, members.c.name)
    )
    if member_id is not None:
        query = query.where(proposal_answers.c.member_id == member_id)
    return [AnswerOut.model_validate(r._asdict()) for r in conn.execute(query)]
