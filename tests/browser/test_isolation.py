"""A user of one commune never sees another commune's pages or data."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from convergence.demo.build import Demo
from convergence.registry.tables import assets
from tests.browser.login import ELECTED_BOULOGNE, Login

pytestmark = pytest.mark.browser

VERSAILLES = "78646"
BOULOGNE = "92012"


def equipment_of(demo: Demo, insee: str) -> list[tuple[int, str]]:
    with demo.engine.connect() as conn:
        rows = conn.execute(
            select(assets.c.id, assets.c.name).where(assets.c.commune_insee == insee)
        ).all()
    return [(row.id, row.name) for row in rows]


def test_another_communes_equipment_page_is_not_found(
    page: Page, demo: Demo, log_in: Login
) -> None:
    versailles_id, _ = equipment_of(demo, VERSAILLES)[0]
    log_in(page, ELECTED_BOULOGNE)

    response = page.goto(f"/inventaire/{versailles_id}")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("Page introuvable")
    expect(page.locator("main")).to_contain_text("données d'un autre adhérent")


def test_the_inventory_lists_only_the_communes_own_equipment(
    page: Page, demo: Demo, log_in: Login
) -> None:
    log_in(page, ELECTED_BOULOGNE, then="/inventaire")

    expect(page.get_by_role("table")).to_contain_text(
        f"{len(equipment_of(demo, BOULOGNE))} équipements"
    )
    communes = page.locator("table tbody tr td:nth-child(5)")
    assert set(communes.all_inner_texts()) == {"Boulogne-Billancourt"}
    expect(page.locator("main")).not_to_contain_text("Versailles")


def test_the_map_shows_only_the_communes_own_equipment(
    page: Page, demo: Demo, log_in: Login
) -> None:
    log_in(page, ELECTED_BOULOGNE, then="/carte")

    markers = page.locator(".leaflet-marker-icon")
    expect(markers).to_have_count(len(equipment_of(demo, BOULOGNE)))
    titles = markers.evaluate_all("icons => icons.map(icon => icon.title)")
    versailles = {name for _, name in equipment_of(demo, VERSAILLES)}
    assert not versailles & {title.split(" — ")[0] for title in titles}
    repartition = page.get_by_role("table")
    expect(repartition).to_contain_text("Boulogne-Billancourt")
    expect(repartition).not_to_contain_text("Versailles")
