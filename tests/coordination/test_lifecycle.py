"""The life of a proposal: proposed → sent → accepted or declined, with comments."""

from __future__ import annotations

from datetime import date

import pytest

from convergence.coordination import queries, service
from convergence.coordination.schemas import (
    CommentIn,
    ProposalDetail,
    ProposalFilters,
    ProposalStatus,
    StatusChange,
)
from convergence.errors import Conflict, NotFound, PermissionDenied
from convergence.members.roles import Role
from convergence.members.scope import MemberScope
from tests.coordination.builders import LE_CHESNAY, VERSAILLES, Builder


def _joint_purchase(build: Builder) -> int:
    build.project(build.commune(VERSAILLES), start=date(2027, 3, 1), units=12)
    build.project(build.commune(LE_CHESNAY), start=date(2027, 5, 1), units=8)
    build.generate()
    [proposal] = build.proposals()
    return proposal.id


def _move(
    build: Builder, proposal_id: int, status: ProposalStatus, comment: str | None = None
) -> ProposalDetail:
    with build.engine.begin() as conn:
        return service.change_status(
            conn,
            scope=build.operator,
            proposal_id=proposal_id,
            change=StatusChange(status=status, comment=comment),
        )


def _read(build: Builder, scope: MemberScope, proposal_id: int) -> ProposalDetail:
    with build.engine.connect() as conn:
        return queries.get_proposal(conn, scope=scope, proposal_id=proposal_id)


def test_a_proposal_is_sent_then_accepted(build: Builder) -> None:
    proposal_id = _joint_purchase(build)
    sent = _move(build, proposal_id, ProposalStatus.sent, "Envoyée aux deux maires.")
    assert sent.status is ProposalStatus.sent
    assert sent.status_changed_at is not None
    [comment] = sent.comments
    assert comment.body == "Envoyée aux deux maires."
    assert comment.author == "test:operator"
    assert comment.author_member_id == build.territory.operator.id
    accepted = _move(build, proposal_id, ProposalStatus.accepted)
    assert accepted.status is ProposalStatus.accepted


@pytest.mark.parametrize(
    ("path", "target", "message"),
    [
        ([], ProposalStatus.accepted, "« proposée » ne peut pas passer à « acceptée »"),
        ([], ProposalStatus.proposed, "statuts possibles : « envoyée »"),
        ([ProposalStatus.sent], ProposalStatus.proposed, "« acceptée », « déclinée »"),
        (
            [ProposalStatus.sent, ProposalStatus.declined],
            ProposalStatus.accepted,
            "statuts possibles : aucun, elle est close",
        ),
    ],
)
def test_invalid_transitions_are_refused_with_the_allowed_ones(
    build: Builder, path: list[ProposalStatus], target: ProposalStatus, message: str
) -> None:
    proposal_id = _joint_purchase(build)
    for status in path:
        _move(build, proposal_id, status)
    with pytest.raises(Conflict) as refused:
        _move(build, proposal_id, target)
    assert message in refused.value.message
    unchanged = path[-1] if path else ProposalStatus.proposed
    assert _read(build, build.operator, proposal_id).status is unchanged


def test_members_see_the_proposals_that_concern_them_once_sent(build: Builder) -> None:
    proposal_id = _joint_purchase(build)
    versailles = build.scope(build.territory.versailles.id)
    boulogne = build.scope(build.territory.boulogne.id)
    with pytest.raises(NotFound):
        _read(build, versailles, proposal_id)  # still the operator's draft

    _move(build, proposal_id, ProposalStatus.sent)
    assert _read(build, versailles, proposal_id).id == proposal_id
    with pytest.raises(NotFound):
        _read(build, boulogne, proposal_id)
    with build.engine.connect() as conn:
        listed = queries.list_proposals(conn, scope=boulogne, filters=ProposalFilters())
    assert listed.total == 0


def test_a_member_concerned_comments_but_does_not_decide(build: Builder) -> None:
    proposal_id = _joint_purchase(build)
    _move(build, proposal_id, ProposalStatus.sent)
    versailles = build.scope(build.territory.versailles.id)
    with build.engine.begin() as conn:
        comment = service.add_comment(
            conn,
            scope=versailles,
            proposal_id=proposal_id,
            comment=CommentIn(body="Intéressés, budget voté en juin."),
        )
    assert comment.author_member_id == build.territory.versailles.id
    assert _read(build, build.operator, proposal_id).comments == [comment]
    viewer = MemberScope(member_id=versailles.member_id, actor="v", role=Role.viewer)
    with build.engine.begin() as conn, pytest.raises(PermissionDenied):
        service.add_comment(
            conn, scope=viewer, proposal_id=proposal_id, comment=CommentIn(body="x")
        )
    with build.engine.begin() as conn, pytest.raises(PermissionDenied):
        service.change_status(
            conn,
            scope=versailles,
            proposal_id=proposal_id,
            change=StatusChange(status=ProposalStatus.accepted),
        )
