"""The Table Schemas files are validated against, all read from the package (offline).

The core packages its own (the inventory, the sensors' measurements); a service line brings
the schemas of its datasets (``OpenDataset.schemas``): the charging line the official IRVE
files, the traffic line its transcription of the *comptage des mobilités* schemas.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from importlib.resources import files
from typing import Any

from convergence.errors import NotFound
from convergence.servicelines import service_lines


class SchemaName(StrEnum):
    """The core's schemas; the value is its public file name (without .json)."""

    equipment = "convergence-equipements"
    air_daily = "convergence-air-journalier"
    noise_daily = "convergence-bruit-journalier"
    water_levels = "convergence-hauteurs-eau"


@cache
def _packaged_text(name: SchemaName) -> str:
    path = files("convergence.opendata") / "data" / "schemas" / f"{name.value}.json"
    return path.read_text(encoding="utf-8")


def line_schemas() -> dict[str, Mapping[str, Any]]:
    """The Table Schemas the installed service lines bring, by name."""
    return {n: s for line in service_lines() for d in line.datasets for n, s in d.schemas.items()}


def schema_names() -> list[str]:
    """Every schema a served file may follow: the core's, then the lines'."""
    core = [name.value for name in SchemaName]
    return core + [name for name in line_schemas() if name not in core]


def load_schema(name: SchemaName | str) -> dict[str, Any]:
    """The schema as shipped (a fresh copy the caller may modify)."""
    if name in SchemaName.__members__.values():
        schema: dict[str, Any] = json.loads(_packaged_text(SchemaName(name)))
        return schema
    brought = line_schemas().get(str(name))
    if brought is None:
        raise NotFound(f"schéma {name} introuvable / no table schema {name!r}")
    return copy.deepcopy(dict(brought))


def schema_fields(name: SchemaName | str) -> list[dict[str, Any]]:
    """The field descriptors, in column order."""
    fields: list[dict[str, Any]] = load_schema(name)["fields"]
    return fields


def schema_columns(name: SchemaName | str) -> tuple[str, ...]:
    """Column names, in the schema's order."""
    return tuple(field["name"] for field in schema_fields(name))


def offline_descriptor(name: SchemaName | str) -> dict[str, Any]:
    """What constrains the data (fields, missing values, key), without any URL to follow."""
    schema = load_schema(name)
    kept = ("fields", "missingValues", "primaryKey")
    return {key: schema[key] for key in kept if key in schema}
