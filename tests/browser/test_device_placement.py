"""A technician places a new piece of equipment by clicking the map of the form; the equipment
page then shows its commune's outline and its health."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import TECHNICIAN_BOULOGNE, Login

pytestmark = pytest.mark.browser


def test_a_click_on_the_map_places_the_equipment(page: Page, log_in: Login) -> None:
    log_in(page, TECHNICIAN_BOULOGNE, then="/inventaire/nouveau")
    placement = page.locator("[data-map=placement]")
    expect(placement.locator(".leaflet-overlay-pane path").first).to_be_attached()
    page.get_by_label("Nom").fill("Capteur placé sur la carte")
    placement.click()  # the middle of the map: Boulogne-Billancourt's outline is framed
    longitude = page.get_by_label("Longitude").input_value()
    latitude = page.get_by_label("Latitude").input_value()
    assert 2.2 < float(longitude.replace(",", ".")) < 2.27, longitude
    assert 48.82 < float(latitude.replace(",", ".")) < 48.85, latitude
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Capteur placé sur la carte")
    expect(page.locator("#position-texte")).to_contain_text("Boulogne-Billancourt")
    expect(page.locator("[data-map=equipement] .leaflet-overlay-pane path").first).to_be_attached()
    expect(page.locator("section[aria-labelledby=etat]")).to_contain_text("Dernier signe de vie")
    expect(page.locator("section[aria-labelledby=etat]")).to_contain_text("jamais")
