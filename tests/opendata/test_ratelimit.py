"""The public API's rate limit: 429 with Retry-After, per client address, proxies opt-in."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from convergence.opendata.config import OpenDataConfig
from convergence.opendata.forwarding import client_address
from convergence.opendata.gate import PublicGate
from convergence.settings import Environment, Settings
from convergence.web.app import create_app
from convergence.web.deps import runtime_of
from tests.support import Territory

PROXY = "10.0.0.7"


@pytest.fixture
def proxied(engine: Engine) -> Iterator[TestClient]:
    """A client reaching the app through a reverse proxy at PROXY, limited to 2 a minute."""
    settings = Settings(environment=Environment.test, secret_key=secrets.token_urlsafe(48))
    app = create_app(settings, engine=engine)
    runtime_of(app).public_gate = PublicGate.from_config(
        OpenDataConfig(public_rate_per_minute=2, trusted_proxies=("10.0.0.0/8",))
    )
    with TestClient(app, client=(PROXY, 40000)) as client:
        yield client


def test_the_public_api_answers_429_with_retry_after(client: TestClient) -> None:
    runtime_of(client.app).public_gate = PublicGate.from_config(
        OpenDataConfig(public_rate_per_minute=3)
    )
    answers = [client.get("/api/public/v1/datasets") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    refused = client.get("/api/public/v1/datasets")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    error = refused.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["details"]["retry_after_s"] == int(refused.headers["Retry-After"])
    assert client.get("/opendata/catalog.jsonld").status_code == 429
    # Writing X-Forwarded-For does not buy a new bucket when no proxy is trusted.
    spoofed = client.get("/api/public/v1/datasets", headers={"X-Forwarded-For": "192.0.2.9"})
    assert spoofed.status_code == 429


def test_the_member_api_is_not_limited_by_the_public_bucket(
    client: TestClient, territory: Territory
) -> None:
    runtime_of(client.app).public_gate = PublicGate.from_config(
        OpenDataConfig(public_rate_per_minute=1)
    )
    client.get("/api/public/v1/datasets")
    assert client.get("/api/public/v1/datasets").status_code == 429
    headers = territory.versailles.bearer()
    assert client.get("/api/v1/opendata/datasets", headers=headers).status_code == 200


def test_behind_a_trusted_proxy_each_client_has_its_bucket(proxied: TestClient) -> None:
    first = {"X-Forwarded-For": "192.0.2.1"}
    second = {"X-Forwarded-For": "192.0.2.1, 198.51.100.2"}
    codes = [proxied.get("/api/public/v1/datasets", headers=first).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert proxied.get("/api/public/v1/datasets", headers=second).status_code == 200


def test_the_client_address_believes_only_trusted_proxies() -> None:
    trusted = ("10.0.0.0/8", "2001:db8::1")
    assert client_address("192.0.2.5", "203.0.113.1", ()) == "192.0.2.5"
    assert client_address("192.0.2.5", "203.0.113.1", trusted) == "192.0.2.5"
    assert client_address("10.1.2.3", "203.0.113.1", trusted) == "203.0.113.1"
    # A client cannot hide behind a forged left-most entry: the right-most untrusted hop wins.
    assert client_address("10.1.2.3", "1.1.1.1, 203.0.113.1, 10.9.9.9", trusted) == "203.0.113.1"
    assert client_address("2001:db8::1", "10.0.0.1", trusted) == "2001:db8::1"
    assert client_address("10.1.2.3", "not an address", trusted) == "not an address"
    assert client_address(None, None, trusted) == "unknown"
