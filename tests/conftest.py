"""Shared fixtures: a real database per backend (SQLite file, PostgreSQL), the app, members.

Every test that touches storage runs on both backends. PostgreSQL is reached at
CONVERGENCE_TEST_POSTGRES_URL (default: postgres on 127.0.0.1:5432); a fresh database is
created for the test session and dropped at the end. Without a server, PostgreSQL tests are
skipped on a workstation and fail in CI (when CI is set).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from convergence.bootstrap import prepare_database
from convergence.db.engine import make_engine
from convergence.db.schema import load_all_tables
from convergence.members import credentials
from convergence.settings import Environment, Settings
from convergence.web.app import create_app
from tests.support import Territory, build_territory

POSTGRES_ADMIN_URL = os.environ.get(
    "CONVERGENCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# Tables filled by `prepare_database` and shared by every test.
REFERENCE_TABLES = frozenset({"departements", "epcis", "communes", "alembic_version"})


def _postgres_available() -> bool:
    try:
        probe = create_engine(POSTGRES_ADMIN_URL)
        with probe.connect():
            pass
        probe.dispose()
    except Exception:
        return False
    return True


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Passwords hashed with argon2's cheapest parameters (``profiles.CHEAPEST``, made for
    tests): the same algorithm, without a tenth of a second for every user created and every
    log-in. The platform's own parameters: tests/members/test_credentials.py."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(credentials, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))
        yield


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session."""
    if not _postgres_available():
        if os.environ.get("CI"):
            pytest.fail(
                f"PostgreSQL is required in CI and is not reachable at {POSTGRES_ADMIN_URL}"
            )
        pytest.skip("PostgreSQL is not running (set CI=1 to make this a failure)")
    name = f"convergence_test_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield str(make_url(POSTGRES_ADMIN_URL).set(database=name))
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def prepared_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database with the territory loaded, one per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'convergence.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    prepare_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(prepared_engine: Engine) -> Iterator[Engine]:
    """The backend's database, emptied of everything but reference data after the test."""
    yield prepared_engine
    tables = [
        t for t in reversed(load_all_tables().sorted_tables) if t.name not in REFERENCE_TABLES
    ]
    with prepared_engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())


@pytest.fixture
def backend(engine: Engine) -> str:
    return engine.dialect.name


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment=Environment.test,
        data_dir=tmp_path / "data",
        secret_key=secrets.token_urlsafe(48),
        webhook_allowed_hosts=["127.0.0.1"],  # webhook tests deliver to a local receiver
    )


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


@pytest.fixture
def territory(engine: Engine) -> Territory:
    """The operator, Versailles, Boulogne-Billancourt and CA Versailles Grand Parc, with users
    of every role and tokens."""
    return build_territory(engine)
