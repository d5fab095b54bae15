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
MAINTENANCE = "/api/v1/maintenance"
# The maintenance line's routes need bodies: tests/web/test_isolation.py's ROUTE_CALLS gives
# them (explicit calls win); the month query is the reports' only parameter.
MAINTENANCE_WALK = LineWalk(
    pages=("/maintenance", "/maintenance/rapport"),
    api={
        **{
            (method, f"{MAINTENANCE}{path}"): {}
            for method, path in (
                ("GET", "/contractors"), ("POST", "/contractors"),
                ("POST", "/contractors/{contractor_id}/users"), ("GET", "/contracts"),
                ("POST", "/contracts"), ("GET", "/contracts/{contract_id}"),
                ("GET", "/tickets"), ("POST", "/tickets"), ("GET", "/tickets/{ticket_id}"),
                ("GET", "/tickets/{ticket_id}/history"),
                ("POST", "/tickets/{ticket_id}/acknowledge"),
                ("POST", "/tickets/{ticket_id}/pause"),
                ("POST", "/tickets/{ticket_id}/resume"), ("POST", "/tickets/{ticket_id}/restore"),
                ("POST", "/tickets/{ticket_id}/close"), ("POST", "/tickets/{ticket_id}/exclusions"),
                ("GET", "/tickets/{ticket_id}/interventions"),
                ("POST", "/tickets/{ticket_id}/interventions"), ("GET", "/photos/{photo_id}"),
                ("GET", "/assets/{asset_id}/report-link"),
                ("GET", "/assets/{asset_id}/report-qr.png"),
                ("GET", "/assets/{asset_id}/report-qr.svg"),
                ("GET", "/tickets/{ticket_id}/exclusions"), ("GET", "/inspections"),
                ("POST", "/inspections"), ("POST", "/inspections/{inspection_id}/done"),
            )
        },
        ("GET", f"{MAINTENANCE}/reports/monthly.csv"): {"month": "2026-12"},
        ("GET", f"{MAINTENANCE}/reports/monthly.pdf"): {"month": "2026-12"},
    },
)  # fmt: skip
LINE_WALKS: dict[str, LineWalk] = {
    "air": LineWalk(pages=("/air",)),
    "noise": LineWalk(pages=("/bruit",)),
    "traffic": LineWalk(pages=("/trafic",)),
    "water": LineWalk(pages=("/eau",)),
    "lighting": LineWalk(pages=("/eclairage",)),
    "charging": LineWalk(pages=("/recharge",)),
    "video": LineWalk(pages=("/videoprotection",)),  # its JSON routes are in ROUTE_CALLS
    "maintenance": MAINTENANCE_WALK,
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
