"""Synchronising the reference data into the database, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from convergence.db.engine import make_engine
from convergence.db.schema import load_all_tables
from convergence.territory.queries import count_reference_rows, stored_communes
from convergence.territory.reference import load_territory
from convergence.territory.service import SyncReport, sync_reference
from convergence.territory.tables import communes

# The same variable as the shared fixtures, so that CI points every test at one server.
POSTGRES_ADMIN_URL = os.environ.get(
    "CONVERGENCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
FULL_SYNC = SyncReport(departements=2, epcis=16, communes=295)


@pytest.fixture
def territory_sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'territory.sqlite3'}"


@pytest.fixture
def territory_postgresql_url() -> Iterator[str]:
    """A throwaway PostgreSQL database, dropped after the test."""
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"convergence_territory_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError:
        admin.dispose()
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL server at {POSTGRES_ADMIN_URL} (CI is unset)")
    try:
        yield str(make_url(POSTGRES_ADMIN_URL).set(database=name))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def reference_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An empty schema on a fresh database of each backend."""
    engine = make_engine(request.getfixturevalue(f"territory_{request.param}_url"))
    load_all_tables().create_all(engine)
    yield engine
    engine.dispose()


def test_a_first_sync_writes_every_row(reference_engine: Engine) -> None:
    with reference_engine.begin() as connection:
        assert sync_reference(connection) == FULL_SYNC
    with reference_engine.connect() as connection:
        counts = count_reference_rows(connection)
    assert counts == {"departements": 2, "epcis": 16, "communes": 295}


def test_stored_communes_are_the_shipped_communes(reference_engine: Engine) -> None:
    with reference_engine.begin() as connection:
        sync_reference(connection)
    with reference_engine.connect() as connection:
        stored = stored_communes(connection)
    assert stored == list(load_territory().communes)


def test_a_second_sync_writes_nothing(reference_engine: Engine) -> None:
    with reference_engine.begin() as connection:
        sync_reference(connection)
    with reference_engine.begin() as connection:
        assert sync_reference(connection) == SyncReport(departements=0, epcis=0, communes=0)
    with reference_engine.connect() as connection:
        assert count_reference_rows(connection)["communes"] == 295


def test_a_sync_repairs_a_row_that_drifted(reference_engine: Engine) -> None:
    with reference_engine.begin() as connection:
        sync_reference(connection)
        connection.execute(
            update(communes).where(communes.c.insee == "78440").values(name="Mureaux")
        )
    with reference_engine.begin() as connection:
        assert sync_reference(connection) == SyncReport(departements=0, epcis=0, communes=1)
    with reference_engine.connect() as connection:
        stored = {c.insee: c.name for c in stored_communes(connection, departement="78")}
    assert stored["78440"] == "Les Mureaux"


def test_stored_communes_of_an_ept_and_of_an_epci(reference_engine: Engine) -> None:
    with reference_engine.begin() as connection:
        sync_reference(connection)
    with reference_engine.connect() as connection:
        grand_paris_seine_ouest = stored_communes(connection, epci_siren="200057974")
        versailles_grand_parc = stored_communes(connection, epci_siren="247800584")
    assert len(grand_paris_seine_ouest) == 8
    assert len(versailles_grand_parc) == 17  # the 18th member, Bièvres (91064), is in Essonne
    assert "Versailles" in {c.name for c in versailles_grand_parc}
