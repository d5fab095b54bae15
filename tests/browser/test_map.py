"""The territory map draws from the platform alone: commune outlines as the base map, then the
member's equipment, with nothing fetched from another origin."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from tests.browser.login import ELECTED_VERSAILLES, Login

pytestmark = pytest.mark.browser


def test_the_map_draws_commune_outlines_and_equipment_markers(page: Page, log_in: Login) -> None:
    log_in(page, ELECTED_VERSAILLES)
    communes = page.request.get("/carte/communes.geojson").json()["features"]
    equipment = page.request.get("/carte/equipements.geojson").json()["features"]

    page.goto("/carte")

    expect(page.locator("#carte.leaflet-container")).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(len(equipment))
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(len(communes))
    assert len(communes) > 100  # every commune of the Yvelines and the Hauts-de-Seine
    assert len(equipment) > 10


def test_the_map_requests_nothing_from_another_origin(
    page: Page, live_url: str, log_in: Login
) -> None:
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    page.on("request", record)
    log_in(page, ELECTED_VERSAILLES)
    page.goto("/carte")
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert requested
    assert [url for url in requested if origin(url) not in ("", origin(live_url))] == []


def origin(url: str) -> str:
    """Where a request goes; inline ``data:`` URLs count as the page's own origin."""
    parts = urlsplit(url)
    return "" if parts.scheme == "data" else f"{parts.scheme}://{parts.netloc}"
