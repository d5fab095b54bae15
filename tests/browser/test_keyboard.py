"""Keyboard users reach the content first (RGAA 12.7: a skip link)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import ELECTED_VERSAILLES, Login

pytestmark = pytest.mark.browser


def test_the_first_tab_focuses_the_skip_link(page: Page, log_in: Login) -> None:
    log_in(page, ELECTED_VERSAILLES, then="/carte")

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#contenu")).to_be_focused()
