"""Rendering the data pages (dashboard, domains, alerts, ingestion admin) with their helpers.

On top of what every page gets, these templates write numbers, dates and classes the French
way (``fr``), and name alert statuses, severities and channels (``alert_labels``).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from convergence import french_format
from convergence.indicators.notation import band_words, pollutant
from convergence.reports.colours import WATER_COLOURS, text_class
from convergence.web.pages.alerts_labels import ALERT_LABELS
from convergence.web.pages.rendering import render_page
from convergence.web.pages.session import PageUser


def render_data_page(
    request: Request, name: str, *, viewer: PageUser, status_code: int = 200, **context: Any
) -> Response:
    """Render page ``name`` for ``viewer`` with the data pages' helpers."""
    return render_page(
        request,
        name,
        viewer=viewer,
        status_code=status_code,
        fr=french_format,
        text_class=text_class,
        water_colours=WATER_COLOURS,
        alert_labels=ALERT_LABELS,
        band_words=band_words,
        pollutant=pollutant,
        **context,
    )
