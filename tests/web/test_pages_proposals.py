"""The proposals pages: a member reads the proposals sent to it and answers them with a
comment; the operator reads every answer and closes the proposal; nobody else sees them."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.coordination.planting import plant_proposal, proposal_params
from tests.support import Territory
from tests.web.pages_support import audit, log_in_as

MARKER = "secret-proposition"


def answer(client: TestClient, csrf: str, proposal_id: int, choice: str, comment: str) -> str:
    response = client.post(
        f"/propositions/{proposal_id}/reponse",
        data={"csrf_token": csrf, "reponse": choice, "commentaire": comment},
    )
    assert response.status_code == 200, response.text
    return html.unescape(response.text)


def test_a_member_answers_a_proposal_and_the_operator_reads_it(
    client: TestClient, territory: Territory
) -> None:
    plant_proposal(client, territory, MARKER)
    proposal_id = proposal_params(client)["proposal_id"]
    csrf = log_in_as(client, territory.versailles, Role.elected)

    listing = html.unescape(client.get("/propositions").text)
    assert "Achat groupé — qualité de l'air : Versailles et Le Chesnay-Rocquencourt" in listing
    assert "En attente de votre réponse" in listing
    assert audit(client.get("/propositions").text).problems() == []
    page = answer(client, csrf, proposal_id, "accepted", "Le conseil municipal est d'accord.")
    assert "Votre réponse est enregistrée : acceptée." in page
    assert "Versailles</strong> : acceptée le" in page
    assert audit(client.get(f"/propositions/{proposal_id}").text).problems() == []

    csrf = log_in_as(client, territory.operator, Role.operator_admin)
    page = html.unescape(client.get(f"/propositions/{proposal_id}").text)
    assert "« Le conseil municipal est d'accord. »" in page
    assert "Versailles accepte la proposition. Le conseil municipal est d'accord." in page
    closed = client.post(
        f"/propositions/{proposal_id}/statut",
        data={"csrf_token": csrf, "statut": "accepted", "commentaire": "Marché lancé."},
    )
    closed = html.unescape(closed.text)
    assert "La proposition est maintenant : acceptée." in closed


def test_a_closed_proposal_takes_no_more_answers(client: TestClient, territory: Territory) -> None:
    plant_proposal(client, territory, MARKER)
    proposal_id = proposal_params(client)["proposal_id"]
    csrf = log_in_as(client, territory.operator, Role.operator_admin)
    client.post(
        f"/propositions/{proposal_id}/statut", data={"csrf_token": csrf, "statut": "declined"}
    )
    csrf = log_in_as(client, territory.versailles, Role.member_admin)
    page = answer(client, csrf, proposal_id, "accepted", "")
    assert "Réponse impossible : cette proposition n'attend plus de réponse." in page


def test_only_the_deciders_of_the_members_concerned_answer(
    client: TestClient, territory: Territory
) -> None:
    plant_proposal(client, territory, MARKER)
    proposal_id = proposal_params(client)["proposal_id"]

    csrf = log_in_as(client, territory.boulogne, Role.elected)
    assert proposal_id not in {
        int(i) for i in re.findall(r'href="/propositions/(\d+)"', client.get("/propositions").text)
    }
    assert client.get(f"/propositions/{proposal_id}").status_code == 404
    refused = client.post(
        f"/propositions/{proposal_id}/reponse",
        data={"csrf_token": csrf, "reponse": "declined", "commentaire": MARKER},
    )
    assert refused.status_code == 404
    for role in (Role.viewer, Role.technician):
        csrf = log_in_as(client, territory.versailles, role)
        page = client.get(f"/propositions/{proposal_id}").text
        assert "Votre réponse" not in page
        refused = client.post(
            f"/propositions/{proposal_id}/reponse",
            data={"csrf_token": csrf, "reponse": "declined", "commentaire": MARKER},
        )
        assert refused.status_code == 403
    status = client.post(
        f"/propositions/{proposal_id}/statut", data={"csrf_token": csrf, "statut": "accepted"}
    )
    assert status.status_code == 403
    log_in_as(client, territory.operator, Role.operator_admin)
    assert MARKER not in client.get(f"/propositions/{proposal_id}").text.replace(
        f"{MARKER} note", ""
    )


def test_the_dashboard_says_what_waits_for_a_decision(
    client: TestClient, territory: Territory
) -> None:
    plant_proposal(client, territory, MARKER)
    proposal_id = proposal_params(client)["proposal_id"]
    csrf = log_in_as(client, territory.versailles, Role.elected)

    page = html.unescape(client.get("/tableau-de-bord").text)
    decide = page[page.index('id="a-decider"') : page.index('id="indicateurs"')]
    assert "1 proposition de partenariat en attente de votre réponse" in decide
    assert f'href="/propositions/{proposal_id}"' in decide

    answer(client, csrf, proposal_id, "declined", "")
    page = html.unescape(client.get("/tableau-de-bord").text)
    decide = page[page.index('id="a-decider"') : page.index('id="indicateurs"')]
    assert "Rien n'attend votre décision" in decide
