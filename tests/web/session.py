"""Logging a test client in through the real login form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.support import PASSWORD

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def csrf_of(client: TestClient, path: str = "/connexion") -> str:
    """The CSRF token of the client's session, read from a page."""
    match = CSRF_META.search(client.get(path).text)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log in with the form; returns the CSRF token to send with API writes."""
    response = client.post(
        "/connexion",
        data={"email": email, "password": password, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client, "/")
