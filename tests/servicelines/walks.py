"""The isolation-walk entries of each service line: its pages and its own JSON routes.

``tests/web/test_isolation.py`` walks every JSON route of the application as the tokens and
users of other members; a line's own routes get their call here (query parameters by
route), and its pages are walked by the line contract test. A line without an entry fails
``test_contract.py``: adding a line means adding its walk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from convergence.servicelines import ServiceLines

Route = tuple[str, str]  # (method, path)


@dataclass(frozen=True)
class LineWalk:
    """What the walk calls for one line: its pages, and its JSON routes with their queries."""

    pages: tuple[str, ...]
    api: Mapping[Route, dict[str, Any]] = field(default_factory=dict)


VERSAILLES = "78646"
COMPOST_WALK = LineWalk(
    pages=("/compostage",),
    api={
        ("GET", "/api/v1/compost/indicators"): {
            "commune": VERSAILLES,
            "start": "2026-01-01",
            "end": "2026-12-31",
        }
    },
)
LINE_WALKS: dict[str, LineWalk] = {
    "air": LineWalk(pages=("/air",)),
    "noise": LineWalk(pages=("/bruit",)),
    "traffic": LineWalk(pages=("/trafic",)),
    "water": LineWalk(pages=("/eau",)),
    "lighting": LineWalk(pages=("/eclairage",)),
    "charging": LineWalk(pages=("/recharge",)),
    "compost": COMPOST_WALK,  # the test line of tests/servicelines/fakeline
}


def line_api_queries(lines: ServiceLines) -> dict[Route, dict[str, Any]]:
    """The query of each JSON route of the installed lines that has a walk entry."""
    return {
        route: query
        for line in lines
        if line.name in LINE_WALKS
        for route, query in LINE_WALKS[line.name].api.items()
    }
