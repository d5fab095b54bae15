"""Partnership proposals: a member reads those sent to it and answers them; the operator
reads them all, sends them and closes them."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from convergence.coordination import service
from convergence.coordination.answers import (
    Answer,
    AnswerIn,
    AnswerOut,
    answer_proposal,
    answers_of,
    may_answer,
)
from convergence.coordination.queries import get_proposal, list_proposals
from convergence.coordination.schemas import (
    ProposalFilters,
    ProposalKind,
    ProposalStatus,
    StatusChange,
)
from convergence.errors import Conflict, InvalidInput, PermissionDenied
from convergence.web.deps import EngineDep
from convergence.web.pages.dashboard_rendering import render_data_page
from convergence.web.pages.rendering import flash
from convergence.web.pages.session import CurrentUserPage, PageUser
from convergence.web.pages.submitted import FormDep

router = APIRouter()
COMMENT_MAX = 5000
KINDS: Mapping[str, str] = {
    ProposalKind.joint_purchase: "Achat groupé",
    ProposalKind.shared_network: "Réseau partagé",
    ProposalKind.coverage_gap: "Prochaine vague d'équipement",
    ProposalKind.duplicate_effort: "Achats en double",
}
STATUSES: Mapping[str, str] = {
    ProposalStatus.proposed: "À envoyer (vue de l'opérateur seulement)",
    ProposalStatus.sent: "Envoyée, en attente des réponses",
    ProposalStatus.accepted: "Acceptée",
    ProposalStatus.declined: "Déclinée",
}
ANSWERS: Mapping[str, str] = {Answer.accepted: "Acceptée", Answer.declined: "Déclinée"}
# What the operator may do next, in words, for each status.
NEXT_STEPS: Mapping[ProposalStatus, tuple[tuple[ProposalStatus, str], ...]] = {
    ProposalStatus.proposed: ((ProposalStatus.sent, "Envoyer aux adhérents concernés"),),
    ProposalStatus.sent: (
        (ProposalStatus.accepted, "Clore : acceptée"),
        (ProposalStatus.declined, "Clore : déclinée"),
    ),
}
LISTED = 200


def french_part(message: str) -> str:
    return message.split(" / ")[0]


@router.get("/propositions")
def proposals_page(request: Request, viewer: CurrentUserPage, engine: EngineDep) -> Response:
    scope = viewer.scope
    with engine.connect() as conn:
        found = list_proposals(conn, scope=scope, filters=ProposalFilters(limit=LISTED)).items
        mine = answers_of(
            conn,
            proposal_ids=[p.id for p in found],
            member_id=None if scope.sees_all_members else scope.member_id,
        )
    return render_data_page(
        request,
        "proposals/list.html",
        viewer=viewer,
        proposals=found,
        answers=_by_proposal(mine),
        kinds=KINDS,
        statuses=STATUSES,
        answer_labels=ANSWERS,
    )


def _by_proposal(answers: list[AnswerOut]) -> dict[int, list[AnswerOut]]:
    grouped: dict[int, list[AnswerOut]] = {}
    for answer in answers:
        grouped.setdefault(answer.proposal_id, []).append(answer)
    return grouped


@router.get("/propositions/{proposal_id:int}")
def proposal_page(
    request: Request, proposal_id: int, viewer: CurrentUserPage, engine: EngineDep
) -> Response:
    with engine.connect() as conn:
        proposal = get_proposal(conn, scope=viewer.scope, proposal_id=proposal_id)
        answers = answers_of(conn, proposal_ids=[proposal_id])
    concerned = viewer.scope.member_id in {m.id for m in proposal.members}
    return render_data_page(
        request,
        "proposals/proposal.html",
        viewer=viewer,
        proposal=proposal,
        answers=answers,
        own=next((a for a in answers if a.member_id == viewer.scope.member_id), None),
        can_answer=concerned
        and may_answer(viewer.scope)
        and proposal.status is ProposalStatus.sent,
        next_steps=NEXT_STEPS.get(proposal.status, ()) if viewer.is_operator else (),
        kinds=KINDS,
        statuses=STATUSES,
        answer_labels=ANSWERS,
    )


@router.post("/propositions/{proposal_id:int}/reponse")
def answer(
    request: Request, proposal_id: int, viewer: CurrentUserPage, engine: EngineDep, form: FormDep
) -> Response:
    try:
        data = AnswerIn(answer=Answer(form.text("reponse")), comment=form.text("commentaire"))
    except ValueError:
        flash(request, "Choisissez « J'accepte » ou « Je décline » avant d'envoyer la réponse.")
        return RedirectResponse(f"/propositions/{proposal_id}", status_code=303)
    try:
        with engine.begin() as conn:
            answer_proposal(conn, scope=viewer.scope, proposal_id=proposal_id, data=data)
        flash(request, f"Votre réponse est enregistrée : {ANSWERS[data.answer].lower()}.")
    except Conflict as error:
        flash(request, f"Réponse impossible : {french_part(error.message)}.")
    return RedirectResponse(f"/propositions/{proposal_id}", status_code=303)


@router.post("/propositions/{proposal_id:int}/statut")
def change_status(
    request: Request, proposal_id: int, viewer: CurrentUserPage, engine: EngineDep, form: FormDep
) -> Response:
    _require_operator(viewer)
    try:
        target = ProposalStatus(form.text("statut"))
    except ValueError as error:
        raise InvalidInput("statut inconnu / unknown status") from error
    change = StatusChange(status=target, comment=form.text("commentaire")[:COMMENT_MAX] or None)
    try:
        with engine.begin() as conn:
            service.change_status(conn, scope=viewer.scope, proposal_id=proposal_id, change=change)
        flash(request, f"La proposition est maintenant : {STATUSES[target].lower()}.")
    except Conflict as error:
        flash(request, f"Changement impossible : {french_part(error.message)}.")
    return RedirectResponse(f"/propositions/{proposal_id}", status_code=303)


def _require_operator(viewer: PageUser) -> None:
    if not viewer.is_operator:
        raise PermissionDenied("réservé à l'opérateur / operator administrators only")
