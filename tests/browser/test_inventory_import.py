"""Importing equipment from a CSV file: a file with bad lines is refused, line by line."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import TECHNICIAN_BOULOGNE, Login

pytestmark = pytest.mark.browser

CSV_WITH_ERRORS = (
    b"nom;type;statut\n"
    b"Capteur du parc Rothschild;sensor;active\n"
    b";sensor;active\n"
    b"Compteur quai de Stalingrad;soucoupe;active\n"
)


def test_a_csv_with_bad_lines_is_refused_with_the_errors_of_each_line(
    page: Page, log_in: Login
) -> None:
    log_in(page, TECHNICIAN_BOULOGNE, then="/inventaire/import")

    page.get_by_label("Fichier CSV").set_input_files(
        {"name": "equipements.csv", "mimeType": "text/csv", "buffer": CSV_WITH_ERRORS}
    )
    page.get_by_role("button", name="Importer").click()

    expect(page.get_by_role("alert")).to_contain_text("rien n'a été importé")
    errors = page.get_by_role("table", name="Erreurs ligne par ligne")
    rows = errors.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").first).to_have_text("3")
    expect(rows.nth(1).locator("td").first).to_have_text("4")
    expect(rows.nth(0)).to_contain_text("name")
    expect(rows.nth(1)).to_contain_text("kind")


def test_nothing_of_a_refused_file_reaches_the_inventory(page: Page, log_in: Login) -> None:
    log_in(page, TECHNICIAN_BOULOGNE, then="/inventaire/import")
    page.get_by_label("Fichier CSV").set_input_files(
        {"name": "equipements.csv", "mimeType": "text/csv", "buffer": CSV_WITH_ERRORS}
    )
    page.get_by_role("button", name="Importer").click()

    page.goto("/inventaire?q=Rothschild")

    expect(page.locator("#contenu")).to_contain_text("Aucun équipement ne correspond")
