"""The maintenance line: tickets opened by faults, contracts and SLA clocks, contractors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine

from convergence.demo.maintenance import add_maintenance_demo
from convergence.maintenance.react import ticket_reactor
from convergence.servicelines import MenuEntry, ServiceLine
from convergence.settings import Settings
from convergence.timeseries.committed import Reactor
from convergence.web.api.maintenance import router as api_router
from convergence.web.pages.maintenance import router as pages_router


def tickets_reactor(
    engine: Engine, *, settings: Settings, on_queued: Callable[[], None]
) -> Reactor:
    """Tickets opened, updated and reopened by the alerts each transaction fired."""
    window = timedelta(seconds=settings.maintenance_reopen_window_s)
    every = timedelta(seconds=settings.maintenance_flagged_period_s)
    return ticket_reactor(engine, reopen_window=window, on_queued=on_queued, flagged_every=every)


LINE = ServiceLine(
    name="maintenance",
    label="Maintenance",
    order=70,
    menu=MenuEntry(path="/maintenance", label="Maintenance"),
    api=api_router,
    pages=pages_router,
    demo=add_maintenance_demo,
    reactor=tickets_reactor,
    docs="docs/maintenance.md",
    labels={
        "ticket_status": {
            "open": "Ouvert",
            "acknowledged": "Pris en charge",
            "waiting_member": "En attente de l'adhérent",
            "resolved": "Rétabli",
            "closed": "Clôturé",
        },
    },
)
