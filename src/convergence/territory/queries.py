"""Read side of the territory tables, once ``sync_reference`` has filled them."""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import Connection, func, select

from convergence.territory.reference import Commune
from convergence.territory.tables import communes, departements, epcis

# Select these columns by name, so that a column added to the table later breaks nothing here.
COMMUNE_COLUMNS = tuple(communes.c[f.name] for f in fields(Commune))


def count_reference_rows(connection: Connection) -> dict[str, int]:
    """Number of rows in each reference table, by table name."""
    return {
        table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
        for table in (departements, epcis, communes)
    }


def stored_communes(
    connection: Connection, *, departement: str | None = None, epci_siren: str | None = None
) -> list[Commune]:
    """Communes as stored in the database, by INSEE code, optionally of one area."""
    query = select(*COMMUNE_COLUMNS).order_by(communes.c.insee)
    if departement is not None:
        query = query.where(communes.c.departement == departement)
    if epci_siren is not None:
        query = query.where(
            (communes.c.epci_siren == epci_siren) | (communes.c.ept_siren == epci_siren)
        )
    return [Commune(**row) for row in connection.execute(query).mappings()]
