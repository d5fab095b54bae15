"""Reference tables of the territory, synchronised from the data shipped in the package."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table

from convergence.db.metadata import metadata

departements = Table(
    "departements",
    metadata,
    Column("code", String(3), primary_key=True),
    Column("name", String(100), nullable=False),
)

epcis = Table(
    "epcis",
    metadata,
    Column("siren", String(9), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(10), nullable=False),  # CA, CC, CU, METRO, EPT
)

communes = Table(
    "communes",
    metadata,
    Column("insee", String(5), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("departement", ForeignKey("departements.code"), nullable=False),
    Column("siren", String(9), nullable=False, unique=True),
    Column("population", Integer, nullable=False),
    Column("epci_siren", ForeignKey("epcis.siren"), nullable=True, index=True),
    Column("ept_siren", ForeignKey("epcis.siren"), nullable=True, index=True),
)
