"""Helpers of the page tests: data planted through the real API, and an HTML audit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient

from convergence.members.roles import Role
from tests.support import BOULOGNE_TOWN_HALL, VERSAILLES_TOWN_HALL, MemberFixture
from tests.web.session import log_in

MARKER = "prive-versailles"
LABELLED_INPUTS = frozenset({"input", "select", "textarea"})
UNLABELLED_TYPES = frozenset({"hidden", "submit", "button", "reset", "image"})
TOWN_HALLS = {"versailles": VERSAILLES_TOWN_HALL, "boulogne": BOULOGNE_TOWN_HALL}


def log_in_as(client: TestClient, member: MemberFixture, role: Role) -> str:
    """Log a fresh session in as ``member``'s user with ``role``; returns the CSRF token."""
    client.cookies.clear()
    return log_in(client, member.user(role))


def add_initiative(client: TestClient, member: MemberFixture, name: str) -> dict[str, Any]:
    """A project of ``member``, created through the JSON API."""
    response = client.post(
        "/api/v1/initiatives",
        headers=member.bearer(),
        json={"name": name, "domain": "air", "status": "planned"},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def add_asset(
    client: TestClient, member: MemberFixture, name: str, **fields: Any
) -> dict[str, Any]:
    """A piece of equipment of ``member`` at its town hall, created through the JSON API."""
    lon, lat = TOWN_HALLS[member.key]
    payload = {"name": name, "kind": "sensor", "domain": "air", "lon": lon, "lat": lat} | fields
    response = client.post("/api/v1/assets", headers=member.bearer(), json=payload)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass
class PageAudit(HTMLParser):
    """What an accessibility reviewer checks first on a page, collected in one pass."""

    lang: str | None = None
    headings: list[int] = field(default_factory=list)
    labels_for: set[str] = field(default_factory=set)
    fields: list[dict[str, str]] = field(default_factory=list)
    images: list[dict[str, str]] = field(default_factory=list)
    maps: list[dict[str, str]] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = attributes.get("lang")
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "label" and "for" in attributes:
            self.labels_for.add(attributes["for"])
        elif tag in LABELLED_INPUTS:
            self.fields.append({"tag": tag, **attributes})
        elif tag == "img":
            self.images.append(attributes)
        elif tag == "script" and "src" in attributes:
            self.resources.append(attributes["src"])
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.resources.append(attributes.get("href", ""))
        if "data-map" in attributes:
            self.maps.append(attributes)
        if attributes.get("aria-current") == "page":
            self.current.append(attributes.get("href", ""))

    def problems(self) -> list[str]:
        """Every accessibility problem found, in words."""
        found = [] if self.lang == "fr" else [f"<html lang> is {self.lang!r}, not 'fr'"]
        found += self._unlabelled() + self._heading_problems() + self._external_resources()
        found += [f"image without alt: {i}" for i in self.images if "alt" not in i]
        found += [
            f"map without a text alternative: {m}"
            for m in self.maps
            if not (m.get("aria-label") and m.get("aria-describedby"))
        ]
        return found

    def _unlabelled(self) -> list[str]:
        return [
            f"{f['tag']} {f.get('name', '?')} has no label"
            for f in self.fields
            if f.get("type", "text") not in UNLABELLED_TYPES
            and f.get("id") not in self.labels_for
            and not f.get("aria-label")
        ]

    def _heading_problems(self) -> list[str]:
        if self.headings.count(1) != 1:
            return [f"{self.headings.count(1)} h1 headings instead of one"]
        problems = [] if self.headings[0] == 1 else ["the first heading is not the h1"]
        for before, after in zip(self.headings, self.headings[1:], strict=False):
            if after > before + 1:
                problems.append(f"heading level jumps from h{before} to h{after}")
        return problems

    def _external_resources(self) -> list[str]:
        return [
            f"script or style loaded from another origin: {url}"
            for url in self.resources
            if re.match(r"^(https?:)?//", url, flags=re.IGNORECASE)
        ]


def audit(html: str) -> PageAudit:
    """The audit of one page."""
    page = PageAudit()
    page.feed(html)
    page.close()
    return page
