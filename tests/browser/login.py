"""Who logs in during the browser tests: demo accounts, through the login form."""

from __future__ import annotations

from playwright.sync_api import Cookie, Page, expect

from convergence.demo.catalogue import DEMO_PASSWORD

ELECTED_VERSAILLES = "elu@versailles.demo.fr"
ELECTED_BOULOGNE = "elu@boulogne-billancourt.demo.fr"
TECHNICIAN_BOULOGNE = "technicien@boulogne-billancourt.demo.fr"


class Login:
    """Logs a browser tab in; the first time per account through the form, then by cookie.

    Checking a password costs an argon2 hash (most of a second on a busy machine): the
    session cookie of each account is kept for the next tests instead.
    """

    def __init__(self) -> None:
        self._cookies: dict[str, list[Cookie]] = {}

    def __call__(self, page: Page, email: str, *, then: str = "/") -> None:
        """Log ``page`` in as ``email`` and open ``then``."""
        if email in self._cookies:
            page.context.add_cookies(list(self._cookies[email]))
            page.goto(then)
        else:
            fill_login_form(page, email, then=then)
        # Only a page served to a logged-in user proves the session cookie is there to keep.
        expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
        self._cookies.setdefault(email, page.context.cookies())


def fill_login_form(page: Page, email: str, *, then: str) -> None:
    """Log in as ``email`` with the demo password from the login page."""
    page.goto(f"/connexion?suivant={then}")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
