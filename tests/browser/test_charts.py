"""Charts are drawn from their figure: curves sharing their times carry them once
(``sharedX``) and get them back in the browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import ELECTED_VERSAILLES, Login

pytestmark = pytest.mark.browser

# For each chart: its curves as drawn by Plotly (gd.data) against its figure in the page.
DRAWN = """holders => holders.map(h => {
  const figure = JSON.parse(document.getElementById(h.dataset.chart).textContent);
  return {
    shared: figure.sharedX ? figure.sharedX.length : null,
    traces: figure.data.length,
    drawn: (h.data || []).length,
    xs: (h.data || []).map(t => (t.x || []).length),
    ys: (h.data || []).map(t => (t.y || []).length),
  };
})"""


def test_every_curve_of_the_air_page_has_its_times(page: Page, log_in: Login) -> None:
    log_in(page, ELECTED_VERSAILLES, then="/air")
    holders = page.locator("[data-chart]")
    expect(page.locator(".chart-drawn")).to_have_count(holders.count(), timeout=30_000)
    charts = holders.evaluate_all(DRAWN)
    assert charts
    assert all(c["drawn"] == c["traces"] for c in charts), charts
    # Every curve has a time for each value, whether it carried them or shared them.
    assert all(c["xs"] == c["ys"] for c in charts), charts
    assert all(x == c["shared"] for c in charts if c["shared"] for x in c["xs"]), charts
