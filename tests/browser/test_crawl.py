"""Every role on the demo: each link reachable from the menu answers 200 with under 300 KB
of HTML, no page scrolls sideways on a 390 px phone, no English or internal code shows in
visible text."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import Login

pytestmark = pytest.mark.browser

ACCOUNTS = (
    "admin@syndicat.demo.fr",
    "admin@versailles.demo.fr",
    "technicien@versailles.demo.fr",
    "elu@versailles.demo.fr",
    "lecteur@versailles.demo.fr",
    "elu@versaillesgrandparc.demo.fr",
    "elu@yvelines.demo.fr",
)
PHONE = {"width": 390, "height": 844}
PAGE_BYTES = 300_000
# Cold pages compute a territory's indicators once (kept five minutes afterwards).
COLD_PAGE_MS = 60_000
# Words of code, of English or of internal notation that people must never read.
FORBIDDEN = (
    "PM25",
    "PM2.5",
    "NO2",
    "(count)",
    "Par: system",
    "[65;70[",
    "WHO_2018",
    "invalid member",
    "None",
    "null",
    "undefined",
    "NaN",
    "Traceback",
)
NOT_CRAWLED = re.compile(r"^/(deconnexion|connexion)|\.(pdf|csv|json|geojson|zip|parquet)(\?|$)")


def menu_links(page: Page) -> list[str]:
    hrefs = page.get_by_role("navigation", name="Navigation principale").get_by_role("link")
    return [h for h in hrefs.evaluate_all("links => links.map(a => a.getAttribute('href'))") if h]


def page_links(page: Page) -> set[str]:
    """Same-origin links of the page's main content, as paths with their query."""
    hrefs = page.locator("main a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    found = set()
    for href in hrefs:
        absolute = urlsplit(urljoin(page.url, href))
        if absolute.netloc == urlsplit(page.url).netloc and not href.startswith("#"):
            found.add(absolute.path + (f"?{absolute.query}" if absolute.query else ""))
    return found


def visible_problems(page: Page) -> list[str]:
    text = page.locator("body").inner_text()
    return [word for word in FORBIDDEN if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


def is_html(headers: dict[str, str]) -> bool:
    return headers.get("content-type", "").startswith("text/html")


def sideways(page: Page) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width


@pytest.mark.parametrize("email", ACCOUNTS)
def test_every_page_of_the_menu_works_on_a_phone(page: Page, log_in: Login, email: str) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, email, then="/alertes")
    problems: list[str] = []
    checked: set[str] = set()
    for path in menu_links(page):
        response = page.goto(path, timeout=COLD_PAGE_MS)
        assert response is not None
        if response.status != 200:
            problems.append(f"{path}: {response.status}")
            continue
        if len(response.body()) >= PAGE_BYTES:
            problems.append(f"{path}: {len(response.body())} bytes of HTML")
        if path == "/docs":
            expect(page.locator(".swagger-ui .info .title")).to_contain_text("Convergence")
            continue
        if sideways(page) > PHONE["width"]:
            problems.append(f"{path}: {sideways(page)} px wide on a 390 px screen")
        problems += [f"{path}: « {word} » on screen" for word in visible_problems(page)]
        for link in sorted(page_links(page) - checked):
            checked.add(link)
            if NOT_CRAWLED.search(link):
                continue
            answer = page.request.get(link, timeout=COLD_PAGE_MS)
            if answer.status != 200:
                problems.append(f"{path} → {link}: {answer.status}")
            elif is_html(answer.headers) and len(answer.body()) >= PAGE_BYTES:
                problems.append(f"{path} → {link}: {len(answer.body())} bytes of HTML")
    page.goto("/propositions")  # a light page for the screenshot taken after the test
    assert not problems, "\n".join(problems)
