"""Versailles' coordination data for the isolation walk of tests/web/test_isolation.py.

``plant_proposal`` makes Versailles and its neighbour Le Chesnay-Rocquencourt plan air sensors
together, has the operator generate and send the joint purchase, and Versailles comment on
it with the marker; ``proposal_params`` gives the proposal's id to the walk.
"""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from convergence.coordination.tables import proposals
from tests.coordination.builders import LE_CHESNAY, VERSAILLES, Builder
from tests.support import Territory


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.convergence.engine  # type: ignore[attr-defined]
    return engine


def plant_proposal(client: TestClient, territory: Territory, marker: str) -> None:
    """A sent joint purchase concerning Versailles, with a comment carrying ``marker``."""
    build = Builder(_engine(client), territory)
    build.project(build.commune(VERSAILLES), start=date(2027, 3, 1), units=12)
    build.project(build.commune(LE_CHESNAY), start=date(2027, 5, 1), units=8)
    operator = territory.operator.bearer()
    report = client.post("/api/v1/coordination/proposals/generate", headers=operator)
    assert report.status_code == 200, report.text
    [proposal_id] = report.json()["created"]
    path = f"/api/v1/coordination/proposals/{proposal_id}"
    sent = client.post(f"{path}/status", json={"status": "sent"}, headers=operator)
    assert sent.status_code == 200, sent.text
    comment = client.post(
        f"{path}/comments", json={"body": f"{marker} note"}, headers=territory.versailles.bearer()
    )
    assert comment.status_code == 201, comment.text


def proposal_params(client: TestClient) -> dict[str, int]:
    """Id of the planted proposal (0 when none)."""
    with _engine(client).connect() as conn:
        latest = conn.execute(select(func.coalesce(func.max(proposals.c.id), 0))).scalar_one()
    return {"proposal_id": latest}
