"""What every service line owes the platform, checked against a running application.

- its pages: a menu entry or pages of its own, each answering 200 to a reader;
- its isolation-walk entries: every page and JSON route of the line in ``walks.py``;
- its docs: ``ServiceLine.docs`` names a file of the repository and, after ``#``, a heading
  of it that holds the anchor in backquotes (``## Qualité de l'air (`air`)``);
- its French labels: its name, its asset kinds and its families of words, none empty.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from convergence.servicelines import ServiceLine
from convergence.web.lines import API_PREFIX
from convergence.web.pages.labels import page_labels
from tests.servicelines.walks import LINE_WALKS

REPOSITORY = Path(__file__).parents[2]


def api_routes(line: ServiceLine) -> set[tuple[str, str]]:
    """(method, path) of each route of the line's JSON API, as the application serves it."""
    if line.api is None:
        return set()
    contexts = iter_route_contexts(line.api.routes)
    return {(m, API_PREFIX + c.path) for c in contexts for m in (c.methods or ())}


def page_problems(line: ServiceLine, client: TestClient) -> list[str]:
    """The line's pages that are missing, unwalked or not served to a logged-in reader."""
    walk = LINE_WALKS.get(line.name)
    if walk is None:
        return [f"{line.name}: no isolation-walk entry in tests/servicelines/walks.py"]
    problems = []
    if line.menu_entry is None and line.pages is None:
        problems.append(f"{line.name}: no page (give it a DomainPage, or pages and a menu)")
    walked = {page.split("?")[0] for page in walk.pages}
    problems += [f"{line.name}: page {p} is not walked" for p in line.paths() if p not in walked]
    unwalked = api_routes(line) - set(walk.api)
    problems += [f"{line.name}: route {r} is not walked" for r in sorted(unwalked)]
    for page in walk.pages:
        status = client.get(page).status_code
        if status != 200:
            problems.append(f"{line.name}: {page} answers {status}")
    return problems


def docs_problems(line: ServiceLine) -> list[str]:
    """The line's documentation, if it cannot be found where ``docs`` says."""
    if not line.docs:
        return [f"{line.name}: no docs (ServiceLine.docs)"]
    path, _, anchor = line.docs.partition("#")
    document = REPOSITORY / path
    if not document.is_file():
        return [f"{line.name}: docs file {path} does not exist"]
    headings = [t for t in document.read_text(encoding="utf-8").splitlines() if t.startswith("#")]
    if anchor and not any(f"`{anchor}`" in heading for heading in headings):
        return [f"{line.name}: no heading of {path} holds `{anchor}`"]
    return []


def label_problems(line: ServiceLine) -> list[str]:
    """The French words the line's pages would miss."""
    labels = page_labels()
    problems = []
    if labels["domain"].get(line.name) != line.label:
        problems.append(f"{line.name}: the domain labels do not name it {line.label!r}")
    for kind in line.asset_kinds:
        if not labels["kind"].get(kind.name, "").strip():
            problems.append(f"{line.name}: asset kind {kind.name} has no French label")
    for family, words in line.labels.items():
        if not words or not all(text.strip() for text in words.values()):
            problems.append(f"{line.name}: labels {family!r} are empty")
    if line.page is not None and not (line.page.title.strip() and line.page.intro.strip()):
        problems.append(f"{line.name}: its page has no title or introduction")
    return problems


def contract_problems(line: ServiceLine, client: TestClient) -> list[str]:
    """Everything the line owes and lacks; ``client`` is logged in as a reader."""
    return page_problems(line, client) + docs_problems(line) + label_problems(line)
