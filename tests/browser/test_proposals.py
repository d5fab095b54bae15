"""An elected official of Versailles answers a partnership proposal; the operator reads it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from convergence.coordination.tables import proposal_members, proposals
from convergence.demo.build import Demo
from tests.browser.login import ELECTED_VERSAILLES, Login

pytestmark = pytest.mark.browser

OPERATOR = "admin@syndicat.demo.fr"


def titles_naming(demo: Demo, insee: str) -> set[str]:
    member_id = demo.member_ids[insee]
    with demo.engine.connect() as conn:
        rows = conn.execute(
            select(proposals.c.title)
            .join(proposal_members, proposal_members.c.proposal_id == proposals.c.id)
            .where(proposal_members.c.member_id == member_id, proposals.c.status == "sent")
        ).scalars()
        return set(rows)


def test_versailles_accepts_a_proposal_and_the_operator_sees_it(
    page: Page, demo: Demo, log_in: Login
) -> None:
    log_in(page, ELECTED_VERSAILLES, then="/")
    page.get_by_role("navigation").get_by_role("link", name="Propositions").click()

    listed = page.locator(".proposals h2").all_inner_texts()
    assert set(listed) == titles_naming(demo, "78646")
    assert len(listed) > 1
    page.get_by_role("link", name=re.compile(r"^Achat groupé — qualité de l'air")).click()
    page.get_by_label("J'accepte").check()
    page.get_by_label("Commentaire").fill("Le conseil municipal est favorable.")
    page.get_by_role("button", name="Envoyer la réponse").click()

    expect(page.get_by_role("status")).to_contain_text("Votre réponse est enregistrée : acceptée")
    proposal_url = page.url
    page.context.clear_cookies()
    log_in(page, OPERATOR, then="/" + proposal_url.split("/", 3)[3])
    expect(page.locator("#reponses + ul")).to_contain_text("Versailles : acceptée le")
    expect(page.locator("#reponses + ul")).to_contain_text("Le conseil municipal est favorable.")
