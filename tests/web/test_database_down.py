"""When the database is down, senders get a JSON 503 with Retry-After (finding 9 of #13).

Before: the ingestion answered a plain-text 500, which senders do not know to retry.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from convergence.db.engine import make_engine
from convergence.settings import Settings
from convergence.web.app import create_app
from tests.alerts.servers import free_port

READING = {"device": "X", "ts": "2026-11-28T08:00:00Z", "quantity": "laeq", "value": 50}


def test_ingestion_answers_503_with_retry_after(settings: Settings) -> None:
    # Nothing listens on this port: every connection attempt is refused at once.
    down = make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/convergence")
    try:
        with TestClient(create_app(settings, engine=down), raise_server_exceptions=False) as c:
            response = c.post(
                "/api/v1/ingest",
                json={"readings": [READING]},
                headers={"Authorization": "Bearer cvg_whatever"},
            )
            page = c.get("/connexion")
    finally:
        down.dispose()
    assert response.status_code == 503
    assert response.headers["retry-after"] == "30"
    assert response.json()["error"]["code"] == "database_unavailable"
    assert page.status_code == 200  # the login page itself needs no database
