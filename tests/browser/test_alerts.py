"""A technician takes charge of an open alert of the commune from its page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import TECHNICIAN_BOULOGNE, Login

pytestmark = pytest.mark.browser


def test_a_technician_acknowledges_an_alert_and_sees_it_taken_in_charge(
    page: Page, log_in: Login
) -> None:
    log_in(page, TECHNICIAN_BOULOGNE, then="/alertes?statut=firing")
    alerts = page.locator("table tbody tr")
    expect(alerts.first).to_be_visible()
    expect(alerts.locator(".status-firing").first).to_have_text("En cours")

    alerts.first.get_by_role("link").first.click()
    page.get_by_label("Note de prise en charge").fill("Intervention prévue demain matin.")
    page.get_by_role("button", name="Prendre en charge").click()

    expect(page.get_by_role("status")).to_contain_text("est prise en charge")
    facts = page.locator("dl.facts")
    expect(facts.locator("dd.status-acknowledged")).to_have_text("Prise en charge")
    expect(facts).to_contain_text("par Technicien")
    history = page.locator("table tbody")
    expect(history).to_contain_text("Intervention prévue demain matin.")
    expect(page.get_by_role("button", name="Prendre en charge")).to_have_count(0)
