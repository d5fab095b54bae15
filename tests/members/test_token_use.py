"""A token's use is audited once a minute, even when its requests arrive together."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update

from convergence.db.types import utcnow
from convergence.members.tables import api_tokens, audit_log
from tests.support import Territory


def _uses(engine: Engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(audit_log)
        return int(conn.execute(query.where(audit_log.c.action == "token.use")).scalar_one())


def test_concurrent_requests_of_one_token_record_one_use_a_minute(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    headers = territory.versailles.bearer("read")
    before = _uses(engine)

    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(lambda _: client.get("/api/v1/assets", headers=headers).status_code, range(16))
        )

    assert statuses == [200] * 16
    assert _uses(engine) == before + 1
    with engine.begin() as conn:  # a minute later
        conn.execute(update(api_tokens).values(last_used_at=utcnow() - timedelta(minutes=2)))
    assert client.get("/api/v1/assets", headers=headers).status_code == 200
    assert _uses(engine) == before + 2


def test_a_revoked_token_is_refused_at_once(
    client: TestClient, territory: Territory, engine: Engine
) -> None:
    headers = territory.versailles.bearer("read")
    assert client.get("/api/v1/assets", headers=headers).status_code == 200
    with engine.begin() as conn:
        conn.execute(update(api_tokens).values(revoked_at=utcnow()))

    assert client.get("/api/v1/assets", headers=headers).status_code == 401
