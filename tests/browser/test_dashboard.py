"""An elected official reads the dashboard of the commune and takes away its monthly report."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import ELECTED_VERSAILLES, Login

pytestmark = pytest.mark.browser

# The six classes of the ATMO-type index (arrêté du 10 juillet 2020, annexe 1).
ATMO_CLASSES = re.compile(r"^(Bon|Moyen|Dégradé|Mauvais|Très mauvais|Extrêmement mauvais)$")


def test_an_elected_official_sees_the_air_index_of_the_commune(page: Page, log_in: Login) -> None:
    log_in(page, ELECTED_VERSAILLES, then="/tableau-de-bord")

    expect(page).to_have_url(re.compile(r"/tableau-de-bord$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Versailles")
    air = page.locator("li.kpi").filter(has=page.get_by_role("heading", name="Qualité de l'air"))
    expect(air.locator(".value")).to_have_text(ATMO_CLASSES)
    # The index is computed from the commune's own sensors: never called the official one.
    expect(air).to_contain_text("de type ATMO")
    expect(page.locator("main")).not_to_contain_text(re.compile("indice ATMO", re.IGNORECASE))


def test_the_monthly_report_downloads_as_a_pdf_from_the_dashboard(
    page: Page, log_in: Login
) -> None:
    log_in(page, ELECTED_VERSAILLES, then="/tableau-de-bord")

    with page.expect_download() as download_info:
        page.locator("a[href*='/rapports/']").first.click()
    download = download_info.value

    assert re.fullmatch(r".*\d{4}-\d{2}.*\.pdf", download.suggested_filename)
    assert download.path().read_bytes().startswith(b"%PDF")
