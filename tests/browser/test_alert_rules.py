"""A technician changes a default alert rule, creates one, switches one off and subscribes
to the e-mails, from the pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import TECHNICIAN_BOULOGNE, Login

pytestmark = pytest.mark.browser


def test_a_technician_edits_the_rules_and_subscribes(page: Page, log_in: Login) -> None:
    log_in(page, TECHNICIAN_BOULOGNE, then="/alertes")
    page.get_by_role("link", name="Voir et modifier les règles d'alerte").click()
    rules = page.locator("table tbody")
    expect(rules).to_contain_text("Ozone (O₃) au-dessus de 180 µg/m³")
    expect(rules).to_contain_text("par défaut")

    page.get_by_role("link", name="Ozone : seuil d'information (180 µg/m³)").click()
    page.get_by_label("Seuil (µg/m³)").fill("170")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("est enregistrée")
    expect(rules).to_contain_text("Ozone (O₃) au-dessus de 170 µg/m³")

    page.get_by_role("link", name="Créer une règle de seuil").click()
    page.get_by_label("Nom de la règle").fill("Bruit nocturne")
    page.get_by_label("Domaine").select_option(label="Bruit")
    page.get_by_label("Grandeur mesurée").select_option("laeq")
    page.locator("#f-limit").fill("65,5")
    page.get_by_label("Gravité").select_option(label="Critique")
    page.get_by_role("button", name="Créer la règle").click()
    expect(page.get_by_role("status")).to_contain_text("« Bruit nocturne » est créée")
    row = rules.locator("tr", has_text="Bruit nocturne")
    expect(row).to_contain_text("Niveau sonore équivalent LAeq au-dessus de 65,5 dB(A)")

    row.get_by_role("button", name="Désactiver").click()
    expect(page.get_by_role("status")).to_contain_text("désactivée")
    expect(rules.locator("tr", has_text="Bruit nocturne")).to_contain_text("Désactivée")

    page.goto(page.url.replace("/alertes/regles", "/alertes/abonnements"))
    page.get_by_label("Gravité minimale").select_option(label="Critique")
    page.get_by_role("button", name="S'abonner").click()
    expect(page.get_by_role("status")).to_contain_text("vous recevrez les alertes par courriel")
    expect(page.locator("table").first).to_contain_text("Courriel")
