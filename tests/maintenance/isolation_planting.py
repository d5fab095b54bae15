"""Versailles' maintenance data for the isolation walk of tests/web/test_isolation.py.

``plant_maintenance`` creates, with marker strings, a contract on a Versailles charge point, a
ticket on it and an intervention with a photo; ``maintenance_params`` gives the walk the ids
its paths need. The contractor's name is not member data (companies serve many members), so
it carries no marker.
"""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from convergence.maintenance.tables import contractors, contracts, inspections, photos, tickets
from tests.support import VERSAILLES_TOWN_HALL, Territory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CONTRACTOR_NAME = "Versailles Maintenance Bornes"


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    return engine


def plant_maintenance(client: TestClient, territory: Territory, marker: str) -> None:
    """A contract, a ticket and an intervention with a photo, all Versailles'."""
    headers = territory.versailles.bearer()
    asset = client.post(
        "/api/v1/assets",
        headers=headers,
        json={
            "name": f"{marker} borne maintenue", "kind": "charge_point", "domain": "charging",
            "lon": VERSAILLES_TOWN_HALL[0], "lat": VERSAILLES_TOWN_HALL[1],
        },
    ).json()  # fmt: skip
    company = client.post(
        "/api/v1/maintenance/contractors",
        headers=territory.operator.bearer(),
        json={"name": CONTRACTOR_NAME, "email": "astreinte@vmb.example"},
    )
    assert company.status_code == 201, company.text
    contract = client.post(
        "/api/v1/maintenance/contracts",
        headers=headers,
        json={
            "contractor_id": company.json()["id"], "reference": f"{marker}-contrat",
            "title": f"{marker} maintenance", "intervention_delay_min": 240,
            "restoration_delay_min": 480, "starts_on": str(date(2026, 1, 1)),
            "asset_ids": [asset["id"]],
        },
    )  # fmt: skip
    assert contract.status_code == 201, contract.text
    ticket = client.post(
        "/api/v1/maintenance/tickets",
        headers=headers,
        json={"asset_id": asset["id"], "title": f"{marker} panne", "description": marker},
    )
    assert ticket.status_code == 201, ticket.text
    report = client.post(
        f"/api/v1/maintenance/tickets/{ticket.json()['id']}/interventions",
        headers=headers,
        data={"notes": f"{marker} travaux"},
        files={"photos": (f"{marker}.png", PNG, "image/png")},
    )
    assert report.status_code == 200, report.text
    inspection = client.post(
        "/api/v1/maintenance/inspections",
        headers=headers,
        json={"asset_id": asset["id"], "title": f"{marker} contrôle", "due_on": "2027-01-01"},
    )
    assert inspection.status_code == 201, inspection.text


def maintenance_params(client: TestClient) -> dict[str, int]:
    """Ids of the planted contractor, contract, ticket and photo (0 when none)."""
    tables = {
        "contractor_id": contractors,
        "contract_id": contracts,
        "ticket_id": tickets,
        "photo_id": photos,
        "inspection_id": inspections,
    }
    with _engine(client).connect() as conn:
        return {
            name: conn.execute(select(func.min(table.c.id))).scalar() or 0
            for name, table in tables.items()
        }
