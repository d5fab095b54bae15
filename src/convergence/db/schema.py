"""Imports every domain's ``tables`` module so the shared metadata knows the whole schema."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from convergence.db.metadata import metadata

# Order does not matter: foreign keys resolve once every module is imported.
TABLE_MODULES = (
    "convergence.territory.tables",
    "convergence.members.tables",
    "convergence.registry.tables",
    "convergence.coordination.tables",
    "convergence.timeseries.tables",
    "convergence.ingest.tables",
    "convergence.alerts.tables",
    "convergence.indicators.tables",
    "convergence.charging.tables",
    "convergence.opendata.tables",
    "convergence.quality.tables",
    "convergence.video.tables",
    "convergence.maintenance.tables",
    "convergence.db.leases",
)


def load_all_tables() -> MetaData:
    """The metadata of the whole schema."""
    for module in TABLE_MODULES:
        importlib.import_module(module)
    return metadata
