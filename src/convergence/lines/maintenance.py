"""The maintenance line: tickets opened by faults, contracts and SLA clocks, contractors."""

from __future__ import annotations

from convergence.demo.maintenance import add_maintenance_demo
from convergence.servicelines import MenuEntry, ServiceLine
from convergence.web.api.maintenance import router as api_router
from convergence.web.pages.maintenance import router as pages_router

LINE = ServiceLine(
    name="maintenance",
    label="Maintenance",
    order=70,
    menu=MenuEntry(path="/maintenance", label="Maintenance"),
    api=api_router,
    pages=pages_router,
    demo=add_maintenance_demo,
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
