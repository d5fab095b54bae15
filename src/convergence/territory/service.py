"""Use cases of the territory: copying the shipped reference data into the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Executable, Table, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.base import ReadOnlyColumnCollection

from convergence.territory.reference import Territory, load_territory
from convergence.territory.tables import communes, departements, epcis

Row = dict[str, Any]


@dataclass(frozen=True)
class SyncReport:
    """How many rows of each table a synchronisation inserted or changed."""

    departements: int
    epcis: int
    communes: int


def sync_reference(connection: Connection, *, territory: Territory | None = None) -> SyncReport:
    """Upsert départements, EPCI/EPT and communes in the caller's transaction; idempotent."""
    territory = territory or load_territory()
    # Parents first: communes point at départements and EPCI through foreign keys.
    return SyncReport(
        departements=upsert(connection, departements, departement_rows(territory), key="code"),
        epcis=upsert(connection, epcis, epci_rows(territory), key="siren"),
        communes=upsert(connection, communes, commune_rows(territory), key="insee"),
    )


def departement_rows(territory: Territory) -> list[Row]:
    """Rows of the ``departements`` table."""
    return [{"code": d.code, "name": d.name} for d in territory.departements]


def epci_rows(territory: Territory) -> list[Row]:
    """Rows of the ``epcis`` table (EPCI à fiscalité propre and EPT alike)."""
    return [{"siren": e.siren, "name": e.name, "kind": e.kind.value} for e in territory.epcis]


def commune_rows(territory: Territory) -> list[Row]:
    """Rows of the ``communes`` table."""
    return [
        {
            "insee": c.insee,
            "name": c.name,
            "departement": c.departement,
            "siren": c.siren,
            "population": c.population,
            "epci_siren": c.epci_siren,
            "ept_siren": c.ept_siren,
        }
        for c in territory.communes
    ]


def upsert(connection: Connection, table: Table, rows: Sequence[Row], *, key: str) -> int:
    """Insert ``rows``, update those that differ; the number of rows written."""
    if not rows:
        return 0
    statement = upsert_statement(connection.dialect.name, table, rows, key=key)
    # Count RETURNING rows: a multi-row VALUES insert reports rowcount -1 through psycopg, and
    # rows skipped by the WHERE clause return nothing on both backends.
    return len(connection.execute(statement).all())


def upsert_statement(dialect: str, table: Table, rows: Sequence[Row], *, key: str) -> Executable:
    """``INSERT … ON CONFLICT (key) DO UPDATE … WHERE changed RETURNING key`` for the dialect."""
    columns = [name for name in rows[0] if name != key]
    if dialect == "postgresql":
        pg_insert = postgresql.insert(table).values(list(rows))
        set_, changed = excluded_values(table, pg_insert.excluded, columns)
        return pg_insert.on_conflict_do_update(
            index_elements=[key], set_=set_, where=changed
        ).returning(table.c[key])
    if dialect == "sqlite":
        lite_insert = sqlite.insert(table).values(list(rows))
        set_, changed = excluded_values(table, lite_insert.excluded, columns)
        return lite_insert.on_conflict_do_update(
            index_elements=[key], set_=set_, where=changed
        ).returning(table.c[key])
    raise NotImplementedError(f"no upsert for the {dialect!r} dialect (SQLite and PostgreSQL only)")


def excluded_values(
    table: Table, excluded: ReadOnlyColumnCollection[str, Any], columns: Sequence[str]
) -> tuple[dict[str, Any], ColumnElement[bool]]:
    """The SET clause taking the proposed values, and the condition that one of them differs."""
    # The condition keeps a repeated sync from rewriting (and re-locking) unchanged rows.
    set_ = {name: excluded[name] for name in columns}
    changed = or_(*(table.c[name].is_distinct_from(excluded[name]) for name in columns))
    return set_, changed
